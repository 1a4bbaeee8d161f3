/**
 * The lean grouping side: buffers values (or merges accumulators, for a lifted combine) per window and key, and
 * emits each window's groups once the input watermark passes its end.
 *
 * This is the driver for the default trigger with no allowed lateness on non-merging windows: the path every
 * batch pipeline takes, kept lean like Beam Python's batch trigger driver (no per-key trigger state, timers or
 * pane bookkeeping: each window fires exactly once, ON_TIME and final). {@link createGroupingSide} picks it only
 * where it is exact; everything else goes to the general `ReduceFnRunner`.
 * @module
 */
import { kv } from "../../sdk/model/kv.js";
import type { BoundedWindow } from "../../sdk/model/window.js";
import { ON_TIME_AND_ONLY_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MIN_VALUE, type Instant, TIMESTAMP_MAX_VALUE } from "../../sdk/model/time.js";
import type { CombineFn } from "../../sdk/model/combine-fn.js";
import type { Receiver } from "./receiver.js";
import { userCodeError } from "./user-code-error.js";
import type { GroupingSide, GroupingSpec } from "./grouping-side.js";
import { LeanStateInternals } from "./state/lean-state-internals.js";
import type { BagState, CombiningState, StateSnapshot } from "./state/state-internals.js";
import { StateTags, type BagTag, type CombiningTag, type WatermarkHoldTag } from "./state/state-tags.js";

export type { GroupingSpec } from "./grouping-side.js";

/** Snapshot format of {@link GroupAlsoByWindow}. */
interface FastSnapshot {
  readonly kind: "GroupAlsoByWindow";
  readonly version: 2;
  readonly inputWatermark: Instant;
  readonly outputWatermark: Instant;
  readonly droppedLate: number;
  readonly state: StateSnapshot;
}

/**
 * The lean driver. All its per-key state is in a {@link LeanStateInternals} (the store specialised for these tags), in the namespace of the window,
 * under these tags (each cell lives from the key's first record in the window until the window fires, when the
 * window's namespace is cleared; windows never merge on this path):
 * - `buffer`: a bag of the values, or for a lifted combine a combining cell merging the accumulators
 *   (`addAccum`: the first accumulator is kept as it is).
 * - `hold`: the key's watermark hold (Beam's element hold), and its output timestamp. END_OF_WINDOW: the end of the
 *   window, set by the first record. EARLIEST: the earliest record that could hold (was not behind the output
 *   watermark when it arrived), capped at the end of the window; a record that could not hold adds the end of the
 *   window instead (Beam's garbage-collection hold, at the end since there is no lateness). LATEST: the latest
 *   record that could hold (capped at the end).
 * - `endHold` (LATEST only): the end of the window, set by a record that could not hold (for EARLIEST and
 *   END_OF_WINDOW that is `hold` itself, whose minimum it cannot lower past).
 * The store's minimum hold is then the driver's hold: per window, the minimum over its keys of each key's hold.
 */
export class GroupAlsoByWindow implements GroupingSide {
  private state: LeanStateInternals;
  private readonly buffer: BagTag<unknown> | CombiningTag<unknown, unknown, unknown>;
  private readonly holdTag: WatermarkHoldTag;
  private readonly endHoldTag: WatermarkHoldTag;
  /** The input watermark last seen; data for windows it has passed is late. */
  private inputWatermark: Instant = TIMESTAMP_MIN_VALUE;
  /**
   * The output watermark as the runner computes it (`min(input watermark, hold)`, monotone), updated when the
   * input watermark advances: a record behind it cannot hold the watermark, so it does not set the output
   * timestamp (Beam's element-hold rule). Stays at -∞ in batch until the end.
   */
  private outputWatermark: Instant = TIMESTAMP_MIN_VALUE;
  /**
   * At most the smallest end among the windows with state (+∞ when none): nothing can fire before the watermark
   * passes it. Lowered by every record, recomputed after firing.
   */
  private minEnd: Instant = TIMESTAMP_MAX_VALUE;
  private readonly endOfWindowStamps: boolean;
  /** Elements dropped because their window had already closed. */
  droppedLate = 0;
  /** Always 0: the default trigger never closes a window before it expires. */
  readonly droppedClosedWindow = 0;

  constructor(private readonly spec: GroupingSpec) {
    const combiner = spec.windowing.timestampCombiner;
    this.endOfWindowStamps = combiner === "END_OF_WINDOW";
    this.buffer = spec.combineFn ? StateTags.combining("buffer", spec.combineFn as CombineFn<unknown, unknown, unknown>) : StateTags.bag("buffer");
    this.holdTag = StateTags.watermarkHold("hold", combiner === "LATEST" ? "LATEST" : "EARLIEST");
    this.endHoldTag = combiner === "LATEST" ? StateTags.watermarkHold("endHold", "EARLIEST") : this.holdTag;
    this.state = new LeanStateInternals({ step: spec.step, windowFn: spec.windowing.windowFn, buffer: this.buffer, hold: this.holdTag, endHold: this.endHoldTag });
  }

  /** Rebuilds a grouping side from {@link GroupAlsoByWindow.snapshot}. */
  static restore(spec: GroupingSpec, snapshot: unknown): GroupAlsoByWindow {
    const s = snapshot as FastSnapshot;
    if (s?.kind !== "GroupAlsoByWindow" || s.version !== 2) throw new Error(`internal: not a GroupAlsoByWindow snapshot for ${spec.step}`);
    const g = new GroupAlsoByWindow(spec);
    g.inputWatermark = s.inputWatermark;
    g.outputWatermark = s.outputWatermark;
    g.droppedLate = s.droppedLate;
    g.state = LeanStateInternals.restore(s.state, { step: spec.step, windowFn: spec.windowing.windowFn, buffer: g.buffer, hold: g.holdTag, endHold: g.endHoldTag });
    g.recomputeMinEnd();
    return g;
  }

  /** Buffers one record. */
  add(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void {
    const end = window.maxTimestamp();
    if (end + this.spec.windowing.allowedLateness < this.inputWatermark) {
      this.droppedLate++;
      return;
    }
    if (end < this.minEnd) this.minEnd = end;
    const state = this.state;
    const buffer = state.state(key, window, this.buffer);
    if (this.endOfWindowStamps) {
      if (buffer.isEmpty()) state.state(key, window, this.holdTag).add(end);
    } else if (timestamp >= this.outputWatermark) {
      // Beam's element hold: only a record not behind the output watermark may hold it (and stamp the output).
      state.state(key, window, this.holdTag).add(timestamp < end ? timestamp : end);
    } else {
      state.state(key, window, this.endHoldTag).add(end);
    }
    if (!this.spec.combineFn) {
      (buffer as BagState<unknown>).add(value);
    } else {
      try {
        (buffer as CombiningState<unknown, unknown, unknown>).addAccum(value);
      } catch (e) {
        throw userCodeError(this.spec.step, e, { value: kv(key, value) });
      }
    }
  }

  /**
   * Advances the input watermark and emits every window it has passed (watermark > end of window), one group per
   * key, each the ON_TIME and only pane. Returns how many groups were emitted.
   */
  advanceInputWatermark(inputWatermark: Instant, out: Receiver): number {
    if (inputWatermark > this.inputWatermark) this.inputWatermark = inputWatermark;
    this.updateOutputWatermark();
    if (!(this.minEnd < this.inputWatermark)) return 0;
    let emitted = 0;
    for (const ns of this.state.namespaces()) {
      const window = ns as BoundedWindow;
      const end = window.maxTimestamp();
      if (!(end < this.inputWatermark)) continue;
      // Walks the window's entries: no key is looked up again.
      this.state.forEachKey(window, (key) => {
        const held = this.state.state(key, window, this.holdTag).read();
        out.receive(this.output(key, window), held ?? end, window, ON_TIME_AND_ONLY_FIRING);
        emitted++;
      });
      this.state.clearNamespace(window);
    }
    this.recomputeMinEnd();
    this.updateOutputWatermark();
    return emitted;
  }

  /** @deprecated Use {@link advanceInputWatermark} (same behaviour). */
  fire(inputWatermark: Instant, out: Receiver): number {
    return this.advanceInputWatermark(inputWatermark, out);
  }

  /** Processing time does not matter to the default trigger. */
  advanceProcessingTime(): number {
    return 0;
  }

  nextProcessingTimer(): Instant | undefined {
    return undefined;
  }

  /**
   * The watermark hold: no output of this grouping side will have a timestamp before it (+∞ when nothing is
   * buffered), so the stage's output watermark must not pass it. END_OF_WINDOW holds at each window's end;
   * EARLIEST at the earliest held record; LATEST at the earliest among the keys' latest held records.
   */
  hold(): Instant {
    return this.state.minimumHold();
  }

  /** Whether any window still holds data. */
  get hasPending(): boolean {
    return !this.state.isEmpty;
  }

  snapshot(): FastSnapshot {
    return {
      kind: "GroupAlsoByWindow",
      version: 2,
      inputWatermark: this.inputWatermark,
      outputWatermark: this.outputWatermark,
      droppedLate: this.droppedLate,
      state: this.state.snapshot(),
    };
  }

  private recomputeMinEnd(): void {
    let minEnd = TIMESTAMP_MAX_VALUE;
    for (const ns of this.state.namespaces()) {
      const end = (ns as BoundedWindow).maxTimestamp();
      if (end < minEnd) minEnd = end;
    }
    this.minEnd = minEnd;
  }

  private updateOutputWatermark(): void {
    const candidate = Math.min(this.inputWatermark, this.hold());
    if (candidate > this.outputWatermark) this.outputWatermark = candidate;
  }

  /** The group of a key: `KV(key, values)` (the bag, which the caller then owns) or `KV(key, extractOutput(acc))`. */
  private output(key: unknown, window: BoundedWindow): unknown {
    let value: unknown;
    if (this.spec.combineFn) {
      const cell = this.state.state(key, window, this.buffer as CombiningTag<unknown, unknown, unknown>);
      try {
        value = cell.read();
      } catch (e) {
        throw userCodeError(this.spec.step, e, { value: kv(key, cell.readAccum()) });
      }
    } else {
      value = this.state.state(key, window, this.buffer as BagTag<unknown>).read();
    }
    return kv(key, value);
  }
}
