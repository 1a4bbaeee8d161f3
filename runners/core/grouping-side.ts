/**
 * The grouping side of a GroupByKey, as every runner drives it: records go in with `add`, panes come out when the
 * runner advances the input watermark or processing time, and `hold()` tells the runner how far the output
 * watermark may advance. All of windowing, merging, triggers, panes, lateness, timestamp combiners and holds live
 * behind this interface (in `runners/core`); a runner only moves records and clocks.
 *
 * ```
 *   shuffle records ──add(key, window, ts, value)──► GroupingSide ──panes──► Receiver (the stage's root output)
 *   input watermark ──advanceInputWatermark(wm)───►      │
 *   processing time ──advanceProcessingTime(now)──►      ├──► hold(): output watermark ≤ min(input wm, hold)
 *                                                         └──► nextProcessingTimer(): when to wake up
 * ```
 * Two implementations, picked by {@link createGroupingSide} like Beam Python's `create_trigger_driver`:
 * {@link GroupAlsoByWindow}, the lean path for the default trigger without lateness on non-merging windows (every
 * batch pipeline), and {@link ReduceFnRunner}, the general driver. A stateful ParDo's keyed input has a third
 * side in the same place, {@link StatefulDoFnSide}, which runs the DoFn with its state and timers.
 * @module
 */
import type { BoundedWindow } from "../../sdk/model/window.js";
import type { Instant } from "../../sdk/model/time.js";
import type { CombineFn } from "../../sdk/model/combine-fn.js";
import type { WindowingStrategy } from "../../sdk/model/windowing-strategy.js";
import type { Receiver } from "./receiver.js";
import { GroupAlsoByWindow } from "./group-also-by-window.js";
import { ReduceFnRunner } from "./reduce-fn-runner.js";
import { StatefulDoFnSide } from "./stateful-dofn-side.js";
import type { ParDoNode } from "../../sdk/graph.js";

/** What a grouping side needs to know. */
export interface GroupingSpec {
  /** The step named in errors (the GroupByKey, or the Combine ParDo when lifted). */
  readonly step: string;
  readonly windowing: WindowingStrategy;
  /** Present for a lifted combine: values are accumulators, and the output is `KV<key, extractOutput(acc)>`. */
  readonly combineFn?: CombineFn<unknown, unknown, unknown>;
  /**
   * Present for the keyed input of a stateful ParDo (`ShuffleSpec.stateful`): the side runs the DoFn with its
   * state and timers ({@link StatefulDoFnSide}) instead of grouping, and emits to a `StatefulRootOutput`.
   */
  readonly stateful?: ParDoNode;
}

/**
 * The grouping side of one GroupByKey (on one worker: the keys routed to it). Not thread-safe; one caller at a
 * time. Every method that emits does so synchronously into `out`, inside the runner's bundle. A runner's model
 * checks wrap the interface rather than flag its implementations (the direct runner's freezing and order
 * shuffling, `runners/direct/checked-grouping-side.ts`); `out` may freeze what it is handed, so a driver must not
 * keep emitted objects as state without checking.
 *
 * How a runner drives it:
 * 1. Feed each committed shuffle record with {@link GroupingSide.add}.
 * 2. After every bundle of adds, and whenever the stage's input watermark may have moved, call
 *    {@link GroupingSide.advanceInputWatermark} with the input watermark (the minimum of the upstream output
 *    watermarks), inside a bundle whose root output is `out`. Triggers made ready by the added elements (element
 *    counts, late data under the default trigger) fire there too, as Beam fires them at the end of the bundle
 *    that delivered the elements, so call it even when the watermark has not moved.
 * 3. If the pipeline has processing-time triggers, call {@link GroupingSide.advanceProcessingTime} with the
 *    runner's clock (real, or the TestStream test clock) before delivering a bundle and whenever the clock passes
 *    {@link GroupingSide.nextProcessingTimer}. Elements see the processing time last passed in.
 * 4. Set the stage's output watermark to `min(input watermark, hold())`, never moving it backwards.
 * 5. Publish `droppedLate` and `droppedClosedWindow` as the step's `droppedDueToLateness` and
 *    `droppedDueToClosedWindow` counters.
 */
export interface GroupingSide {
  /**
   * Buffers one record (already windowed; merging is handled inside). Records of windows that expired (end of
   * window plus allowed lateness behind the input watermark) are dropped and counted in {@link droppedLate}.
   */
  add(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void;
  /**
   * Fires the triggers made ready by `add` since the last call, then moves the input watermark to `watermark`
   * (if later) and fires the event-time timers it passed (a timer at t fires once the watermark is after t, i.e.
   * a window fires when the watermark reaches its end), in timestamp order, emitting panes to `out`. Returns the
   * number of panes emitted.
   */
  advanceInputWatermark(watermark: Instant, out: Receiver): number;
  /**
   * Fires the triggers made ready by `add` since the last call, then moves processing time to `now` (if later)
   * and fires the processing-time timers it passed (strictly: a timer at t fires once `now > t`). Returns the
   * number of panes emitted.
   */
  advanceProcessingTime(now: Instant, out: Receiver): number;
  /** The earliest pending processing-time timer, so a runner knows when to wake (`undefined`: none). */
  nextProcessingTimer(): Instant | undefined;
  /**
   * The output watermark hold: no pane still to come will have a timestamp before it ({@link TIMESTAMP_MAX_VALUE}
   * when nothing is held), so the stage's output watermark must not pass it.
   */
  hold(): Instant;
  /** Whether any window still has state or timers (so advancing the watermark may still emit or clean up). */
  readonly hasPending: boolean;
  /** Elements dropped because their window had expired (Beam's `droppedDueToLateness`). */
  readonly droppedLate: number;
  /** Elements dropped because their window's trigger had finished (Beam's `droppedDueToClosedWindow`). */
  readonly droppedClosedWindow: number;
  /**
   * The whole state as plain, msgpack-encodable data (windows, keys, values or accumulators, trigger state,
   * timers, holds, watermarks, counters), for {@link restoreGroupingSide} on another worker. Call it between
   * calls, never from inside `out`.
   */
  snapshot(): unknown;
}

/**
 * Whether the lean driver is exact for this windowing: the default trigger, no allowed lateness, non-merging
 * windows, and no empty-pane behaviour to honour.
 * @example
 * usesFastPath(GLOBAL_WINDOWING); // true
 */
export function usesFastPath(w: WindowingStrategy): boolean {
  return w.trigger.kind === "Default" && w.allowedLateness === 0 && !w.windowFn.isMerging;
}

/**
 * The grouping side for a GroupByKey: the lean {@link GroupAlsoByWindow} when {@link usesFastPath}, else the
 * general {@link ReduceFnRunner}.
 * @example
 * const grouping = createGroupingSide({ step: "Count/GroupByKey", windowing });
 * grouping.add("a", GLOBAL_WINDOW, 0, 1);
 * grouping.advanceInputWatermark(TIMESTAMP_MAX_VALUE, out); // emits KV("a", [1])
 */
export function createGroupingSide(spec: GroupingSpec): GroupingSide {
  if (spec.stateful) return new StatefulDoFnSide(spec);
  return usesFastPath(spec.windowing) ? new GroupAlsoByWindow(spec) : new ReduceFnRunner(spec);
}

/**
 * A grouping side with the state of `snapshot` (from {@link GroupingSide.snapshot} of a side with the same spec).
 * @example
 * const moved = restoreGroupingSide(spec, unpack(pack(grouping.snapshot())));
 */
export function restoreGroupingSide(spec: GroupingSpec, snapshot: unknown): GroupingSide {
  if (spec.stateful) return StatefulDoFnSide.restore(spec, snapshot);
  return usesFastPath(spec.windowing) ? GroupAlsoByWindow.restore(spec, snapshot) : ReduceFnRunner.restore(spec, snapshot);
}
