/**
 * A PCollection's windowing strategy: how elements are windowed and when grouped results for a window are
 * emitted. Set by `windowInto`, carried unchanged through element-wise transforms, applied by GroupByKey.
 * @module
 */
import { GlobalWindows, type WindowFn } from "./window-fn.js";
import { InvalidWindows } from "./window-fns.js";
import { continuationTrigger, describeTrigger, mayFinish, type Trigger } from "./triggers.js";

export type { Trigger } from "./triggers.js";

/** Whether successive panes of a window carry everything so far or only what arrived since the last pane. */
export type AccumulationMode = "DISCARDING" | "ACCUMULATING";

/**
 * Which timestamp a grouped output gets: the window's last timestamp, or the earliest or latest timestamp of the
 * pane's elements that were not behind the watermark when they arrived (late elements cannot hold the watermark,
 * so a pane of only late elements is stamped at the end of the window; see docs/event-time-notes.md).
 */
export type TimestampCombiner = "END_OF_WINDOW" | "EARLIEST" | "LATEST";

/**
 * Whether the final pane of a window (when it is garbage collected or its trigger finishes) is emitted even when
 * it has no new elements (`FIRE_ALWAYS`) or only when it has some (`FIRE_IF_NON_EMPTY`, Beam's default).
 */
export type ClosingBehavior = "FIRE_ALWAYS" | "FIRE_IF_NON_EMPTY";

/**
 * Whether the ON_TIME pane is emitted even when no element arrived since the previous pane (`FIRE_ALWAYS`, Beam's
 * default, so downstream always sees one on-time result per window that had data) or only when some did.
 */
export type OnTimeBehavior = "FIRE_ALWAYS" | "FIRE_IF_NON_EMPTY";

/** Everything GroupByKey needs to know about a PCollection's windowing. */
export interface WindowingStrategy {
  /** Assigns each element's windows (set by `windowInto`); GroupByKey groups within each window. */
  readonly windowFn: WindowFn;
  /** When GroupByKey emits a pane for a key and window. */
  readonly trigger: Trigger;
  /** Whether a later pane of the same key and window repeats the values of the earlier ones. */
  readonly accumulationMode: AccumulationMode;
  /**
   * How far behind the watermark (ms) data may arrive and still be included: data for a window whose end plus
   * this is behind the watermark is dropped, and the window's state is released then.
   */
  readonly allowedLateness: number;
  /**
   * The timestamp of each grouped output: the window's last timestamp (`END_OF_WINDOW`), or the earliest or latest
   * timestamp among the grouped inputs.
   */
  readonly timestampCombiner: TimestampCombiner;
  /** Whether an empty final pane is emitted; `FIRE_IF_NON_EMPTY` when absent. */
  readonly closingBehavior?: ClosingBehavior;
  /** Whether an empty ON_TIME pane is emitted; `FIRE_ALWAYS` when absent. */
  readonly onTimeBehavior?: OnTimeBehavior;
}

/** Global windows, the default trigger, discarding, no allowed lateness: the windowing of every new PCollection. */
export const GLOBAL_WINDOWING: WindowingStrategy = Object.freeze({
  windowFn: new GlobalWindows(),
  trigger: Object.freeze({ kind: "Default" as const }),
  accumulationMode: "DISCARDING" as const,
  allowedLateness: 0,
  timestampCombiner: "END_OF_WINDOW" as const,
});

/**
 * A stable text form of a windowing strategy, for graph fingerprints and pictures. The closing and on-time
 * behaviours appear only when they differ from the defaults, so older fingerprints stay the same.
 * @example
 * describeWindowing(GLOBAL_WINDOWING); // "GlobalWindows|Default()|DISCARDING|0|END_OF_WINDOW"
 */
export function describeWindowing(w: WindowingStrategy): string {
  let text = `${w.windowFn.description}|${describeTrigger(w.trigger)}|${w.accumulationMode}|${w.allowedLateness}|${w.timestampCombiner}`;
  if (w.closingBehavior !== undefined && w.closingBehavior !== "FIRE_IF_NON_EMPTY") text += `|closing=${w.closingBehavior}`;
  if (w.onTimeBehavior !== undefined && w.onTimeBehavior !== "FIRE_ALWAYS") text += `|onTime=${w.onTimeBehavior}`;
  return text;
}

/**
 * The windowing of a GroupByKey's output, as Beam derives it: the trigger becomes its continuation (see
 * {@link continuationTrigger}), and merging windowing becomes {@link InvalidWindows} (the merged windows cannot
 * be merged again; re-window before grouping a second time).
 * @example
 * const out = windowingAfterGroupByKey(input.windowing);
 */
export function windowingAfterGroupByKey(w: WindowingStrategy): WindowingStrategy {
  const windowFn = w.windowFn.isMerging
    ? new InvalidWindows("the merging WindowFn was consumed by a previous GroupByKey; apply windowInto before grouping again", w.windowFn)
    : w.windowFn;
  const trigger = continuationTrigger(w.trigger);
  if (windowFn === w.windowFn && trigger === w.trigger) return w;
  return Object.freeze({ ...w, windowFn, trigger });
}

/**
 * Why a GroupByKey cannot be applied to a PCollection with this windowing (Beam's GroupByKey checks), or
 * `undefined`: an unbounded PCollection in the global window with the default trigger would never emit; a
 * PCollection whose windows were already merged by a GroupByKey must be re-windowed; and a trigger that can
 * finish before the window is garbage collected silently drops the data that arrives after it finished, which
 * Beam rejects too ("unsafe trigger"). With `allowUnsafeTriggers` (the `--allowUnsafeTriggers` option, Beam
 * Python's `allow_unsafe_triggers`) the two trigger checks are skipped: the user accepts that data loss.
 * @example
 * const problem = groupByKeyProblem(input.windowing, input.isBounded);
 * if (problem) throw new Error(`${name}: ${problem}`);
 */
export function groupByKeyProblem(w: WindowingStrategy, isBounded: boolean, options: { readonly allowUnsafeTriggers?: boolean } = {}): string | undefined {
  if (w.windowFn instanceof InvalidWindows) return `its windows cannot be grouped again: ${w.windowFn.cause}`;
  if (options.allowUnsafeTriggers === true) return undefined;
  if (!isBounded && w.windowFn instanceof GlobalWindows && w.trigger.kind === "Default") {
    return (
      "an unbounded PCollection in the global window with the default trigger would never emit; window it (windowInto) or give it a trigger " +
      "(or pass --allowUnsafeTriggers to emit only at the end of the input or on --drain)"
    );
  }
  if (!triggerIsSafe(w)) {
    return (
      `the trigger ${describeTrigger(w.trigger)} may finish before the window is garbage collected, and data arriving after that ` +
      `is dropped; wrap it in Repeatedly(...), or use AfterWatermark with late firings (or pass --allowUnsafeTriggers to accept the loss)`
    );
  }
  return undefined;
}

/** Beam's `GroupByKey.triggerIsSafe`: a finishing trigger is acceptable only where nothing can arrive after it. */
function triggerIsSafe(w: WindowingStrategy): boolean {
  const t = w.trigger;
  if (!mayFinish(t)) return true;
  // AfterWatermark without late firings finishes at the ON_TIME pane; with no lateness nothing can follow it.
  if (t.kind === "AfterWatermark" && w.allowedLateness === 0) return true;
  return false;
}
