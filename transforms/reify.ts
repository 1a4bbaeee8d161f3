/**
 * `reifyTimestamps` and `reifyWindows` (Beam's `Reify`): make an element's event timestamp, window and pane part
 * of its value, so later steps (or assertions) can read them after a re-windowing or a GroupByKey would have
 * replaced them.
 * @module
 */
import {
  IntervalWindow,
  parDo,
  type Instant,
  type PaneInfo,
  type PCollection,
  type PTransform,
  type TimestampedValue,
} from "../sdk/index.js";

/**
 * A window as plain data, so it survives the trip between workers (a window object would lose its class).
 * Interval windows also give their bounds.
 * @example
 * const w: WindowDescription = { id: "0:60000", maxTimestamp: 59_999, start: 0, end: 60_000 };
 */
export interface WindowDescription {
  /** The window's id: equal for equal windows (`"0:60000"`, `"global"`). */
  readonly id: string;
  /** The window's last timestamp (`maxTimestamp()`). */
  readonly maxTimestamp: Instant;
  /** For interval windows: the inclusive start. */
  readonly start?: Instant;
  /** For interval windows: the exclusive end. */
  readonly end?: Instant;
}

/**
 * An element with its timestamp, window and pane (Beam's `ValueInSingleWindow`).
 * @example
 * sums.apply(reifyWindows()).map((v: ValueInWindow<KV<string, number>>) => `${v.window.id} ${v.pane.timing}: ${v.value.value}`);
 */
export interface ValueInWindow<T> {
  /** The element. */
  readonly value: T;
  /** Its event timestamp. */
  readonly timestamp: Instant;
  /** The window it is in (an element in several windows gives one `ValueInWindow` per window). */
  readonly window: WindowDescription;
  /** The pane it came from (`NO_FIRING` unless a GroupByKey emitted it). */
  readonly pane: PaneInfo;
}

/**
 * Each element as `{ value, timestamp }`, keeping its timestamp and window.
 * @example
 * const stamped: PCollection<TimestampedValue<string>> = words.apply(reifyTimestamps());
 * stamped.map(({ value, timestamp }) => `${value} at ${new Date(timestamp).toISOString()}`);
 */
export function reifyTimestamps<T>(): PTransform<PCollection<T>, PCollection<TimestampedValue<T>>> {
  return {
    name: "ReifyTimestamps",
    expand: (input) =>
      input.apply(
        parDo<T, TimestampedValue<T>>({
          process(value, ctx) {
            ctx.output({ value, timestamp: ctx.timestamp });
          },
        }),
      ),
  };
}

/**
 * Each element as `{ value, timestamp, window, pane }`, keeping its timestamp and window.
 * @example
 * const sums = scores.apply(windowInto(new FixedWindows(60_000))).apply(sumPerKey());
 * sums.apply(reifyWindows()).map(({ value, window, pane }) => `${value.key} ${window.start}: ${value.value} (${pane.timing})`);
 */
export function reifyWindows<T>(): PTransform<PCollection<T>, PCollection<ValueInWindow<T>>> {
  return {
    name: "ReifyWindows",
    expand: (input) =>
      input.apply(
        parDo<T, ValueInWindow<T>>({
          process(value, ctx) {
            const w = ctx.window;
            const window: WindowDescription =
              w instanceof IntervalWindow ? { id: w.id, maxTimestamp: w.maxTimestamp(), start: w.start, end: w.end } : { id: w.id, maxTimestamp: w.maxTimestamp() };
            ctx.output({ value, timestamp: ctx.timestamp, window, pane: ctx.pane });
          },
        }),
      ),
  };
}
