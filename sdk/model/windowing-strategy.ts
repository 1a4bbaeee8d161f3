/**
 * A PCollection's windowing strategy: how elements are windowed and when grouped results for a window are
 * emitted. Set by `windowInto`, carried unchanged through element-wise transforms, applied by GroupByKey.
 * @module
 */
import { GlobalWindows, type WindowFn } from "./window-fn.js";

/** When a GroupByKey emits a pane. Only the default trigger exists in this release. */
export type Trigger = {
  /** Which trigger. `Default` fires once the watermark passes the end of the window. */
  readonly kind: "Default";
};

/** Whether successive panes of a window carry everything so far or only what arrived since the last pane. */
export type AccumulationMode = "DISCARDING" | "ACCUMULATING";

/** Which timestamp a grouped output gets. */
export type TimestampCombiner = "END_OF_WINDOW" | "EARLIEST" | "LATEST";

/** Everything GroupByKey needs to know about a PCollection's windowing. */
export interface WindowingStrategy {
  /** Assigns each element's windows (set by `windowInto`); GroupByKey groups within each window. */
  readonly windowFn: WindowFn;
  /** When GroupByKey emits a pane for a key and window. */
  readonly trigger: Trigger;
  /** Whether a later pane of the same key and window repeats the values of the earlier ones. */
  readonly accumulationMode: AccumulationMode;
  /** How far behind the watermark (ms) data may arrive and still be included. */
  readonly allowedLateness: number;
  /**
   * The timestamp of each grouped output: the window's last timestamp (`END_OF_WINDOW`), or the earliest or latest
   * timestamp among the grouped inputs.
   */
  readonly timestampCombiner: TimestampCombiner;
}

/** Global windows, the default trigger, discarding, no allowed lateness: the windowing of every new PCollection. */
export const GLOBAL_WINDOWING: WindowingStrategy = Object.freeze({
  windowFn: new GlobalWindows(),
  trigger: Object.freeze({ kind: "Default" as const }),
  accumulationMode: "DISCARDING" as const,
  allowedLateness: 0,
  timestampCombiner: "END_OF_WINDOW" as const,
});

/** A stable text form of a windowing strategy, for graph fingerprints and pictures. */
export function describeWindowing(w: WindowingStrategy): string {
  return `${w.windowFn.description}|${w.trigger.kind}|${w.accumulationMode}|${w.allowedLateness}|${w.timestampCombiner}`;
}
