/**
 * {@link StateInternals} in memory: the store of the general grouping driver (the lean one has its own,
 * `lean-state-internals.ts`).
 *
 * ```
 *   byKey: KeyedMap<KeyEntry[]>      (a key's entries: one per namespace with state, a short list)
 *            └── KeyEntry { namespace, slots[slot of tag]: the cell's contents (undefined: empty), holdMin }
 *   holds: IndexedMinHeap<KeyEntry>   (the entries holding anything, by holdMin)
 * ```
 * Keyed first, because every hot access names its key and a key has a handful of windows: the state of one key
 * in one window is one entry object and its slot array, about what a hand-rolled map of window states keeps (a
 * session window holds one key, so a map per namespace would be most of the memory). Each tag has one handle,
 * which `state()` points at the address asked for (so the hot path allocates nothing per access). Invariants: a
 * slot is set exactly when its cell is non-empty; an entry exists exactly when one of its slots is set; so
 * `isEmpty` is a plain read and a cleared window or key leaves nothing behind. Listing a namespace's keys,
 * listing namespaces and clearing a namespace for every key scan the store: they are not on the drivers' paths
 * (window garbage collection clears per key). A handle whose entry went (cleared) looks its address up again on
 * the next access, so a handle kept across `clear` still reads and writes the live cell. The last (key,
 * namespace) looked up is remembered, so a second tag of the same key and window costs no lookup.
 *
 * Watermark holds: each entry keeps the minimum of its hold cells, recomputed when one of them changes (an entry
 * has one or two), and {@link StateInternals.minimumHold} is the top of a heap of the holding entries, each at
 * its place (so a hold that moves, or an entry that goes, leaves nothing stale behind).
 * @module
 */
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import { TIMESTAMP_MAX_VALUE, type Instant } from "../../../sdk/model/time.js";
import { KeyedMap, keyHash } from "../key-encoding.js";
import { IndexedMinHeap } from "./min-heap.js";
import { removeItem, withItem } from "./remove-item.js";
import { isWindowNamespace, type StateNamespace } from "./state-namespace.js";
import { CellColumns, forEachCell, SnapshotTables } from "./snapshot-tables.js";
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

interface KeyEntry {
  readonly key: unknown;
  readonly namespace: StateNamespace;
  /** Cell contents by tag slot; `undefined` is an empty cell. */
  readonly slots: unknown[];
  /** How many slots are set. */
  set: number;
  /** Dropped from its key: handles holding it look their address up again. */
  dead: boolean;
  /** The minimum over its hold cells (+∞ when none). */
  holdMin: Instant;
  /** Its place in the holds heap (-1: it holds nothing). */
  heapIndex: number;
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
  /** Each key's entries, one per namespace with state (a key has a handful of windows: a list beats a map). */
  private readonly byKey = new KeyedMap<KeyEntry[]>();
  private entries = 0;
  /** Registered tags by slot, and slots by tag id. */
  private readonly tags: StateTag[] = [];
  private readonly slots = new Map<string, number>();
  /** Each tag's one handle, re-pointed by `state()`. */
  private readonly handles: Handle[] = [];
  /** A key entry's slots when it is created (one `undefined` per tag: a packed array). */
  private emptySlots: unknown[] = [];
  /** Slots of watermark-hold tags. */
  private readonly holdSlots: number[] = [];
  /** The entries' minimum holds. */
  private readonly holds = new IndexedMinHeap<KeyEntry>((a, b) => a.holdMin < b.holdMin);
  /** The last key entry looked up (a one-entry cache; reset when that entry goes). */
  private lastKey: unknown = NO_KEY;
  private lastNs: StateNamespace | undefined;
  private lastEntry: KeyEntry | undefined;
  /** The last key whose list was looked up, and its list (`undefined`: the key has no state). */
  private listKey: unknown = NO_KEY;
  private lastList: KeyEntry[] | undefined;

  constructor(options: InMemoryStateOptions) {
    this.step = options.step;
    this.windowFn = options.windowFn;
  }

  /**
   * A store holding what {@link InMemoryStateInternals.snapshot} took; `tags` are the tags the snapshot's cells
   * were written with (by id).
   */
  static restore(snapshot: StateSnapshot, options: InMemoryStateOptions & { readonly tags: readonly StateTag[] }): InMemoryStateInternals {
    if (snapshot?.v !== 2) throw new Error(`internal: not a state snapshot for ${options.step}`);
    const store = new InMemoryStateInternals(options);
    const byId = new Map(options.tags.map((t) => [t.id, t]));
    forEachCell(snapshot, options.windowFn, (key, namespace, id, data) => {
      const tag = byId.get(id);
      if (!tag) throw new Error(`internal: ${options.step}: a state snapshot has cells of tag "${id}", which this step does not declare`);
      (store.state(key, namespace, tag) as unknown as Handle).restore(data);
    });
    return store;
  }

  state<T extends StateTag>(key: unknown, namespace: StateNamespace, tag: T): StateOf<T> {
    const slot = this.slotOf(tag);
    const h = this.handles[slot] ?? (this.handles[slot] = newHandle(this, slot, tag));
    h.point(key, namespace, this.entryOf(key, namespace));
    return h as unknown as StateOf<T>;
  }

  /** Scans every entry: for inspection and tests, not for a hot path. */
  namespaces(): StateNamespace[] {
    const byId = new Map<string, StateNamespace>();
    for (const e of this.allEntries()) if (!byId.has(e.namespace.id)) byId.set(e.namespace.id, e.namespace);
    return [...byId.values()];
  }

  /** Scans every key: for inspection and tests, not for a hot path. */
  keysIn(namespace: StateNamespace): unknown[] {
    const keys: unknown[] = [];
    for (const e of this.allEntries()) if (e.namespace.id === namespace.id) keys.push(e.key);
    return keys;
  }

  clear(key: unknown, namespace: StateNamespace): void {
    const e = this.entryOf(key, namespace);
    if (e) this.dropEntry(e);
  }

  /** Scans every key: a window's garbage collection per key ({@link clear}) is the hot path's way. */
  clearNamespace(namespace: StateNamespace): void {
    for (const e of [...this.allEntries()]) if (e.namespace.id === namespace.id) this.dropEntry(e);
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
    return this.holds.peek()?.holdMin ?? TIMESTAMP_MAX_VALUE;
  }

  get isEmpty(): boolean {
    return this.entries === 0;
  }

  snapshot(select?: KeyGroupSelector): StateSnapshot {
    const tables = new SnapshotTables(this.windowFn);
    const cells = new CellColumns();
    // Tags are numbered as met, so a snapshot does not depend on the order the store first saw them in.
    const tagIds: string[] = [];
    const tagIndex = this.tags.map(() => -1);
    for (const list of this.byKey.values()) {
      const key = list[0]!.key;
      if (select && keyHash(key) % select.keyGroups !== select.keyGroup) continue;
      const k = tables.distinctKey(key);
      for (const e of list) {
        const n = tables.namespace(e.namespace);
        for (let slot = 0; slot < e.slots.length; slot++) {
          const data = e.slots[slot];
          if (data === undefined) continue;
          if (tagIndex[slot] === -1) tagIndex[slot] = tagIds.push(this.tags[slot]!.id) - 1;
          cells.push(k, n, tagIndex[slot]!, encodeSlot(this.tags[slot]!, data));
        }
      }
    }
    return cells.snapshot(this.step, tables, tagIds);
  }

  // ------------------------------------------------------------------------------------------ plumbing

  private *allEntries(): IterableIterator<KeyEntry> {
    for (const list of this.byKey.values()) yield* list;
  }

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
    // The drivers alternate between a key's window and its key namespace: the key's list is remembered too.
    let list: KeyEntry[] | undefined;
    if (key === this.listKey) list = this.lastList;
    else {
      list = this.byKey.get(key);
      this.listKey = key;
      this.lastList = list;
    }
    if (list === undefined) return undefined;
    const id = namespace.id;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.namespace === namespace || e.namespace.id === id) {
        this.remember(key, namespace, e);
        return e;
      }
    }
    return undefined;
  }

  /** @internal The key entry of an address, created if it has none. */
  createEntry(key: unknown, namespace: StateNamespace): KeyEntry {
    const e: KeyEntry = { key, namespace, slots: this.emptySlots.slice(), set: 0, dead: false, holdMin: TIMESTAMP_MAX_VALUE, heapIndex: -1 };
    const list = key === this.listKey ? this.lastList : this.byKey.get(key);
    this.byKey.set(key, (this.lastList = list === undefined ? [e] : withItem(list, e)));
    this.listKey = key;
    this.entries++;
    this.remember(key, namespace, e);
    return e;
  }

  /** @internal A slot of `e` became empty. */
  slotEmptied(e: KeyEntry): void {
    if (--e.set === 0) this.dropEntry(e);
  }

  /** @internal A hold cell of `e` changed: its minimum is recomputed from its (few) hold cells. */
  holdChanged(e: KeyEntry): void {
    let min = TIMESTAMP_MAX_VALUE;
    for (const slot of this.holdSlots) {
      const h = e.slots[slot] as Instant | undefined;
      if (h !== undefined && h < min) min = h;
    }
    if (min !== e.holdMin) this.setHold(e, min);
  }

  private setHold(e: KeyEntry, hold: Instant): void {
    e.holdMin = hold;
    if (hold === TIMESTAMP_MAX_VALUE) this.holds.remove(e);
    else if (e.heapIndex < 0) this.holds.push(e);
    else this.holds.update(e);
  }

  private remember(key: unknown, namespace: StateNamespace, e: KeyEntry): void {
    this.lastKey = key;
    this.lastNs = namespace;
    this.lastEntry = e;
  }

  private dropEntry(e: KeyEntry): void {
    if (e.dead) return;
    e.dead = true;
    if (e.holdMin !== TIMESTAMP_MAX_VALUE) this.setHold(e, TIMESTAMP_MAX_VALUE);
    const list = this.byKey.get(e.key)!;
    if (list.length === 1) {
      this.byKey.delete(e.key);
      if (this.lastList === list) this.forgetList();
    } else removeItem(list, e);
    this.entries--;
    if (this.lastEntry === e) this.forget();
  }

  private forgetList(): void {
    this.listKey = NO_KEY;
    this.lastList = undefined;
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
    e.slots[this.slot] = undefined;
    this.afterClear(e);
    this.store.slotEmptied(e);
  }

  /** Bookkeeping after the contents went (before the entry may go). */
  protected afterClear(_e: KeyEntry): void {}

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
    case "map":
    case "set":
      return [...(data as KeyedMap<unknown>).values()];
    case "combining":
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
    // The source cell is cleared right after (`merge`): an empty target takes its array over instead of copying
    // it, so that a session growing by one element a merge costs O(1) a merge, not O(its size).
    const values = this.contents() as T[] | undefined;
    if (values === undefined) this.setContents(data);
    else for (const v of data as T[]) values.push(v);
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
    this.addAccum(data as A);
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
    this.store.holdChanged(this.setContents(next));
  }
  read(): Instant | undefined {
    return this.contents() as Instant | undefined;
  }
  protected override afterClear(e: KeyEntry): void {
    this.store.holdChanged(e);
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

