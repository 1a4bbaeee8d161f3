/**
 * {@link StateInternals} specialised for the lean grouping path (`GroupAlsoByWindow`): a store that knows its
 * tags up front (one buffer, a bag or a combining cell, and one or two watermark holds) and keeps each
 * (window, key)'s cells in fixed fields of one entry instead of a slot array.
 *
 * ```
 *   byNamespace: Map<namespace id, LeanNamespace>     (+ a one-entry cache of the last namespace id)
 *                  └── keys: KeyedMap<LeanEntry>      (deterministic key encoding)
 *                               └── buffer | hold | endHold   (fixed fields; undefined: empty cell)
 * ```
 * Invariants: a field is set exactly when its cell is non-empty; an entry exists exactly when one of its fields
 * is set; a namespace exists exactly when it has an entry (so `namespaces()`, `keysIn()` and `isEmpty` are plain
 * reads, and empty cells are not state). Each tag has one handle, re-pointed by `state()`; the last (key,
 * namespace) looked up is remembered, so the second and third tag of a record cost no lookup, and
 * {@link LeanStateInternals.forEachKey} points that cache at each entry as it walks a window, so firing looks no
 * key up again. Clearing a namespace drops it wholesale (its entries die with it: a handle kept across it looks
 * its address up again).
 *
 * Holds: each namespace keeps `holdMin`, a lower bound of its holds that is exact unless `stale`, and the store
 * keeps `globalMin`, a lower bound of every namespace's `holdMin` that is exact unless `globalStale`. A hold that
 * falls below a bound makes that bound exact again; one that rises or goes while it was the bound marks it stale;
 * `minimumHold()` rescans only stale namespaces, and only when the global bound is stale.
 *
 * The lean path sets no timers (each window fires once, when the input watermark passes its end), so it has no
 * {@link TimerInternals}; a spilling store replacing this one implements the same {@link StateInternals}.
 * @module
 */
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import { TIMESTAMP_MAX_VALUE, type Instant } from "../../../sdk/model/time.js";
import type { CombineFn } from "../../../sdk/model/combine-fn.js";
import { KeyedMap, keyHash } from "../key-encoding.js";
import { isWindowNamespace, type StateNamespace } from "./state-namespace.js";
import { CellColumns, forEachCell, SnapshotTables } from "./snapshot-tables.js";
import type { BagState, CombiningState, KeyGroupSelector, StateInternals, StateSnapshot, WatermarkHoldState } from "./state-internals.js";
import type { BagTag, CombiningTag, StateOf, StateTag, WatermarkHoldTag } from "./state-tags.js";

interface LeanNamespace {
  readonly namespace: StateNamespace;
  readonly keys: KeyedMap<LeanEntry>;
  /** At most the minimum of its hold cells (+∞ when none); exact unless `stale`. */
  holdMin: Instant;
  stale: boolean;
  /** Dropped from the store: its entries are dead too. */
  dead: boolean;
}

interface LeanEntry {
  readonly key: unknown;
  readonly ns: LeanNamespace;
  /** The buffer cell: a bag's values, or a combining cell's accumulator. */
  buffer: unknown;
  /** The `hold` cell. */
  hold: Instant | undefined;
  /** The `endHold` cell (when the store has that tag). */
  endHold: Instant | undefined;
  /** Dropped from its namespace (checked with `ns.dead`). */
  dead: boolean;
}

/** Options of {@link LeanStateInternals}: the step, the WindowFn (for snapshots) and the store's only tags. */
export interface LeanStateOptions {
  readonly step: string;
  readonly windowFn: WindowFn;
  readonly buffer: BagTag<unknown> | CombiningTag<unknown, unknown, unknown>;
  readonly hold: WatermarkHoldTag;
  /** A second hold cell, if any (may be `hold` itself: then there is none). */
  readonly endHold?: WatermarkHoldTag;
}

const NO_KEY = Symbol("none");
const BUFFER = 0;
const HOLD = 1;
const END_HOLD = 2;
type Field = typeof BUFFER | typeof HOLD | typeof END_HOLD;

/** {@link StateInternals} for the lean grouping path; see the module documentation. */
export class LeanStateInternals implements StateInternals {
  readonly step: string;
  private readonly windowFn: WindowFn;
  private readonly bufferTag: BagTag<unknown> | CombiningTag<unknown, unknown, unknown>;
  private readonly holdTag: WatermarkHoldTag;
  private readonly endHoldTag: WatermarkHoldTag | undefined;
  private readonly bufferHandle: LeanHandle;
  private readonly holdHandle: LeanHoldHandle;
  private readonly endHoldHandle: LeanHoldHandle | undefined;
  private readonly byNamespace = new Map<string, LeanNamespace>();
  /** The last namespace looked up by id (a one-entry cache; reset when it goes). */
  private lastNsId: string | undefined;
  private lastNsEntry: LeanNamespace | undefined;
  /** The last key entry looked up (a one-entry cache; reset when it goes). */
  private lastKey: unknown = NO_KEY;
  private lastEntry: LeanEntry | undefined;
  /** At most every namespace's `holdMin`; exact unless `globalStale`. */
  private globalMin: Instant = TIMESTAMP_MAX_VALUE;
  private globalStale = false;

  constructor(options: LeanStateOptions) {
    this.step = options.step;
    this.windowFn = options.windowFn;
    this.bufferTag = options.buffer;
    this.holdTag = options.hold;
    this.endHoldTag = options.endHold === undefined || options.endHold === options.hold ? undefined : options.endHold;
    this.bufferHandle = options.buffer.kind === "bag" ? new LeanBagHandle(this, BUFFER, options.buffer.coder) : new LeanCombiningHandle(this, BUFFER, options.buffer.combineFn);
    this.holdHandle = new LeanHoldHandle(this, HOLD, options.hold.combiner === "LATEST");
    this.endHoldHandle = this.endHoldTag ? new LeanHoldHandle(this, END_HOLD, this.endHoldTag.combiner === "LATEST") : undefined;
    this.holdHandle.isEndOfWindow = options.hold.combiner === "END_OF_WINDOW";
    if (this.endHoldHandle) this.endHoldHandle.isEndOfWindow = this.endHoldTag!.combiner === "END_OF_WINDOW";
  }

  /** A store holding what a snapshot of this store (or of an `InMemoryStateInternals` with the same tags) took. */
  static restore(snapshot: StateSnapshot, options: LeanStateOptions): LeanStateInternals {
    if (snapshot?.v !== 2) throw new Error(`internal: not a state snapshot for ${options.step}`);
    const store = new LeanStateInternals(options);
    const byId = new Map<string, LeanHandle>();
    forEachCell(snapshot, options.windowFn, (key, namespace, id, data) => {
      let h = byId.get(id);
      if (!h) byId.set(id, (h = store.handleById(id)));
      h.point(key, namespace, store.entryOf(key, namespace));
      h.restore(data);
    });
    return store;
  }

  state<T extends StateTag>(key: unknown, namespace: StateNamespace, tag: T): StateOf<T> {
    const h = tag === this.bufferTag ? this.bufferHandle : tag === this.holdTag ? this.holdHandle : tag === this.endHoldTag ? this.endHoldHandle! : this.handleById(tag.id, tag);
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

  /**
   * Calls `visit` with each key of `namespace` (the order of {@link keysIn}), pointing the store at that key's
   * entry first, so `state(key, namespace, tag)` inside `visit` looks nothing up. `visit` may read cells; it must
   * not add or clear state in `namespace`.
   */
  forEachKey(namespace: StateNamespace, visit: (key: unknown) => void): void {
    const ns = this.byNamespace.get(namespace.id);
    if (!ns) return;
    this.lastNsId = namespace.id;
    this.lastNsEntry = ns;
    for (const e of ns.keys.values()) {
      this.lastKey = e.key;
      this.lastEntry = e;
      visit(e.key);
    }
  }

  clear(key: unknown, namespace: StateNamespace): void {
    const e = this.entryOf(key, namespace);
    if (!e) return;
    if (e.hold !== undefined) this.holdChanged(e.ns, e.hold, undefined);
    if (e.endHold !== undefined) this.holdChanged(e.ns, e.endHold, undefined);
    this.dropEntry(e);
  }

  clearNamespace(namespace: StateNamespace): void {
    const ns = this.byNamespace.get(namespace.id);
    if (ns) this.dropNamespace(ns);
  }

  merge(key: unknown, sources: readonly StateNamespace[], target: StateNamespace, tags: readonly StateTag[]): void {
    for (const tag of tags) {
      for (const source of sources) {
        if (source.id === target.id) continue;
        const from = this.state(key, source, tag) as unknown as LeanHandle;
        const data = from.contents();
        if (data === undefined) continue;
        (this.state(key, target, tag) as unknown as LeanHandle).mergeFrom(data, target);
        (this.state(key, source, tag) as unknown as LeanHandle).clear();
      }
    }
  }

  minimumHold(): Instant {
    if (this.globalStale) {
      let min = TIMESTAMP_MAX_VALUE;
      for (const ns of this.byNamespace.values()) {
        if (ns.stale) {
          let m = TIMESTAMP_MAX_VALUE;
          for (const e of ns.keys.values()) {
            if (e.hold !== undefined && e.hold < m) m = e.hold;
            if (e.endHold !== undefined && e.endHold < m) m = e.endHold;
          }
          ns.holdMin = m;
          ns.stale = false;
        }
        if (ns.holdMin < min) min = ns.holdMin;
      }
      this.globalMin = min;
      this.globalStale = false;
    }
    return this.globalMin;
  }

  get isEmpty(): boolean {
    return this.byNamespace.size === 0;
  }

  snapshot(select?: KeyGroupSelector): StateSnapshot {
    const tables = new SnapshotTables(this.windowFn);
    const cells = new CellColumns();
    const bufferTag = this.bufferTag;
    const coder = bufferTag.kind === "bag" ? bufferTag.coder : undefined;
    for (const ns of this.byNamespace.values()) {
      const n = tables.namespace(ns.namespace);
      for (const e of ns.keys.values()) {
        if (select && keyHash(e.key) % select.keyGroups !== select.keyGroup) continue;
        const k = tables.key(e.key);
        // Tag indexes are the fields' own numbers: the id list below is in that order.
        if (e.buffer !== undefined) cells.push(k, n, BUFFER, coder ? (e.buffer as unknown[]).map((v) => coder.encode(v)) : e.buffer);
        if (e.hold !== undefined) cells.push(k, n, HOLD, e.hold);
        if (e.endHold !== undefined) cells.push(k, n, END_HOLD, e.endHold);
      }
    }
    return cells.snapshot(this.step, tables, this.endHoldTag ? [bufferTag.id, this.holdTag.id, this.endHoldTag.id] : [bufferTag.id, this.holdTag.id]);
  }

  // ------------------------------------------------------------------------------------------ plumbing

  private handleById(id: string, tag?: StateTag): LeanHandle {
    const known = [this.bufferTag, this.holdTag, this.endHoldTag];
    const i = known.findIndex((t) => t?.id === id);
    if (i < 0 || (tag && tag.kind !== known[i]!.kind)) {
      const what = tag ? `${tag.kind} tag "${id}"` : `tag "${id}"`;
      throw new Error(`internal: ${this.step}: the lean state store has no ${what} (it holds only ${known.filter((t) => t).map((t) => `"${t!.id}"`).join(", ")})`);
    }
    return [this.bufferHandle, this.holdHandle, this.endHoldHandle!][i]!;
  }

  /** @internal The namespace entry of `namespace`, if it has state. */
  nsOf(namespace: StateNamespace): LeanNamespace | undefined {
    const id = namespace.id;
    if (id === this.lastNsId) return this.lastNsEntry;
    const ns = this.byNamespace.get(id);
    if (ns) {
      this.lastNsId = id;
      this.lastNsEntry = ns;
    }
    return ns;
  }

  /** @internal The key entry of an address, if it has state. */
  entryOf(key: unknown, namespace: StateNamespace): LeanEntry | undefined {
    const last = this.lastEntry;
    if (key === this.lastKey && last !== undefined && namespace.id === last.ns.namespace.id) return last;
    const ns = this.nsOf(namespace);
    if (ns === undefined) return undefined;
    const e = ns.keys.get(key);
    if (e !== undefined) {
      this.lastKey = key;
      this.lastEntry = e;
    }
    return e;
  }

  /** @internal The key entry of an address, created (empty) if it has none; the caller sets a field next. */
  createEntry(key: unknown, namespace: StateNamespace): LeanEntry {
    let ns = this.nsOf(namespace);
    if (ns === undefined) {
      ns = { namespace, keys: new KeyedMap(), holdMin: TIMESTAMP_MAX_VALUE, stale: false, dead: false };
      this.byNamespace.set(namespace.id, ns);
      this.lastNsId = namespace.id;
      this.lastNsEntry = ns;
    }
    const e: LeanEntry = { key, ns, buffer: undefined, hold: undefined, endHold: undefined, dead: false };
    ns.keys.set(key, e);
    this.lastKey = key;
    this.lastEntry = e;
    return e;
  }

  /** @internal A field of `e` was emptied: drop the entry if that was its last. */
  fieldEmptied(e: LeanEntry): void {
    if (e.buffer === undefined && e.hold === undefined && e.endHold === undefined) this.dropEntry(e);
  }

  /** @internal A hold of `ns` went from `from` to `to` (`undefined`: none). */
  holdChanged(ns: LeanNamespace, from: Instant | undefined, to: Instant | undefined): void {
    if (to !== undefined && to < ns.holdMin) {
      // Below a lower bound: the new minimum, exactly.
      ns.holdMin = to;
      ns.stale = false;
      if (to < this.globalMin) {
        this.globalMin = to;
        this.globalStale = false;
      }
    } else if (from !== undefined && from === ns.holdMin && !ns.stale && (to === undefined || to > from)) {
      ns.stale = true;
      if (from === this.globalMin) this.globalStale = true;
    }
  }

  private dropEntry(e: LeanEntry): void {
    e.dead = true;
    e.ns.keys.delete(e.key);
    if (this.lastEntry === e) {
      this.lastKey = NO_KEY;
      this.lastEntry = undefined;
    }
    if (e.ns.keys.size === 0) this.dropNamespace(e.ns);
  }

  private dropNamespace(ns: LeanNamespace): void {
    ns.dead = true;
    this.byNamespace.delete(ns.namespace.id);
    if (ns.holdMin !== TIMESTAMP_MAX_VALUE && ns.holdMin === this.globalMin) this.globalStale = true;
    if (this.lastNsEntry === ns) {
      this.lastNsId = undefined;
      this.lastNsEntry = undefined;
      this.lastKey = NO_KEY;
      this.lastEntry = undefined;
    }
  }
}

// -------------------------------------------------------------------------------------------------- handles

/** A tag's one handle, pointed at one address at a time; reads and writes one field of the entry there. */
abstract class LeanHandle {
  private key: unknown = undefined;
  private namespace: StateNamespace | undefined = undefined;
  private entry: LeanEntry | undefined = undefined;

  constructor(
    protected readonly store: LeanStateInternals,
    protected readonly field: Field,
  ) {}

  point(key: unknown, namespace: StateNamespace, entry: LeanEntry | undefined): void {
    this.key = key;
    this.namespace = namespace;
    this.entry = entry;
  }

  /** The live entry of the address (created when `create`). */
  protected live(create: boolean): LeanEntry | undefined {
    const e = this.entry;
    if (e !== undefined && !e.dead && !e.ns.dead) return e;
    let found = this.store.entryOf(this.key, this.namespace!);
    if (found === undefined && create) found = this.store.createEntry(this.key, this.namespace!);
    this.entry = found;
    return found;
  }

  /** The cell's contents, `undefined` when empty. */
  contents(): unknown {
    const e = this.live(false);
    if (e === undefined) return undefined;
    return this.field === BUFFER ? e.buffer : this.field === HOLD ? e.hold : e.endHold;
  }

  /** Sets the contents (never to `undefined`); returns the entry. */
  protected setContents(data: unknown): LeanEntry {
    const e = this.live(true)!;
    if (this.field === BUFFER) e.buffer = data;
    else if (this.field === HOLD) e.hold = data as Instant;
    else e.endHold = data as Instant;
    return e;
  }

  isEmpty(): boolean {
    return this.contents() === undefined;
  }

  clear(): void {
    const e = this.live(false);
    if (e === undefined) return;
    if (this.field === BUFFER) {
      if (e.buffer === undefined) return;
      e.buffer = undefined;
    } else {
      const h = this.field === HOLD ? e.hold : e.endHold;
      if (h === undefined) return;
      if (this.field === HOLD) e.hold = undefined;
      else e.endHold = undefined;
      this.store.holdChanged(e.ns, h, undefined);
    }
    this.store.fieldEmptied(e);
  }

  /** Writes a cell's contents as a snapshot has them. */
  abstract restore(data: unknown): void;
  /** Merges another cell's contents (of the same tag) into this one. */
  abstract mergeFrom(data: unknown, target: StateNamespace): void;
}

class LeanBagHandle extends LeanHandle implements BagState<unknown> {
  constructor(
    store: LeanStateInternals,
    field: Field,
    private readonly coder: BagTag<unknown>["coder"],
  ) {
    super(store, field);
  }
  add(value: unknown): void {
    const values = this.contents() as unknown[] | undefined;
    if (values === undefined) this.setContents([value]);
    else values.push(value);
  }
  read(): readonly unknown[] {
    return (this.contents() as unknown[] | undefined) ?? [];
  }
  restore(data: unknown): void {
    for (const v of data as unknown[]) this.add(this.coder ? this.coder.decode(v) : v);
  }
  mergeFrom(data: unknown): void {
    // As the in-memory store's bag: an empty target takes the (then cleared) source's array over.
    const values = this.contents() as unknown[] | undefined;
    if (values === undefined) this.setContents(data);
    else for (const v of data as unknown[]) values.push(v);
  }
}

class LeanCombiningHandle extends LeanHandle implements CombiningState<unknown, unknown, unknown> {
  constructor(
    store: LeanStateInternals,
    field: Field,
    private readonly fn: CombineFn<unknown, unknown, unknown>,
  ) {
    super(store, field);
  }
  add(input: unknown): void {
    const acc = this.contents();
    this.setContents(this.fn.addInput(acc === undefined ? this.fn.createAccumulator() : acc, input));
  }
  addAccum(accumulator: unknown): void {
    const acc = this.contents();
    this.setContents(acc === undefined ? accumulator : this.fn.mergeAccumulators([acc, accumulator]));
  }
  readAccum(): unknown {
    return this.contents();
  }
  read(): unknown {
    const acc = this.contents();
    return this.fn.extractOutput(acc === undefined ? this.fn.createAccumulator() : acc);
  }
  restore(data: unknown): void {
    this.addAccum(data);
  }
  mergeFrom(data: unknown): void {
    this.addAccum(data);
  }
}

class LeanHoldHandle extends LeanHandle implements WatermarkHoldState {
  constructor(
    store: LeanStateInternals,
    field: Field,
    private readonly latest: boolean,
  ) {
    super(store, field);
  }
  add(timestamp: Instant): void {
    const h = this.contents() as Instant | undefined;
    const next = h === undefined ? timestamp : this.latest ? (timestamp > h ? timestamp : h) : timestamp < h ? timestamp : h;
    if (next === h) return;
    const e = this.setContents(next);
    this.store.holdChanged(e.ns, h, next);
  }
  read(): Instant | undefined {
    return this.contents() as Instant | undefined;
  }
  restore(data: unknown): void {
    this.add(data as Instant);
  }
  mergeFrom(data: unknown, target: StateNamespace): void {
    // END_OF_WINDOW holds are re-derived from the merged window (as in the general store).
    this.add(!this.latest && isWindowNamespace(target) && this.isEndOfWindow ? (target as BoundedWindow).maxTimestamp() : (data as Instant));
  }
  /** Set by the store for an END_OF_WINDOW tag. */
  isEndOfWindow = false;
}
