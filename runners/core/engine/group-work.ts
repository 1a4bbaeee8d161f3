/**
 * Running one {@link GroupWork} against a key group's grouping side: the same sequence on every runner, so that
 * lateness, firing and holds do not depend on where the side lives.
 * @module
 */
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { Instant } from "../../../sdk/model/time.js";
import type { GroupingSide } from "../grouping-side.js";
import type { MetricsRegistry } from "../metrics-container.js";
import type { StageExecutor } from "../stage-executor.js";
import type { GroupOutcome, GroupWork } from "./work.js";

/** Adds one shuffle record to a grouping side. */
export type AddRecord = (key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown) => void;

/**
 * Runs `work` in a bundle of the shuffle-rooted stage `executor`: processing time first (so records count their
 * processing-time delays from now), then the watermark the records arrived under, the records (fed by
 * `feedRecords`), and the input watermark, which also fires what the records made ready. Dropped records are
 * counted on the GroupByKey step `gbkStep` as Beam's `droppedDueToLateness` and `droppedDueToClosedWindow`.
 */
export async function runGroupWork(
  executor: StageExecutor,
  side: GroupingSide,
  work: Pick<GroupWork<unknown>, "processingTime" | "arrivalWatermark" | "watermark">,
  feedRecords: (add: AddRecord) => void,
  metrics: MetricsRegistry,
  gbkStep: string,
): Promise<GroupOutcome> {
  const droppedLate = side.droppedLate;
  const droppedClosed = side.droppedClosedWindow;
  const out = executor.rootOutput;
  const add: AddRecord = (k, w, t, v) => side.add(k, w, t, v);
  await executor.runBundle(() => {
    side.advanceProcessingTime(work.processingTime, out);
    side.advanceInputWatermark(work.arrivalWatermark, out);
    feedRecords(add);
    side.advanceInputWatermark(work.watermark, out);
  });
  if (side.droppedLate > droppedLate) metrics.forStep(gbkStep).incCounter("droppedDueToLateness", side.droppedLate - droppedLate);
  if (side.droppedClosedWindow > droppedClosed) {
    metrics.forStep(gbkStep).incCounter("droppedDueToClosedWindow", side.droppedClosedWindow - droppedClosed);
  }
  const next = side.nextProcessingTimer();
  return { hasState: side.hasPending, hold: side.hold(), ...(next !== undefined ? { nextProcessingTimer: next } : {}) };
}

/** The receiver of a replay: the panes were already emitted by the work being replayed. */
const DISCARD = { receive(): void {} };

/**
 * Replays a group work item that already ran into a grouping side being restored from a checkpoint: the same
 * sequence as {@link runGroupWork}, with the panes discarded and nothing counted (the original run emitted and
 * counted them). Grouping sides are deterministic, so the state comes out as the original run left it.
 */
export function replayGroupWork(
  side: GroupingSide,
  work: Pick<GroupWork<unknown>, "processingTime" | "arrivalWatermark" | "watermark">,
  feedRecords: (add: AddRecord) => void,
): void {
  side.advanceProcessingTime(work.processingTime, DISCARD);
  side.advanceInputWatermark(work.arrivalWatermark, DISCARD);
  feedRecords((k, w, t, v) => side.add(k, w, t, v));
  side.advanceInputWatermark(work.watermark, DISCARD);
}
