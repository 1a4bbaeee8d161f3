/**
 * {@link StateInternals} in memory: the store every grouping side uses today.
 *
 * ```
 *   byNamespace: Map<namespace id, NamespaceEntry>
 *                  └── keys: KeyedMap<KeyEntry>
 *                               └── cells[slot of tag] ──► ValueCell | BagCell | CombiningCell | ...
 *   holds: InMemoryHolds<HoldCell>            (the minimum over every set watermark hold)
 * ```
 * Invariants: a cell is *attached* (listed in its key entry) exactly when it is non-empty; a key entry exists
 * exactly when it has an attached cell, a namespace entry when it has a key entry. So `namespaces()`, `keysIn()`
 * and `isEmpty` are plain reads, and a cleared window or key leaves nothing behind. A handle for a cell that does
 * not exist yet is *detached* until its first write, which attaches it (or, if another handle attached a cell at
 * that address meanwhile, writes to that one). A hot caller pays one namespace lookup (by window id) and one key
 * lookup per access; the last (key, namespace) looked up is remembered, so a second tag of the same key and window
 * costs nothing more.
 * @module
 */
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { Instant } from "../../../sdk/model/time.js";
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
import type {
  BagTag,
  CombiningTag,
  StateOf,
  StateTag,
  ValueTag,
  WatermarkHoldTag,
} from "./state-tags.js";

interface NamespaceEntry {
  readonly namespace: StateNamespace;
  readonly keys: KeyedMap<KeyEntry>;
}

interface KeyEntry {
  readonly key: unknown;
  readonly ns: NamespaceEntry;
  /** Attached cells by tag slot. */
  readonly cells: (Cell | undefined)[];
  /** How many cells are attached. */
  attached: number;
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
  /** @internal Every set hold, by cell. */
  readonly holds = new InMemoryHolds<HoldCell>();
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
          (store.state(key, ns, tag) as unknown as Cell).restore(data);
        }
      }
    }
    return store;
  }

  state<T extends StateTag>(key: unknown, namespace: StateNamespace, tag: T): StateOf<T> {
    const slot = this.slotOf(tag);
    const entry = this.entryOf(key, namespace);
    const cell = entry?.cells[slot];
    if (cell) return cell as unknown as StateOf<T>;
    return newCell(this, key, namespace, slot, tag) as unknown as StateOf<T>;
  }

  namespaces(): StateNamespace[] {
    return [...this.byNamespace.values()].map((n) => n.namespace);
  }

  keysIn(namespace: StateNamespace): unknown[] {
    const ns = this.byNamespace.get(namespace.id);
    if (!ns) return [];
    const keys: unknown[] = [];
    for (const e of ns.keys.values()) keys.push(e.key);
    return keys;
  }

  clear(key: unknown, namespace: StateNamespace): void {
    const entry = this.entryOf(key, namespace);
    if (entry) for (const c of entry.cells) c?.clear();
  }

  clearNamespace(namespace: StateNamespace): void {
    const ns = this.byNamespace.get(namespace.id);
    if (!ns) return;
    for (const e of [...ns.keys.values()]) for (const c of e.cells) c?.clear();
  }

  merge(key: unknown, sources: readonly StateNamespace[], target: StateNamespace, tags: readonly StateTag[]): void {
    for (const tag of tags) {
      const into = this.state(key, target, tag) as unknown as Cell;
      for (const source of sources) {
        if (source.id === target.id) continue;
        const from = this.entryOf(key, source)?.cells[this.slotOf(tag)];
        if (!from) continue;
        into.mergeFrom(from, target);
        from.clear();
      }
    }
  }

  minimumHold(): Instant {
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
        for (const c of e.cells) if (c) cells.push([c.tag.id, c.encode()]);
        k[1].push([nsData, cells]);
      }
    }
    return { v: 1, step: this.step, keys: [...byKey.values()] };
  }

  // ------------------------------------------------------------------------------------------ cell plumbing

  private slotOf(tag: StateTag): number {
    const slot = this.slots.get(tag.id);
    if (slot !== undefined) {
      if (this.tags[slot] !== tag && this.tags[slot]!.kind !== tag.kind) {
        throw new Error(`internal: ${this.step}: state tag "${tag.id}" used as ${tag.kind} and ${this.tags[slot]!.kind}`);
      }
      return slot;
    }
    this.slots.set(tag.id, this.tags.length);
    this.tags.push(tag);
    return this.tags.length - 1;
  }

  private entryOf(key: unknown, namespace: StateNamespace): KeyEntry | undefined {
    if (key === this.lastKey && namespace === this.lastNs) return this.lastEntry;
    const e = this.byNamespace.get(namespace.id)?.keys.get(key);
    if (e) {
      this.lastKey = key;
      this.lastNs = namespace;
      this.lastEntry = e;
    }
    return e;
  }

  /** @internal The attached cell at a detached cell's address, if any. */
  liveCell(c: Cell): Cell | undefined {
    return this.entryOf(c.key, c.namespace)?.cells[c.slot];
  }

  /** @internal Attaches a detached cell, or returns the cell already attached at its address. */
  attach(c: Cell): Cell {
    let entry = this.entryOf(c.key, c.namespace);
    if (!entry) {
      let ns = this.byNamespace.get(c.namespace.id);
      if (!ns) this.byNamespace.set(c.namespace.id, (ns = { namespace: c.namespace, keys: new KeyedMap() }));
      entry = { key: c.key, ns, cells: [], attached: 0 };
      ns.keys.set(c.key, entry);
    }
    const live = entry.cells[c.slot];
    if (live) return live;
    entry.cells[c.slot] = c;
    entry.attached++;
    c.entry = entry;
    return c;
  }

  /** @internal Detaches an attached cell that became empty, and its key and namespace entries if they did. */
  detach(c: Cell): void {
    const entry = c.entry!;
    c.entry = undefined;
    entry.cells[c.slot] = undefined;
    if (--entry.attached > 0) return;
    entry.ns.keys.delete(entry.key);
    if (this.lastEntry === entry) {
      this.lastKey = NO_KEY;
      this.lastEntry = undefined;
    }
    if (entry.ns.keys.size === 0) this.byNamespace.delete(entry.ns.namespace.id);
  }
}

// -------------------------------------------------------------------------------------------------- cells

/** A cell: its address, and whether it is attached (`entry` set). */
abstract class Cell {
  /** The key entry it is attached to; `undefined` while detached (empty). */
  entry: KeyEntry | undefined = undefined;

  constructor(
    readonly store: InMemoryStateInternals,
    readonly key: unknown,
    readonly namespace: StateNamespace,
    readonly slot: number,
    readonly tag: StateTag,
  ) {}

  /** The cell to read: this one if attached, else the one attached at its address, if any. */
  protected r(): this | undefined {
    return this.entry ? this : (this.store.liveCell(this) as this | undefined);
  }

  /** The cell to write: this one, attached if it was not (or the one attached at its address meanwhile). */
  protected w(): this {
    return this.entry ? this : (this.store.attach(this) as this);
  }

  isEmpty(): boolean {
    return this.r() === undefined;
  }

  clear(): void {
    const c = this.r();
    if (!c) return;
    c.reset();
    this.store.detach(c);
  }

  /** Detaches the cell if an operation left it empty. */
  protected settle(): void {
    if (this.entry && this.empty()) this.clear();
  }

  /** Drops the contents. */
  protected abstract reset(): void;
  /** Whether the contents are empty (for operations that remove). */
  protected empty(): boolean {
    return false;
  }
  /** The contents as plain data. */
  abstract encode(): unknown;
  /** Writes what `encode` made. */
  abstract restore(data: unknown): void;
  /** Merges another (attached) cell of the same tag into this one. */
  abstract mergeFrom(other: Cell, target: StateNamespace): void;
}

function newCell(store: InMemoryStateInternals, key: unknown, ns: StateNamespace, slot: number, tag: StateTag): Cell {
  switch (tag.kind) {
    case "value":
      return new ValueCell(store, key, ns, slot, tag);
    case "bag":
      return new BagCell(store, key, ns, slot, tag);
    case "combining":
      return new CombiningCell(store, key, ns, slot, tag);
    case "map":
      return new MapCell(store, key, ns, slot, tag);
    case "set":
      return new SetCell(store, key, ns, slot, tag);
    case "orderedList":
      return new OrderedListCell(store, key, ns, slot, tag);
    case "watermarkHold":
      return new HoldCell(store, key, ns, slot, tag);
  }
}

class ValueCell<T> extends Cell implements ValueState<T> {
  private value: T | undefined = undefined;
  read(): T | undefined {
    return this.r()?.value;
  }
  write(value: T): void {
    if (value === undefined) return this.clear();
    this.w().value = value;
  }
  protected reset(): void {
    this.value = undefined;
  }
  encode(): unknown {
    const coder = (this.tag as ValueTag<T>).coder;
    return coder ? coder.encode(this.value as T) : this.value;
  }
  restore(data: unknown): void {
    const coder = (this.tag as ValueTag<T>).coder;
    this.write(coder ? coder.decode(data) : (data as T));
  }
  mergeFrom(): void {
    throw new Error(`${this.store.step}: value state "${this.tag.id}" cannot be merged (merging windows)`);
  }
}

class BagCell<T> extends Cell implements BagState<T> {
  private values: T[] = [];
  add(value: T): void {
    this.w().values.push(value);
  }
  read(): readonly T[] {
    return this.r()?.values ?? [];
  }
  protected reset(): void {
    this.values = [];
  }
  encode(): unknown {
    const coder = (this.tag as BagTag<T>).coder;
    return coder ? this.values.map((v) => coder.encode(v)) : this.values;
  }
  restore(data: unknown): void {
    const coder = (this.tag as BagTag<T>).coder;
    for (const v of data as unknown[]) this.add(coder ? coder.decode(v) : (v as T));
  }
  mergeFrom(other: Cell): void {
    const into = this.w().values;
    for (const v of (other as BagCell<T>).values) into.push(v);
  }
}

class CombiningCell<I, A, O> extends Cell implements CombiningState<I, A, O> {
  private accumulator: A | undefined = undefined;
  private get fn() {
    return (this.tag as CombiningTag<I, A, O>).combineFn;
  }
  add(input: I): void {
    const c = this.r();
    const fn = this.fn;
    const acc = fn.addInput(c ? c.accumulator! : fn.createAccumulator(), input);
    this.w().accumulator = acc;
  }
  addAccum(accumulator: A): void {
    const c = this.r();
    const merged = c ? this.fn.mergeAccumulators([c.accumulator!, accumulator]) : accumulator;
    this.w().accumulator = merged;
  }
  readAccum(): A | undefined {
    return this.r()?.accumulator;
  }
  read(): O {
    const c = this.r();
    return this.fn.extractOutput(c ? c.accumulator! : this.fn.createAccumulator());
  }
  protected reset(): void {
    this.accumulator = undefined;
  }
  encode(): unknown {
    return [this.accumulator];
  }
  restore(data: unknown): void {
    this.addAccum((data as [A])[0]);
  }
  mergeFrom(other: Cell): void {
    this.addAccum((other as CombiningCell<I, A, O>).accumulator!);
  }
}

class MapCell<K, V> extends Cell implements MapState<K, V> {
  private readonly map = new KeyedMap<[K, V]>();
  get(key: K): V | undefined {
    return this.r()?.map.get(key)?.[1];
  }
  put(key: K, value: V): void {
    this.w().map.set(key, [key, value]);
  }
  remove(key: K): void {
    const c = this.r();
    if (!c) return;
    c.map.delete(key);
    c.settle();
  }
  entries(): [K, V][] {
    const c = this.r();
    return c ? [...c.map.values()].map(([k, v]) => [k, v]) : [];
  }
  protected reset(): void {
    this.map.clear();
  }
  protected override empty(): boolean {
    return this.map.size === 0;
  }
  encode(): unknown {
    return [...this.map.values()];
  }
  restore(data: unknown): void {
    for (const [k, v] of data as [K, V][]) this.put(k, v);
  }
  mergeFrom(other: Cell): void {
    const into = this.w().map;
    for (const [k, v] of (other as MapCell<K, V>).map.values()) if (into.get(k) === undefined) into.set(k, [k, v]);
  }
}

class SetCell<T> extends Cell implements SetState<T> {
  private readonly set = new KeyedMap<[T]>();
  add(value: T): boolean {
    if (this.r()?.set.get(value) !== undefined) return false;
    this.w().set.set(value, [value]);
    return true;
  }
  contains(value: T): boolean {
    return this.r()?.set.get(value) !== undefined;
  }
  remove(value: T): void {
    const c = this.r();
    if (!c) return;
    c.set.delete(value);
    c.settle();
  }
  read(): T[] {
    const c = this.r();
    return c ? [...c.set.values()].map(([v]) => v) : [];
  }
  protected reset(): void {
    this.set.clear();
  }
  protected override empty(): boolean {
    return this.set.size === 0;
  }
  encode(): unknown {
    return this.read();
  }
  restore(data: unknown): void {
    for (const v of data as T[]) this.add(v);
  }
  mergeFrom(other: Cell): void {
    for (const v of (other as SetCell<T>).read()) this.add(v);
  }
}

class OrderedListCell<T> extends Cell implements OrderedListState<T> {
  /** Sorted by timestamp; equal timestamps in arrival order. */
  private entries: [Instant, T][] = [];
  add(timestamp: Instant, value: T): void {
    const list = this.w().entries;
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
    return [...(this.r()?.entries ?? [])];
  }
  readRange(from: Instant, to: Instant): [Instant, T][] {
    return (this.r()?.entries ?? []).filter(([t]) => t >= from && t < to);
  }
  clearRange(from: Instant, to: Instant): void {
    const c = this.r();
    if (!c) return;
    c.entries = c.entries.filter(([t]) => t < from || t >= to);
    c.settle();
  }
  protected reset(): void {
    this.entries = [];
  }
  protected override empty(): boolean {
    return this.entries.length === 0;
  }
  encode(): unknown {
    return this.entries;
  }
  restore(data: unknown): void {
    for (const [t, v] of data as [Instant, T][]) this.add(t, v);
  }
  mergeFrom(other: Cell): void {
    for (const [t, v] of (other as OrderedListCell<T>).entries) this.add(t, v);
  }
}

/** @internal A watermark hold cell; the store's `holds` knows its value while it is attached. */
export class HoldCell extends Cell implements WatermarkHoldState {
  private hold: Instant | undefined = undefined;
  add(timestamp: Instant): void {
    const c = this.w();
    const h = c.hold;
    const next = h === undefined ? timestamp : (this.tag as WatermarkHoldTag).combiner === "LATEST" ? (timestamp > h ? timestamp : h) : timestamp < h ? timestamp : h;
    if (next === h) return;
    c.hold = next;
    this.store.holds.set(c, next);
  }
  read(): Instant | undefined {
    return this.r()?.hold;
  }
  protected reset(): void {
    this.hold = undefined;
    this.store.holds.set(this, undefined);
  }
  encode(): unknown {
    return this.hold;
  }
  restore(data: unknown): void {
    this.add(data as Instant);
  }
  mergeFrom(other: Cell, target: StateNamespace): void {
    const h = (other as HoldCell).hold!;
    if ((this.tag as WatermarkHoldTag).combiner === "END_OF_WINDOW" && isWindowNamespace(target)) {
      // Beam: END_OF_WINDOW holds are re-derived from the merged window.
      this.add((target as BoundedWindow).maxTimestamp());
    } else {
      this.add(h);
    }
  }
}

