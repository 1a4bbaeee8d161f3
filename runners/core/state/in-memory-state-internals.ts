/**
 * {@link StateInternals} in memory: the store every grouping side uses today.
 *
 * ```
 *   byNamespace: Map<namespace id, NamespaceEntry>
 *                  └── keys: KeyedMap<KeyEntry>
 *                               └── slots[slot of tag]: the cell's contents (undefined: empty)
 *   holds: InMemoryHolds<NamespaceEntry>      (per namespace, the minimum of its watermark hold cells)
 * ```
 * A cell is one slot of its key entry holding its contents directly (a bag's array, an accumulator, a hold's
 * instant, ...), so the state of one key in one window is one entry object and its slot array: what a window
 * with many keys keeps alive is about what a hand-rolled map would. Each tag has one handle, which `state()`
 * points at the address asked for (so the hot path allocates nothing per access). Invariants: a slot is set exactly when its cell is non-empty; a key entry exists exactly when
 * one of its slots is set; a namespace entry exists exactly when it has a key entry. So `namespaces()`,
 * `keysIn()` and `isEmpty` are plain reads, and a cleared window or key leaves nothing behind. A handle whose
 * entry went (cleared) looks its address up again on the next access, so a handle kept across `clear` still
 * reads and writes the live cell. A hot caller pays one namespace lookup (by window id) and one key lookup per
 * access; the last (key, namespace) looked up is remembered, so a second tag of the same key and window costs no
 * lookup.
 *
 * Watermark holds are kept per namespace: a namespace's minimum only falls as holds are added, so it is updated in
 * place; a hold that rises (LATEST) or is cleared while it was the minimum marks the namespace for a rescan at the
 * next `minimumHold()`. Clearing a whole namespace (a window firing or expiring) drops it wholesale, with no
 * per-cell bookkeeping: that keeps the lean grouping path as fast as its former hand-rolled maps.
 * @module
 */
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import { TIMESTAMP_MAX_VALUE, type Instant } from "../../../sdk/model/time.js";
import { KeyedMap, keyHash } from "../key-encoding.js";
import { InMemoryHolds } from "./holds.js";
import { decodeNamespace, encodeNamespace, isWindowNamespace, type StateNamespace } from "./state-namespace.js";
import type {
  BagState,
  CombiningState,
  KeyGroupSelector,
  MapState,
  OrderedListState,
  SetState,
  StateInternals,
  StateSnapshot,
  ValueState,
  WatermarkHoldState,
} from "./state-internals.js";
import type { BagTag, CombiningTag, StateOf, StateTag, ValueTag, WatermarkHoldTag } from "./state-tags.js";

interface NamespaceEntry {
  readonly namespace: StateNamespace;
  readonly keys: KeyedMap<KeyEntry>;
  /** The minimum over its hold cells (+∞ when none); exact unless `stale`. */
  holdMin: Instant;
  /** A hold that was the minimum rose or went: rescan before reading `holdMin`. */
  stale: boolean;
}

interface KeyEntry {
  readonly key: unknown;
  readonly ns: NamespaceEntry;
  /** Cell contents by tag slot; `undefined` is an empty cell. */
  readonly slots: unknown[];
  /** How many slots are set. */
  set: number;
  /** Dropped from its namespace: handles holding it look their address up again. */
  dead: boolean;
}

/** Options of {@link InMemoryStateInternals}. */
export interface InMemoryStateOptions {
  readonly step: string;
  /** Decodes and encodes window namespaces in snapshots. */
  readonly windowFn: WindowFn;
}

const NO_KEY = Symbol("none");

/** {@link StateInternals} in memory; see the module documentation. */
export class InMemoryStateInternals implements StateInternals {
  readonly step: string;
  private readonly windowFn: WindowFn;
  private readonly byNamespace = new Map<string, NamespaceEntry>();
  /** Registered tags by slot, and slots by tag id. */
  private readonly tags: StateTag[] = [];
  private readonly slots = new Map<string, number>();
  /** Each tag's one handle, re-pointed by `state()`. */
  private readonly handles: Handle[] = [];
  /** A key entry's slots when it is created (one `undefined` per tag: a packed array). */
  private emptySlots: unknown[] = [];
  /** Slots of watermark-hold tags. */
  private readonly holdSlots: number[] = [];
  /** Each namespace's minimum hold (namespaces without holds are absent). */
  private readonly holds = new InMemoryHolds<NamespaceEntry>();
  /** Namespaces whose `holdMin` needs a rescan. */
  private readonly stale = new Set<NamespaceEntry>();
  /** The last key entry looked up (a one-entry cache; reset when that entry goes). */
  private lastKey: unknown = NO_KEY;
  private lastNs: StateNamespace | undefined;
  private lastEntry: KeyEntry | undefined;

  constructor(options: InMemoryStateOptions) {
    this.step = options.step;
    this.windowFn = options.windowFn;
  }

  /**
   * A store holding what {@link InMemoryStateInternals.snapshot} took; `tags` are the tags the snapshot's cells
   * were written with (by id).
   */
  static restore(snapshot: StateSnapshot, options: InMemoryStateOptions & { readonly tags: readonly StateTag[] }): InMemoryStateInternals {
    if (snapshot?.v !== 1) throw new Error(`internal: not a state snapshot for ${options.step}`);
    const store = new InMemoryStateInternals(options);
    const byId = new Map(options.tags.map((t) => [t.id, t]));
    for (const [key, namespaces] of snapshot.keys) {
      for (const [nsData, cells] of namespaces) {
        const ns = decodeNamespace(nsData as never, options.windowFn);
        for (const [id, data] of cells) {
          const tag = byId.get(id);
          if (!tag) throw new Error(`internal: ${options.step}: a state snapshot has cells of tag "${id}", which this step does not declare`);
          (store.state(key, ns, tag) as unknown as Handle).restore(data);
        }
      }
    }
    return store;
  }

  state<T extends StateTag>(key: unknown, namespace: StateNamespace, tag: T): StateOf<T> {
    const slot = this.slotOf(tag);
    const h = this.handles[slot] ?? (this.handles[slot] = newHandle(this, slot, tag));
    h.point(key, namespace, this.entryOf(key, namespace));
    return h as unknown as StateOf<T>;
  }

  namespaces(): StateNamespace[] {
    const out: StateNamespace[] = [];
    for (const n of this.byNamespace.values()) out.push(n.namespace);
    return out;
  }

  keysIn(namespace: StateNamespace): unknown[] {
    const ns = this.byNamespace.get(namespace.id);
    if (!ns) return [];
    const keys: unknown[] = [];
    for (const e of ns.keys.values()) keys.push(e.key);
    return keys;
  }

  clear(key: unknown, namespace: StateNamespace): void {
    const e = this.entryOf(key, namespace);
    if (!e) return;
    for (const slot of this.holdSlots) {
      const h = e.slots[slot] as Instant | undefined;
      if (h !== undefined) this.holdChanged(e.ns, h, undefined);
    }
    this.dropEntry(e);
  }

  clearNamespace(namespace: StateNamespace): void {
    const ns = this.byNamespace.get(namespace.id);
    if (!ns) return;
    // Wholesale: entries are marked dead (so a handle kept across this re-attaches), the namespace dropped.
    for (const e of ns.keys.values()) e.dead = true;
    this.dropNamespace(ns);
  }

  merge(key: unknown, sources: readonly StateNamespace[], target: StateNamespace, tags: readonly StateTag[]): void {
    for (const tag of tags) {
      const slot = this.slotOf(tag);
      for (const source of sources) {
        if (source.id === target.id) continue;
        const from = this.entryOf(key, source);
        const data = from?.slots[slot];
        if (data === undefined) continue;
        const into = this.state(key, target, tag) as unknown as Handle;
        into.mergeFrom(data, target);
        (this.state(key, source, tag) as unknown as Handle).clear();
      }
    }
  }

  minimumHold(): Instant {
    if (this.stale.size > 0) {
      for (const ns of this.stale) {
        let min = TIMESTAMP_MAX_VALUE;
        for (const e of ns.keys.values()) {
          for (const slot of this.holdSlots) {
            const h = e.slots[slot] as Instant | undefined;
            if (h !== undefined && h < min) min = h;
          }
        }
        ns.holdMin = min;
        ns.stale = false;
        this.holds.set(ns, min === TIMESTAMP_MAX_VALUE ? undefined : min);
      }
      this.stale.clear();
    }
    return this.holds.min();
  }

  get isEmpty(): boolean {
    return this.byNamespace.size === 0;
  }

  snapshot(select?: KeyGroupSelector): StateSnapshot {
    const byKey = new KeyedMap<[unknown, [unknown, [string, unknown][]][]]>();
    for (const ns of this.byNamespace.values()) {
      const nsData = encodeNamespace(ns.namespace, this.windowFn);
      for (const e of ns.keys.values()) {
        if (select && keyHash(e.key) % select.keyGroups !== select.keyGroup) continue;
        let k = byKey.get(e.key);
        if (!k) byKey.set(e.key, (k = [e.key, []]));
        const cells: [string, unknown][] = [];
        e.slots.forEach((data, slot) => {
          if (data !== undefined) cells.push([this.tags[slot]!.id, encodeSlot(this.tags[slot]!, data)]);
        });
        k[1].push([nsData, cells]);
      }
    }
    return { v: 1, step: this.step, keys: [...byKey.values()] };
  }

  // ------------------------------------------------------------------------------------------ plumbing

  private slotOf(tag: StateTag): number {
    // Identity first: a store has a handful of tags, and hot callers pass the same tag objects every time.
    const tags = this.tags;
    for (let i = 0; i < tags.length; i++) if (tags[i] === tag) return i;
    const slot = this.slots.get(tag.id);
    if (slot !== undefined) {
      if (this.tags[slot]!.kind !== tag.kind) {
        throw new Error(`internal: ${this.step}: state tag "${tag.id}" used as ${tag.kind} and ${this.tags[slot]!.kind}`);
      }
      return slot;
    }
    this.slots.set(tag.id, tags.length);
    tags.push(tag);
    this.emptySlots = tags.map(() => undefined);
    if (tag.kind === "watermarkHold") this.holdSlots.push(tags.length - 1);
    return tags.length - 1;
  }

  /** @internal The key entry of an address, if it has state. */
  entryOf(key: unknown, namespace: StateNamespace): KeyEntry | undefined {
    if (key === this.lastKey && namespace === this.lastNs) return this.lastEntry;
    const e = this.byNamespace.get(namespace.id)?.keys.get(key);
    if (e) this.remember(key, namespace, e);
    return e;
  }

  /** @internal The key entry of an address, created if it has none. */
  createEntry(key: unknown, namespace: StateNamespace): KeyEntry {
    let ns = this.byNamespace.get(namespace.id);
    if (!ns) this.byNamespace.set(namespace.id, (ns = { namespace, keys: new KeyedMap(), holdMin: TIMESTAMP_MAX_VALUE, stale: false }));
    const e: KeyEntry = { key, ns, slots: this.emptySlots.slice(), set: 0, dead: false };
    ns.keys.set(key, e);
    this.remember(key, namespace, e);
    return e;
  }

  /** @internal A slot of `e` became empty. */
  slotEmptied(e: KeyEntry): void {
    if (--e.set === 0) this.dropEntry(e);
  }

  /** @internal A hold of `ns` went from `from` to `to` (`undefined`: none). */
  holdChanged(ns: NamespaceEntry, from: Instant | undefined, to: Instant | undefined): void {
    if (to !== undefined && to < ns.holdMin) {
      ns.holdMin = to;
      if (!ns.stale) this.holds.set(ns, to);
    } else if (from !== undefined && from === ns.holdMin && !ns.stale) {
      ns.stale = true;
      this.stale.add(ns);
    }
  }

  private remember(key: unknown, namespace: StateNamespace, e: KeyEntry): void {
    this.lastKey = key;
    this.lastNs = namespace;
    this.lastEntry = e;
  }

  private dropEntry(e: KeyEntry): void {
    e.dead = true;
    e.ns.keys.delete(e.key);
    if (this.lastEntry === e) this.forget();
    if (e.ns.keys.size === 0) this.dropNamespace(e.ns);
  }

  private dropNamespace(ns: NamespaceEntry): void {
    this.byNamespace.delete(ns.namespace.id);
    this.holds.set(ns, undefined);
    this.stale.delete(ns);
    if (this.lastEntry?.ns === ns) this.forget();
  }

  private forget(): void {
    this.lastKey = NO_KEY;
    this.lastNs = undefined;
    this.lastEntry = undefined;
  }
}

// -------------------------------------------------------------------------------------------------- handles

/**
 * A tag's cell handle, pointed at one address at a time (like Flink's keyed state objects and their current key):
 * the address and the key entry found there (looked up again if it went).
 */
abstract class Handle {
  private key: unknown = undefined;
  private namespace: StateNamespace | undefined = undefined;
  private entry: KeyEntry | undefined = undefined;

  constructor(
    protected readonly store: InMemoryStateInternals,
    protected readonly slot: number,
    protected readonly tag: StateTag,
  ) {}

  point(key: unknown, namespace: StateNamespace, entry: KeyEntry | undefined): void {
    this.key = key;
    this.namespace = namespace;
    this.entry = entry;
  }

  /** The live key entry of the address (created when `create`). */
  protected live(create: boolean): KeyEntry | undefined {
    const e = this.entry;
    if (e !== undefined && !e.dead) return e;
    let found = this.store.entryOf(this.key, this.namespace!);
    if (found === undefined && create) found = this.store.createEntry(this.key, this.namespace!);
    this.entry = found;
    return found;
  }

  /** The cell's contents, `undefined` when empty. */
  protected contents(): unknown {
    const e = this.live(false);
    return e === undefined ? undefined : e.slots[this.slot];
  }

  /** Sets the contents (never to `undefined`); returns the entry. */
  protected setContents(data: unknown): KeyEntry {
    const e = this.live(true)!;
    if (e.slots[this.slot] === undefined) e.set++;
    e.slots[this.slot] = data;
    return e;
  }

  isEmpty(): boolean {
    return this.contents() === undefined;
  }

  clear(): void {
    const e = this.live(false);
    if (e === undefined || e.slots[this.slot] === undefined) return;
    this.onClear(e);
    e.slots[this.slot] = undefined;
    this.store.slotEmptied(e);
  }

  /** Bookkeeping before the contents go. */
  protected onClear(_e: KeyEntry): void {}

  /** Writes what {@link encodeSlot} made of this kind's contents. */
  abstract restore(data: unknown): void;
  /** Merges another cell's contents (of the same tag) into this one. */
  abstract mergeFrom(data: unknown, target: StateNamespace): void;
}

function newHandle(store: InMemoryStateInternals, slot: number, tag: StateTag): Handle {
  switch (tag.kind) {
    case "value":
      return new ValueHandle(store, slot, tag);
    case "bag":
      return new BagHandle(store, slot, tag);
    case "combining":
      return new CombiningHandle(store, slot, tag);
    case "map":
      return new MapHandle(store, slot, tag);
    case "set":
      return new SetHandle(store, slot, tag);
    case "orderedList":
      return new OrderedListHandle(store, slot, tag);
    case "watermarkHold":
      return new HoldHandle(store, slot, tag);
  }
}

/** A cell's contents as plain data. */
function encodeSlot(tag: StateTag, data: unknown): unknown {
  switch (tag.kind) {
    case "value":
      return tag.coder ? tag.coder.encode(data) : data;
    case "bag":
      return tag.coder ? (data as unknown[]).map((v) => tag.coder!.encode(v)) : data;
    case "combining":
      return [data];
    case "map":
    case "set":
      return [...(data as KeyedMap<unknown>).values()];
    case "orderedList":
    case "watermarkHold":
      return data;
  }
}

class ValueHandle<T> extends Handle implements ValueState<T> {
  read(): T | undefined {
    return this.contents() as T | undefined;
  }
  write(value: T): void {
    if (value === undefined) this.clear();
    else this.setContents(value);
  }
  restore(data: unknown): void {
    const coder = (this.tag as ValueTag<T>).coder;
    this.write(coder ? coder.decode(data) : (data as T));
  }
  mergeFrom(): void {
    throw new Error(`${this.store.step}: value state "${this.tag.id}" cannot be merged (merging windows)`);
  }
}

class BagHandle<T> extends Handle implements BagState<T> {
  add(value: T): void {
    const values = this.contents() as T[] | undefined;
    if (values === undefined) this.setContents([value]);
    else values.push(value);
  }
  read(): readonly T[] {
    return (this.contents() as T[] | undefined) ?? [];
  }
  restore(data: unknown): void {
    const coder = (this.tag as BagTag<T>).coder;
    for (const v of data as unknown[]) this.add(coder ? coder.decode(v) : (v as T));
  }
  mergeFrom(data: unknown): void {
    for (const v of data as T[]) this.add(v);
  }
}

class CombiningHandle<I, A, O> extends Handle implements CombiningState<I, A, O> {
  private get fn() {
    return (this.tag as CombiningTag<I, A, O>).combineFn;
  }
  add(input: I): void {
    const acc = this.contents() as A | undefined;
    this.setContents(this.fn.addInput(acc === undefined ? this.fn.createAccumulator() : acc, input));
  }
  addAccum(accumulator: A): void {
    const acc = this.contents() as A | undefined;
    this.setContents(acc === undefined ? accumulator : this.fn.mergeAccumulators([acc, accumulator]));
  }
  readAccum(): A | undefined {
    return this.contents() as A | undefined;
  }
  read(): O {
    const acc = this.contents() as A | undefined;
    return this.fn.extractOutput(acc === undefined ? this.fn.createAccumulator() : acc);
  }
  restore(data: unknown): void {
    this.addAccum((data as [A])[0]);
  }
  mergeFrom(data: unknown): void {
    this.addAccum(data as A);
  }
}

class MapHandle<K, V> extends Handle implements MapState<K, V> {
  private map(): KeyedMap<[K, V]> | undefined {
    return this.contents() as KeyedMap<[K, V]> | undefined;
  }
  get(key: K): V | undefined {
    return this.map()?.get(key)?.[1];
  }
  put(key: K, value: V): void {
    let m = this.map();
    if (m === undefined) this.setContents((m = new KeyedMap()));
    m.set(key, [key, value]);
  }
  remove(key: K): void {
    const m = this.map();
    if (m === undefined) return;
    m.delete(key);
    if (m.size === 0) this.clear();
  }
  entries(): [K, V][] {
    const m = this.map();
    return m ? [...m.values()].map(([k, v]) => [k, v]) : [];
  }
  restore(data: unknown): void {
    for (const [k, v] of data as [K, V][]) this.put(k, v);
  }
  mergeFrom(data: unknown): void {
    for (const [k, v] of (data as KeyedMap<[K, V]>).values()) if (this.get(k) === undefined) this.put(k, v);
  }
}

class SetHandle<T> extends Handle implements SetState<T> {
  private set(): KeyedMap<[T]> | undefined {
    return this.contents() as KeyedMap<[T]> | undefined;
  }
  add(value: T): boolean {
    let s = this.set();
    if (s?.get(value) !== undefined) return false;
    if (s === undefined) this.setContents((s = new KeyedMap()));
    s.set(value, [value]);
    return true;
  }
  contains(value: T): boolean {
    return this.set()?.get(value) !== undefined;
  }
  remove(value: T): void {
    const s = this.set();
    if (s === undefined) return;
    s.delete(value);
    if (s.size === 0) this.clear();
  }
  read(): T[] {
    const s = this.set();
    return s ? [...s.values()].map(([v]) => v) : [];
  }
  restore(data: unknown): void {
    for (const [v] of data as [T][]) this.add(v);
  }
  mergeFrom(data: unknown): void {
    for (const [v] of (data as KeyedMap<[T]>).values()) this.add(v);
  }
}

class OrderedListHandle<T> extends Handle implements OrderedListState<T> {
  /** Sorted by timestamp; equal timestamps in arrival order. */
  private list(): [Instant, T][] | undefined {
    return this.contents() as [Instant, T][] | undefined;
  }
  add(timestamp: Instant, value: T): void {
    let list = this.list();
    if (list === undefined) this.setContents((list = []));
    // Upper bound: after every entry with the same timestamp.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]![0] <= timestamp) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, [timestamp, value]);
  }
  read(): [Instant, T][] {
    return [...(this.list() ?? [])];
  }
  readRange(from: Instant, to: Instant): [Instant, T][] {
    return (this.list() ?? []).filter(([t]) => t >= from && t < to);
  }
  clearRange(from: Instant, to: Instant): void {
    const list = this.list();
    if (list === undefined) return;
    const kept = list.filter(([t]) => t < from || t >= to);
    if (kept.length === 0) this.clear();
    else this.setContents(kept);
  }
  restore(data: unknown): void {
    for (const [t, v] of data as [Instant, T][]) this.add(t, v);
  }
  mergeFrom(data: unknown): void {
    for (const [t, v] of data as [Instant, T][]) this.add(t, v);
  }
}

class HoldHandle extends Handle implements WatermarkHoldState {
  add(timestamp: Instant): void {
    const h = this.contents() as Instant | undefined;
    const next = h === undefined ? timestamp : (this.tag as WatermarkHoldTag).combiner === "LATEST" ? (timestamp > h ? timestamp : h) : timestamp < h ? timestamp : h;
    if (next === h) return;
    const e = this.setContents(next);
    this.store.holdChanged(e.ns, h, next);
  }
  read(): Instant | undefined {
    return this.contents() as Instant | undefined;
  }
  protected override onClear(e: KeyEntry): void {
    this.store.holdChanged(e.ns, e.slots[this.slot] as Instant, undefined);
  }
  restore(data: unknown): void {
    this.add(data as Instant);
  }
  mergeFrom(data: unknown, target: StateNamespace): void {
    // Beam: END_OF_WINDOW holds are re-derived from the merged window.
    const eow = (this.tag as WatermarkHoldTag).combiner === "END_OF_WINDOW" && isWindowNamespace(target);
    this.add(eow ? (target as BoundedWindow).maxTimestamp() : (data as Instant));
  }
}
