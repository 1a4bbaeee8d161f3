/**
 * State tags: the name and kind of one piece of keyed state (Beam's `StateTag`/`StateSpec`, Flink's state
 * descriptor). A tag says *what* a cell is; {@link StateInternals} says *where* it lives, addressed by
 * (step, key, namespace, tag). Tags are plain, stateless values, shared by every key and namespace; a store
 * registers them by `id`, so two tags of one store must not share an id with different kinds.
 *
 * | kind | cell | merging (sessions) |
 * | --- | --- | --- |
 * | `value` | {@link ValueState}: one value | not mergeable (as in Beam: a merging window has no single value) |
 * | `bag` | {@link BagState}: values in arrival order | concatenated |
 * | `combining` | {@link CombiningState}: an accumulator of a `CombineFn` | accumulators merged |
 * | `map` | {@link MapState}: values by deterministically encoded key | union; the target's entries win |
 * | `set` | {@link SetState}: distinct values (deterministic encoding) | union |
 * | `orderedList` | {@link OrderedListState}: values sorted by timestamp | union |
 * | `watermarkHold` | {@link WatermarkHoldState}: an output-watermark hold, combined per timestamp combiner | combined; END_OF_WINDOW re-derived from the target window |
 * @module
 */
import type { CombineFn } from "../../../sdk/model/combine-fn.js";
import type { TimestampCombiner } from "../../../sdk/model/windowing-strategy.js";
import type {
  BagState,
  CombiningState,
  MapState,
  OrderedListState,
  SetState,
  ValueState,
  WatermarkHoldState,
} from "./state-internals.js";

/** The kinds of state. */
export type StateKind = "value" | "bag" | "combining" | "map" | "set" | "orderedList" | "watermarkHold";

/**
 * How a cell's contents become plain (msgpack-encodable) data in a snapshot and back, for contents that are not
 * plain data themselves (windows, class instances). Without one, contents are snapshotted as they are.
 */
export interface StateCoder<T> {
  encode(value: T): unknown;
  decode(data: unknown): T;
}

interface TagBase<K extends StateKind> {
  readonly kind: K;
  /** The tag's name, unique within its store (Beam's tag id). */
  readonly id: string;
}

/** A {@link ValueState} tag. */
export interface ValueTag<T> extends TagBase<"value"> {
  readonly coder?: StateCoder<T>;
  /** @internal Phantom: the value type. */
  readonly _type?: T;
}
/** A {@link BagState} tag. */
export interface BagTag<T> extends TagBase<"bag"> {
  readonly coder?: StateCoder<T>;
  /** @internal */
  readonly _type?: T;
}
/** A {@link CombiningState} tag: its `CombineFn` creates, adds to, merges and extracts the accumulator. */
export interface CombiningTag<I, A, O> extends TagBase<"combining"> {
  readonly combineFn: CombineFn<I, A, O>;
}
/** A {@link MapState} tag. */
export interface MapTag<K, V> extends TagBase<"map"> {
  /** @internal */
  readonly _type?: [K, V];
}
/** A {@link SetState} tag. */
export interface SetTag<T> extends TagBase<"set"> {
  /** @internal */
  readonly _type?: T;
}
/** An {@link OrderedListState} tag. */
export interface OrderedListTag<T> extends TagBase<"orderedList"> {
  /** @internal */
  readonly _type?: T;
}
/**
 * A {@link WatermarkHoldState} tag. Every hold cell of a store holds the output watermark
 * ({@link StateInternals.minimumHold}); `combiner` says how holds added to one cell combine (EARLIEST and
 * END_OF_WINDOW: the minimum; LATEST: the maximum).
 */
export interface WatermarkHoldTag extends TagBase<"watermarkHold"> {
  readonly combiner: TimestampCombiner;
}

/** Any tag. */
export type StateTag =
  | ValueTag<any>
  | BagTag<any>
  | CombiningTag<any, any, any>
  | MapTag<any, any>
  | SetTag<any>
  | OrderedListTag<any>
  | WatermarkHoldTag;

/** The cell type of a tag. */
export type StateOf<T extends StateTag> =
  T extends ValueTag<infer V> ? ValueState<V>
  : T extends BagTag<infer V> ? BagState<V>
  : T extends CombiningTag<infer I, infer A, infer O> ? CombiningState<I, A, O>
  : T extends MapTag<infer K, infer V> ? MapState<K, V>
  : T extends SetTag<infer V> ? SetState<V>
  : T extends OrderedListTag<infer V> ? OrderedListState<V>
  : T extends WatermarkHoldTag ? WatermarkHoldState
  : never;

/**
 * Tag factories (Beam's `StateTags`/`StateSpecs`).
 * @example
 * const BUFFER = StateTags.bag<number>("buffer");
 * const COUNT = StateTags.combining("count", countFn);
 * const HOLD = StateTags.watermarkHold("hold", "EARLIEST");
 * state.state(key, window, BUFFER).add(1);
 */
export const StateTags = {
  value<T>(id: string, coder?: StateCoder<T>): ValueTag<T> {
    return Object.freeze({ kind: "value", id, ...(coder ? { coder } : {}) });
  },
  bag<T>(id: string, coder?: StateCoder<T>): BagTag<T> {
    return Object.freeze({ kind: "bag", id, ...(coder ? { coder } : {}) });
  },
  combining<I, A, O>(id: string, combineFn: CombineFn<I, A, O>): CombiningTag<I, A, O> {
    return Object.freeze({ kind: "combining", id, combineFn });
  },
  map<K, V>(id: string): MapTag<K, V> {
    return Object.freeze({ kind: "map", id });
  },
  set<T>(id: string): SetTag<T> {
    return Object.freeze({ kind: "set", id });
  },
  orderedList<T>(id: string): OrderedListTag<T> {
    return Object.freeze({ kind: "orderedList", id });
  },
  watermarkHold(id: string, combiner: TimestampCombiner): WatermarkHoldTag {
    return Object.freeze({ kind: "watermarkHold", id, combiner });
  },
} as const;
