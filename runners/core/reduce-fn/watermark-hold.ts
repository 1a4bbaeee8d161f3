/**
 * Beam's `WatermarkHold`: the holds a window places on the output watermark, and the output timestamp of its
 * panes. See docs/event-time-notes.md ("Timestamp combiners and watermark holds").
 * @module
 */
import type { BoundedWindow } from "../../../sdk/model/window.js";
import { END_OF_GLOBAL_WINDOW, TIMESTAMP_MIN_VALUE, type Instant } from "../../../sdk/model/time.js";
import type { WindowingStrategy } from "../../../sdk/model/windowing-strategy.js";
import type { StateInternals } from "../state/state-internals.js";
import type { TimerInternals } from "../state/timer-internals.js";
import { StateTags, type WatermarkHoldTag } from "../state/state-tags.js";

/** End of window plus allowed lateness, capped at the end of the global window (Beam's `LateDataUtils`). */
export function garbageCollectionTime(window: BoundedWindow, allowedLateness: number): Instant {
  const end = window.maxTimestamp();
  return END_OF_GLOBAL_WINDOW - allowedLateness < end ? END_OF_GLOBAL_WINDOW : end + allowedLateness;
}

/**
 * State, per key and window (both watermark-hold cells in the window's namespace, so the store's minimum hold is
 * the driver's):
 * - `elementHold`: the combined timestamp (EARLIEST: min, LATEST: max; END_OF_WINDOW: the end of the window) of
 *   the elements that arrived in time to hold the output watermark. Lifetime: released when a pane fires, and at
 *   garbage collection. Merging: END_OF_WINDOW re-derives it from the merged window; EARLIEST/LATEST combine the
 *   merging windows' holds.
 * - `extraHold`: the garbage-collection hold at end of window + allowed lateness, placed by elements too late for
 *   an element hold (so the late pane is not dropped downstream), after every merge, and after a pane under
 *   closing behaviour FIRE_ALWAYS (for the final empty pane). Lifetime: released when a pane fires. Merging:
 *   re-placed on the merged window.
 * @example
 * const holds = new WatermarkHold(state, timers, windowing);
 * holds.addHolds(key, window, 5);
 * holds.extractAndRelease(key, window, false); // 5 (EARLIEST), the pane's output timestamp
 */
export class WatermarkHold {
  readonly elementTag: WatermarkHoldTag;
  readonly extraTag: WatermarkHoldTag = StateTags.watermarkHold("extraHold", "EARLIEST");
  private readonly fireEmptyFinal: boolean;

  constructor(
    private readonly state: StateInternals,
    private readonly timers: TimerInternals,
    private readonly windowing: WindowingStrategy,
  ) {
    this.elementTag = StateTags.watermarkHold("elementHold", windowing.timestampCombiner === "LATEST" ? "LATEST" : "EARLIEST");
    this.fireEmptyFinal = windowing.closingBehavior === "FIRE_ALWAYS";
  }

  get tags(): WatermarkHoldTag[] {
    return [this.elementTag, this.extraTag];
  }

  gcTime(window: BoundedWindow): Instant {
    return garbageCollectionTime(window, this.windowing.allowedLateness);
  }

  /**
   * Beam's `addHolds`: an element holds the output watermark at its (combined) timestamp if it can (it is not
   * behind the output watermark and its window has not ended); otherwise the window gets a garbage-collection
   * hold, so its late pane is not dropped downstream.
   */
  addHolds(key: unknown, window: BoundedWindow, timestamp: Instant): void {
    if (!this.addElementHold(key, window, timestamp)) this.addGarbageCollectionHold(key, window, false);
  }

  /**
   * Beam's `extractAndRelease`: the pane's output timestamp is the earliest hold, or the end of the window when
   * there is none or it is the garbage-collection hold; every hold is released, and unless the window is
   * finished a garbage-collection hold goes back for a final empty pane (only under closing FIRE_ALWAYS).
   */
  extractAndRelease(key: unknown, window: BoundedWindow, isFinished: boolean): Instant {
    const end = window.maxTimestamp();
    const element = this.state.state(key, window, this.elementTag);
    let timestamp = element.read();
    element.clear();
    const extra = this.state.state(key, window, this.extraTag);
    const gc = extra.read();
    extra.clear();
    if (timestamp === undefined || (gc !== undefined && gc < timestamp)) timestamp = gc;
    if (timestamp === undefined || timestamp > end) timestamp = end;
    if (!isFinished) this.addGarbageCollectionHold(key, window, true);
    return timestamp;
  }

  /** Beam's `onMerge`: the merged window's holds from the merging windows' (whose holds go). */
  onMerge(key: unknown, sources: readonly BoundedWindow[], result: BoundedWindow): void {
    const elementHolds: Instant[] = [];
    for (const s of sources) {
      const h = this.state.state(key, s, this.elementTag);
      const t = h.read();
      if (t !== undefined) elementHolds.push(t);
      h.clear();
      this.state.state(key, s, this.extraTag).clear();
    }
    this.state.state(key, result, this.elementTag).clear();
    this.state.state(key, result, this.extraTag).clear();
    if (this.windowing.timestampCombiner === "END_OF_WINDOW") {
      this.addElementHold(key, result, TIMESTAMP_MIN_VALUE);
    } else {
      const h = this.state.state(key, result, this.elementTag);
      for (const t of elementHolds) h.add(t);
    }
    this.addGarbageCollectionHold(key, result, false);
  }

  private addElementHold(key: unknown, window: BoundedWindow, timestamp: Instant): boolean {
    const end = window.maxTimestamp();
    const hold = this.windowing.timestampCombiner === "END_OF_WINDOW" ? end : timestamp;
    if (hold < this.timers.outputWatermark || end < this.timers.inputWatermark) return false;
    this.state.state(key, window, this.elementTag).add(hold);
    return true;
  }

  private addGarbageCollectionHold(key: unknown, window: BoundedWindow, paneIsEmpty: boolean): void {
    const gc = this.gcTime(window);
    if (gc < this.timers.inputWatermark) return;
    if (paneIsEmpty && !this.fireEmptyFinal) return;
    this.state.state(key, window, this.extraTag).add(gc);
  }
}
