/**
 * Keyed state behind one interface (Beam's `StateInternals`, Flink's keyed state backend): cells addressed by
 * (step, key, namespace, tag). One store holds one step's state for the keys of one key group (what a worker
 * owns); the grouping drivers keep *all* their per-key state in it, and a user-facing stateful DoFn sits on the
 * same store (`stateful-dofn-side.ts`: its `ValueState`, `BagState`, ... are the cells below; state GC at window
 * expiry is {@link StateInternals.clear} of the key's window namespace).
 *
 * ```
 *   store (one step, one key group)
 *   └── namespace: a window, or KEY_NAMESPACE
 *       └── key (deterministic key equality)
 *           └── tag ──► cell: value | bag | combining | map | set | orderedList | watermarkHold
 * ```
 *
 * Rules every implementation keeps, so that a spilling one can slot in:
 * - Every access goes through the store: callers get cells from {@link StateInternals.state} and never see the
 *   containers behind them. A handle is valid until the next `state()` call *for the same tag*, which may re-point
 *   it at another address (as Flink's keyed state objects follow the current key): get it again for each access,
 *   and never hold two addresses of one tag at once. A handle kept across `clear` still reads and writes the
 *   live cell.
 * - What `read()` returns belongs to the store until the next write or clear of that cell; a caller that keeps or
 *   mutates it copies it first. After `clear()` the caller may keep what it read before.
 * - Empty cells are not state: a namespace or key with only empty cells is not listed, is not snapshotted, and a
 *   store with only empty cells {@link StateInternals.isEmpty}.
 * - Snapshots are plain, msgpack-encodable data, selectable per key group.
 * @module
 */
import type { Instant } from "../../../sdk/model/time.js";
import type { NamespaceData, StateNamespace } from "./state-namespace.js";
import type { StateOf, StateTag } from "./state-tags.js";

/** What every cell has. */
export interface State {
  /** Whether the cell holds nothing (a cleared or never-written cell). */
  isEmpty(): boolean;
  /** Empties the cell. */
  clear(): void;
}

/** One value (Beam's `ValueState`). */
export interface ValueState<T> extends State {
  /** The value, or `undefined` when empty. */
  read(): T | undefined;
  write(value: T): void;
}

/** Values in arrival order (Beam's `BagState`). */
export interface BagState<T> extends State {
  add(value: T): void;
  /** The values in arrival order (see the module rules on ownership). */
  read(): readonly T[];
}

/** The accumulator of a `CombineFn` (Beam's `CombiningState`). Exceptions from the `CombineFn` propagate. */
export interface CombiningState<I, A, O> extends State {
  /** Adds an input (`addInput`, creating the accumulator first when empty). */
  add(input: I): void;
  /** Merges in an accumulator; into an empty cell it is stored as it is (no `createAccumulator`). */
  addAccum(accumulator: A): void;
  /** The accumulator, or `undefined` when empty. */
  readAccum(): A | undefined;
  /** `extractOutput` of the accumulator (of a new one when empty). */
  read(): O;
}

/** Values by key, keys compared by their deterministic encoding (Beam's `MapState`). */
export interface MapState<K, V> extends State {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  remove(key: K): void;
  /** Entries in insertion order within each kind of key. */
  entries(): [K, V][];
}

/** Distinct values, compared by their deterministic encoding (Beam's `SetState`). */
export interface SetState<T> extends State {
  /** Adds a value; returns whether it was new. */
  add(value: T): boolean;
  contains(value: T): boolean;
  remove(value: T): void;
  read(): T[];
}

/** Values sorted by timestamp, equal timestamps in arrival order (Beam's `OrderedListState`). */
export interface OrderedListState<T> extends State {
  add(timestamp: Instant, value: T): void;
  /** Every entry as `[timestamp, value]`, ascending. */
  read(): [Instant, T][];
  /** Entries with `from <= timestamp < to`, ascending. */
  readRange(from: Instant, to: Instant): [Instant, T][];
  /** Removes the entries with `from <= timestamp < to`. */
  clearRange(from: Instant, to: Instant): void;
}

/**
 * A watermark hold (Beam's `WatermarkHoldState`): while set, the store's {@link StateInternals.minimumHold} is at
 * most its value. Holds added combine per the tag's combiner (minimum, or maximum for LATEST).
 */
export interface WatermarkHoldState extends State {
  add(timestamp: Instant): void;
  /** The combined hold, or `undefined` when none. */
  read(): Instant | undefined;
}

/** Which keys of a store a snapshot takes: those whose `keyHash` modulo `keyGroups` is `keyGroup`. */
export interface KeyGroupSelector {
  readonly keyGroup: number;
  readonly keyGroups: number;
}

/** One step's keyed state for one key group; see the module documentation. */
export interface StateInternals {
  /** The step whose state this is (errors and snapshots name it). */
  readonly step: string;
  /** The cell of (key, namespace, tag); an empty one if nothing was written there. */
  state<T extends StateTag>(key: unknown, namespace: StateNamespace, tag: T): StateOf<T>;
  /** The namespaces that hold non-empty state. */
  namespaces(): StateNamespace[];
  /** The keys with non-empty state in `namespace` (a window's keys, for firing it). */
  keysIn(namespace: StateNamespace): unknown[];
  /** Clears every cell of `key` in `namespace` (garbage collection of one key's window). */
  clear(key: unknown, namespace: StateNamespace): void;
  /** Clears every key's cells in `namespace` (garbage collection of a window). */
  clearNamespace(namespace: StateNamespace): void;
  /**
   * Merges the cells of `tags` of `key` from `sources` into `target` (Beam's `StateMerging`; how each kind merges
   * is in `state-tags.ts`) and clears them in the sources. `target` may be one of `sources`; sources merge in the
   * order given. Tags not listed are left alone (their owners merge them).
   */
  merge(key: unknown, sources: readonly StateNamespace[], target: StateNamespace, tags: readonly StateTag[]): void;
  /** The earliest hold of any {@link WatermarkHoldState}, or `TIMESTAMP_MAX_VALUE` when nothing is held. */
  minimumHold(): Instant;
  /** Whether no cell holds anything. */
  readonly isEmpty: boolean;
  /** The store (or one key group of it) as plain, msgpack-encodable data. */
  snapshot(select?: KeyGroupSelector): StateSnapshot;
}

/**
 * A snapshot of a {@link StateInternals}, in columns (`snapshot-tables.ts`): the keys, the namespaces and the tag
 * ids once each, and cell `i` at `keys[key[i]]`, `namespaces[namespace[i]]`, of tag `tags[tag[i]]`, holding
 * `data[i]` (plain data). Cells are in the store's order, so a restored store iterates its keys and windows (and
 * so fires) in the same order. Restoring needs the tags (by id) and the WindowFn (to decode window namespaces).
 */
export interface StateSnapshot {
  readonly v: 2;
  readonly step: string;
  readonly keys: unknown[];
  readonly namespaces: NamespaceData[];
  readonly tags: string[];
  readonly key: Uint32Array;
  readonly namespace: Uint32Array;
  readonly tag: Uint32Array;
  readonly data: unknown[];
}
