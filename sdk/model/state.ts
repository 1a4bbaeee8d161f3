/**
 * State and timers of a stateful DoFn (Beam's `StateSpec`/`TimerSpec`): a DoFn on a `KV` input declares named
 * cells of state and named timers, and gets typed accessors for them in `process`, in its timer callbacks and in
 * `onWindowExpiration` (see {@link StatefulDoFn}).
 *
 * State is per key and window: two elements see the same cells exactly when their keys are equal (by
 * deterministic encoding) and they are in the same window. It lives until the window expires (its end plus the
 * allowed lateness passes the input watermark), when `onWindowExpiration` runs and the cells are cleared.
 * @module
 */
import type { CombineFn } from "./combine-fn.js";
import type { Instant } from "./time.js";

/** The time domain of a timer: event time (the input watermark) or processing time (the runner's clock). */
export type TimeDomain = "EVENT_TIME" | "PROCESSING_TIME";

/** Declares a {@link ValueState}. */
export interface ValueStateSpec<T> {
  /** Discriminant: a value cell. */
  readonly kind: "value";
  /** @internal Phantom: the value type. */
  readonly _type?: T;
}
/** Declares a {@link BagState}. */
export interface BagStateSpec<T> {
  /** Discriminant: a bag cell. */
  readonly kind: "bag";
  /** @internal Phantom: the element type. */
  readonly _type?: T;
}
/** Declares a {@link CombiningState}: its `CombineFn` creates, adds to and extracts the accumulator. */
export interface CombiningStateSpec<I, A, O> {
  /** Discriminant: a combining cell. */
  readonly kind: "combining";
  /** Creates, adds to, merges and extracts the accumulator. */
  readonly combineFn: CombineFn<I, A, O>;
}
/** Declares a {@link MapState}. */
export interface MapStateSpec<K, V> {
  /** Discriminant: a map cell. */
  readonly kind: "map";
  /** @internal Phantom: the key and value types. */
  readonly _type?: [K, V];
}
/** Declares a {@link SetState}. */
export interface SetStateSpec<T> {
  /** Discriminant: a set cell. */
  readonly kind: "set";
  /** @internal Phantom: the element type. */
  readonly _type?: T;
}

/** Declares an {@link OrderedListState}. */
export interface OrderedListStateSpec<T> {
  /** Discriminant: an ordered-list cell. */
  readonly kind: "orderedList";
  /** @internal Phantom: the element type. */
  readonly _type?: T;
}

/** Any state declaration. */
export type StateSpec =
  | ValueStateSpec<any>
  | BagStateSpec<any>
  | CombiningStateSpec<any, any, any>
  | MapStateSpec<any, any>
  | SetStateSpec<any>
  | OrderedListStateSpec<any>;

/** Declares one timer (Beam's `TimerSpec`) in a time domain. */
export interface TimerSpec<D extends TimeDomain = TimeDomain> {
  /** Discriminant: one timer. */
  readonly kind: "timer";
  /** The clock it fires by. */
  readonly domain: D;
}
/**
 * Declares a timer family (Beam's `TimerFamilySpec`, dynamic timer tags): any number of timers of one domain,
 * addressed by a tag chosen at run time, all calling the family's one callback (which sees the tag).
 */
export interface TimerFamilySpec<D extends TimeDomain = TimeDomain> {
  /** Discriminant: a timer family. */
  readonly kind: "timerFamily";
  /** The clock its timers fire by. */
  readonly domain: D;
}

/** State declarations of a DoFn, by state id. */
export type StateDeclarations = Readonly<Record<string, StateSpec>>;
/** Timer declarations of a DoFn, by timer id. */
export type TimerDeclarations = Readonly<Record<string, TimerSpec | TimerFamilySpec>>;

/**
 * State declaration factories (Beam's `StateSpecs`).
 * @example
 * const state = {
 *   last: StateSpecs.value<number>(),
 *   seen: StateSpecs.bag<string>(),
 *   total: StateSpecs.combining(sumFn),
 *   byUser: StateSpecs.map<string, number>(),
 *   users: StateSpecs.set<string>(),
 *   events: StateSpecs.orderedList<string>(),
 * };
 */
export const StateSpecs = {
  /** One value. */
  value<T>(): ValueStateSpec<T> {
    return Object.freeze({ kind: "value" }) as ValueStateSpec<T>;
  },
  /** Values in the order added. */
  bag<T>(): BagStateSpec<T> {
    return Object.freeze({ kind: "bag" }) as BagStateSpec<T>;
  },
  /** The accumulator of a `CombineFn`: add inputs, read the combined output. */
  combining<I, A, O>(combineFn: CombineFn<I, A, O>): CombiningStateSpec<I, A, O> {
    if (typeof combineFn?.addInput !== "function" || typeof combineFn.extractOutput !== "function") {
      throw new TypeError("StateSpecs.combining needs a CombineFn (createAccumulator, addInput, mergeAccumulators, extractOutput)");
    }
    return Object.freeze({ kind: "combining", combineFn });
  },
  /** Values by key; keys compare by their deterministic encoding (as grouping keys do). */
  map<K, V>(): MapStateSpec<K, V> {
    return Object.freeze({ kind: "map" }) as MapStateSpec<K, V>;
  },
  /** Distinct values, compared by their deterministic encoding. */
  set<T>(): SetStateSpec<T> {
    return Object.freeze({ kind: "set" }) as SetStateSpec<T>;
  },
  /** Values sorted by a timestamp given with each, read whole or by range (Beam's `OrderedListState`). */
  orderedList<T>(): OrderedListStateSpec<T> {
    return Object.freeze({ kind: "orderedList" }) as OrderedListStateSpec<T>;
  },
} as const;

/**
 * Timer declaration factories (Beam's `TimerSpecs`).
 * @example
 * const timers = {
 *   flush: TimerSpecs.eventTime(),
 *   stale: TimerSpecs.processingTime(),
 *   perItem: TimerSpecs.eventTimeFamily(),
 * };
 */
export const TimerSpecs = {
  /** A timer that fires once the input watermark passes its time. */
  eventTime(): TimerSpec<"EVENT_TIME"> {
    return Object.freeze({ kind: "timer", domain: "EVENT_TIME" });
  },
  /** A timer that fires once processing time passes its time. */
  processingTime(): TimerSpec<"PROCESSING_TIME"> {
    return Object.freeze({ kind: "timer", domain: "PROCESSING_TIME" });
  },
  /** A family of event-time timers addressed by tag. */
  eventTimeFamily(): TimerFamilySpec<"EVENT_TIME"> {
    return Object.freeze({ kind: "timerFamily", domain: "EVENT_TIME" });
  },
  /** A family of processing-time timers addressed by tag. */
  processingTimeFamily(): TimerFamilySpec<"PROCESSING_TIME"> {
    return Object.freeze({ kind: "timerFamily", domain: "PROCESSING_TIME" });
  },
} as const;

/** One value per key and window (Beam's `ValueState`). */
export interface ValueState<T> {
  /** The value, or `undefined` when none was written (or it was cleared). Write changes back with `write`. */
  read(): T | undefined;
  /** Replaces the value. */
  write(value: T): void;
  /** Empties the cell. */
  clear(): void;
}

/** Values in the order added (Beam's `BagState`). */
export interface BagState<T> {
  /** Appends a value. */
  add(value: T): void;
  /** A copy of the values, in the order added. */
  read(): T[];
  /** Whether the cell holds nothing. */
  isEmpty(): boolean;
  /** Empties the cell. */
  clear(): void;
}

/** The accumulator of a `CombineFn` (Beam's `CombiningState`). */
export interface CombiningState<I, A, O> {
  /** Adds an input (`addInput`; the accumulator is created first when empty). */
  add(input: I): void;
  /** Merges in an accumulator. */
  addAccumulator(accumulator: A): void;
  /** The accumulator, or `undefined` when empty. */
  readAccumulator(): A | undefined;
  /** `extractOutput` of the accumulator (of a new one when empty). */
  read(): O;
  /** Whether the cell holds nothing. */
  isEmpty(): boolean;
  /** Empties the cell. */
  clear(): void;
}

/** Values by key (Beam's `MapState`); keys compare by their deterministic encoding. */
export interface MapState<K, V> {
  /** The value of `key`, or `undefined`. */
  get(key: K): V | undefined;
  /** Sets the value of `key`. */
  put(key: K, value: V): void;
  /** Removes `key`, if present. */
  remove(key: K): void;
  /** The entries, as a new array. */
  entries(): [K, V][];
  /** The keys, as a new array. */
  keys(): K[];
  /** The values, as a new array. */
  values(): V[];
  /** Whether the cell holds nothing. */
  isEmpty(): boolean;
  /** Empties the cell. */
  clear(): void;
}

/** Distinct values (Beam's `SetState`), compared by their deterministic encoding. */
export interface SetState<T> {
  /** Adds a value; returns whether it was new. */
  add(value: T): boolean;
  /** Whether the value is in the set. */
  contains(value: T): boolean;
  /** Removes the value, if present. */
  remove(value: T): void;
  /** The values, as a new array. */
  read(): T[];
  /** Whether the cell holds nothing. */
  isEmpty(): boolean;
  /** Empties the cell. */
  clear(): void;
}

/** Values sorted by timestamp, equal timestamps in the order added (Beam's `OrderedListState`). */
export interface OrderedListState<T> {
  /** Adds a value at a timestamp. */
  add(timestamp: Instant, value: T): void;
  /** Every entry as `[timestamp, value]`, ascending (a new array). */
  read(): [Instant, T][];
  /** The entries with `from <= timestamp < to`, ascending. */
  readRange(from: Instant, to: Instant): [Instant, T][];
  /** Removes the entries with `from <= timestamp < to`. */
  clearRange(from: Instant, to: Instant): void;
  /** Whether the cell holds nothing. */
  isEmpty(): boolean;
  /** Empties the cell. */
  clear(): void;
}

/** Options of {@link Timer.set} and {@link Timer.setRelative}. */
export interface TimerOptions {
  /**
   * The timestamp of what the timer callback outputs, and the output watermark hold while the timer is pending
   * (Beam's `withOutputTimestamp`). Default: the firing time for an event-time timer, the timestamp of the
   * element (or timer) that sets it for a processing-time timer. It may not be earlier than that element's
   * timestamp minus the DoFn's `allowedTimestampSkew`, nor after the window's expiry.
   */
  readonly outputTimestamp?: Instant;
  /**
   * The timer holds no watermark and its callback may not output (Beam's `withNoOutputTimestamp`): for timers that
   * only clean up, such as forgetting what was seen, so a long delay does not hold back the pipeline.
   */
  readonly noOutputTimestamp?: boolean;
}

/**
 * One timer of the current key and window (Beam's `Timer`). Setting it again replaces it; a timer fires once,
 * strictly after its time (an event-time timer once the input watermark is after it), and never after its window
 * has expired.
 */
export interface Timer {
  /**
   * Sets the timer to fire at `time` in its domain. An event-time timer may not be set after the window's expiry
   * (its end plus the allowed lateness).
   */
  set(time: Instant, options?: TimerOptions): void;
  /**
   * Sets the timer `delayMs` after the domain's current time: processing time, or the input watermark for an
   * event-time timer (capped at the window's expiry).
   */
  setRelative(delayMs: number, options?: TimerOptions): void;
  /** Deletes the timer, if set. */
  clear(): void;
}

/** A timer family of the current key and window: its timers by tag. */
export interface TimerFamily {
  /** The family's timer with this tag. */
  get(tag: string): Timer;
}

/** The cell type of a state declaration. */
export type StateOfSpec<S> =
  S extends ValueStateSpec<infer T> ? ValueState<T>
  : S extends BagStateSpec<infer T> ? BagState<T>
  : S extends CombiningStateSpec<infer I, infer A, infer O> ? CombiningState<I, A, O>
  : S extends MapStateSpec<infer K, infer V> ? MapState<K, V>
  : S extends SetStateSpec<infer T> ? SetState<T>
  : S extends OrderedListStateSpec<infer T> ? OrderedListState<T>
  : never;

/** The typed state accessors of a DoFn's declarations: `ctx.state.<id>`. */
export type StateAccessors<S extends StateDeclarations> = { readonly [Id in keyof S]: StateOfSpec<S[Id]> };

/** The typed timer accessors of a DoFn's declarations: `ctx.timers.<id>` (a {@link TimerFamily} for a family). */
export type TimerAccessors<T extends TimerDeclarations> = {
  readonly [Id in keyof T]: T[Id] extends TimerFamilySpec ? TimerFamily : Timer;
};
