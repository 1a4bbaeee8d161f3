/**
 * Beam's `PaneInfoTracker`: the `PaneInfo` of each pane a window emits, from the previous pane and the
 * watermarks.
 * @module
 */
import type { BoundedWindow } from "../../../sdk/model/window.js";
import { paneInfo, type PaneInfo, type PaneTiming } from "../../../sdk/model/pane.js";
import type { StateInternals } from "../state/state-internals.js";
import type { TimerInternals } from "../state/timer-internals.js";
import { StateTags, type ValueTag } from "../state/state-tags.js";

/** What a later pane needs of the previous one: `[index, nonSpeculativeIndex, timing]`. */
type PaneData = [number, number, PaneTiming];

/**
 * State, per key and window:
 * - `pane` (value, window namespace): index, non-speculative index and timing of the last pane emitted. Written
 *   when a pane that is not the last is emitted; lifetime: cleared when the trigger closes and at garbage
 *   collection. Merging: a merge result that was one of the merged windows keeps its own; a new result starts
 *   fresh (Beam: "gets to start fresh if it is new"); merged-away windows' go with them.
 * @example
 * const tracker = new PaneInfoTracker(state, timers);
 * const pane = tracker.describePane(key, window, false); // first pane: index 0
 * tracker.storeCurrentPane(key, window, pane);
 */
export class PaneInfoTracker {
  readonly tag: ValueTag<PaneData> = StateTags.value<PaneData>("pane");

  constructor(
    private readonly state: StateInternals,
    private readonly timers: TimerInternals,
  ) {}

  /** Beam's `describePane`: LATE once the output watermark passed the end or a non-EARLY pane fired; else EARLY before the end; else ON_TIME. */
  describePane(key: unknown, window: BoundedWindow, isLast: boolean): PaneInfo {
    const prev = this.state.state(key, window, this.tag).read();
    const isFirst = prev === undefined;
    const index = isFirst ? 0 : prev[0] + 1;
    let nonSpeculativeIndex = isFirst ? 0 : prev[1] + 1;
    const end = window.maxTimestamp();
    // No timestamp in the window can be on time downstream any more: the output watermark passed its end.
    const isLateForOutput = end < this.timers.outputWatermark;
    // Once a non-EARLY pane fired, every later pane is LATE, whatever the watermark says.
    const onlyEarlySoFar = prev === undefined || prev[2] === "EARLY";
    const isEarlyForInput = !(this.timers.inputWatermark > end);
    let timing: PaneTiming;
    if (isLateForOutput || !onlyEarlySoFar) {
      timing = "LATE";
    } else if (isEarlyForInput) {
      timing = "EARLY";
      nonSpeculativeIndex = -1;
    } else {
      timing = "ON_TIME";
    }
    return paneInfo({ isFirst, isLast, timing, index, nonSpeculativeIndex });
  }

  storeCurrentPane(key: unknown, window: BoundedWindow, pane: PaneInfo): void {
    this.state.state(key, window, this.tag).write([pane.index, pane.nonSpeculativeIndex, pane.timing]);
  }

  clear(key: unknown, window: BoundedWindow): void {
    this.state.state(key, window, this.tag).clear();
  }
}
