/**
 * The general grouping driver, Sluice's `ReduceFnRunner`: per key and window it buffers values (or merges
 * accumulators for a lifted combine), merges session windows, runs the trigger, and emits panes with their
 * `PaneInfo`, holding the output watermark back until every pending pane can be emitted on time.
 *
 * It follows Beam's `runners/core-java` `ReduceFnRunner`, `WatermarkHold`, `PaneInfoTracker`, `NonEmptyPanes` and
 * `LateDataDroppingDoFnRunner` (see docs/event-time-notes.md for every place where the behaviour is subtle):
 *
 * ```
 *  add ──► expired? (end + lateness < input wm) ──yes──► droppedLate
 *           │ no
 *           ▼
 *          merge windows (sessions) ──► closed? ──yes──► droppedClosedWindow
 *           │                              │ no
 *           ▼                              ▼
 *          GC timer at end + lateness,  hold, buffer, trigger.onElement, mark the window "dirty"
 *
 *  advanceInputWatermark / advanceProcessingTime:
 *    1. dirty windows whose trigger is ready fire (Beam fires at the end of the element bundle)
 *    2. timers the clock passed activate their windows (each once per batch, in timestamp order):
 *       past garbage collection → final pane (if Beam emits one) and all state released;
 *       otherwise → fire if the trigger is ready
 * ```
 * @module
 */
import { kv } from "../../sdk/model/kv.js";
import type { BoundedWindow } from "../../sdk/model/window.js";
import type { Instant } from "../../sdk/model/time.js";
import type { CombineFn } from "../../sdk/model/combine-fn.js";
import type { WindowFn } from "../../sdk/model/window-fn.js";
import type { Receiver } from "./receiver.js";
import { userCodeError } from "./user-code-error.js";
import type { GroupingSide, GroupingSpec } from "./grouping-side.js";
import { KeyedMap } from "./key-encoding.js";
import { TriggerStateMachineRunner } from "./triggers/trigger-runner.js";
import { InMemoryStateInternals } from "./state/in-memory-state-internals.js";
import { InMemoryTimerInternals, type TimeDomain, type TimerSnapshot } from "./state/timer-internals.js";
import type { BagState, CombiningState, StateSnapshot } from "./state/state-internals.js";
import { StateTags, type BagTag, type CombiningTag, type StateTag } from "./state/state-tags.js";
import { decodeWindowData, encodeWindowData, type WindowData } from "../../sdk/model/window-coder.js";
import { WatermarkHold } from "./reduce-fn/watermark-hold.js";
import { PaneInfoTracker } from "./reduce-fn/pane-info-tracker.js";
import { NonEmptyPanes } from "./reduce-fn/non-empty-panes.js";
import { MergingActiveWindowSet } from "./reduce-fn/merging-active-window-set.js";

/** Snapshot format of {@link ReduceFnRunner}. */
interface RunnerSnapshot {
  readonly kind: "ReduceFnRunner";
  readonly version: 2;
  readonly droppedLate: number;
  readonly droppedClosedWindow: number;
  readonly state: StateSnapshot;
  /** Timers and clocks (input and output watermark, processing time). */
  readonly timers: TimerSnapshot;
  /** Windows that got elements since the last firing check, in order. */
  readonly dirty: [unknown, WindowData][];
}

/** A (key, window) to look at. */
interface KeyWindow {
  readonly key: unknown;
  readonly window: BoundedWindow;
}

/**
 * The general grouping driver; see the module documentation. Every per-key piece of state is in one
 * {@link InMemoryStateInternals} and every timer in one {@link InMemoryTimerInternals}, owned by these parts
 * (each file documents its state: cells, lifetime, merging):
 *
 * | part | file | state |
 * | --- | --- | --- |
 * | the buffer (Beam's `SystemReduceFn`) | here | `buffer`: bag of values, or combining cell of accumulators (lifted combine); cleared when a pane fires in DISCARDING mode or the trigger finishes; merging concatenates / merges accumulators |
 * | {@link NonEmptyPanes} | `reduce-fn/non-empty-panes.ts` | `nonEmpty` count |
 * | {@link WatermarkHold} | `reduce-fn/watermark-hold.ts` | `elementHold`, `extraHold` |
 * | {@link PaneInfoTracker} | `reduce-fn/pane-info-tracker.ts` | `pane` |
 * | {@link TriggerStateMachineRunner} | `triggers/trigger-runner.ts` | `trigger`, `closed`; timers of family `trigger` |
 * | {@link MergingActiveWindowSet} (merging windows only) | `reduce-fn/merging-active-window-set.ts` | `activeWindows` (key namespace) |
 * | garbage collection | here | an event-time timer of family `gc` per window at end + allowed lateness |
 *
 * | the firing check | here | `dirty`: set while the window is listed as having got elements since the last firing check |
 *
 * Driver-level fields: the drop counters and `dirty`, the windows that got elements since the last firing check
 * (cleared at every check; snapshotted).
 */
export class ReduceFnRunner implements GroupingSide {
  private readonly windowFn: WindowFn;
  private readonly lateness: number;
  private readonly discarding: boolean;
  private readonly fireEmptyFinal: boolean;
  private readonly fireEmptyOnTime: boolean;
  private readonly isMerging: boolean;
  private readonly state: InMemoryStateInternals;
  private readonly timers: InMemoryTimerInternals;
  private readonly bufferTag: BagTag<unknown> | CombiningTag<unknown, unknown, unknown>;
  private readonly triggers: TriggerStateMachineRunner;
  private readonly holds: WatermarkHold;
  private readonly panes: PaneInfoTracker;
  private readonly nonEmpty: NonEmptyPanes;
  private readonly active: MergingActiveWindowSet | undefined;
  /**
   * Windows that got elements since the last firing check, in arrival order; each is marked in the `dirty` cell
   * of its state while listed (the store is the set, so listing a window costs no allocation but the entry).
   */
  private dirty: KeyWindow[] = [];
  private readonly dirtyTag = StateTags.value<true>("dirty");
  droppedLate = 0;
  droppedClosedWindow = 0;

  constructor(
    private readonly spec: GroupingSpec,
    restored?: { state: StateSnapshot; timers: TimerSnapshot },
  ) {
    const w = spec.windowing;
    this.windowFn = w.windowFn;
    this.isMerging = w.windowFn.isMerging === true;
    this.lateness = w.allowedLateness;
    this.discarding = w.accumulationMode === "DISCARDING";
    this.fireEmptyFinal = w.closingBehavior === "FIRE_ALWAYS";
    this.fireEmptyOnTime = w.onTimeBehavior !== "FIRE_IF_NON_EMPTY";
    this.bufferTag = spec.combineFn ? StateTags.combining("buffer", spec.combineFn as CombineFn<unknown, unknown, unknown>) : StateTags.bag("buffer");
    // Tags are objects of the parts, so the parts are made on the stores they then read.
    const state = new InMemoryStateInternals({ step: spec.step, windowFn: w.windowFn });
    const timers = restored ? InMemoryTimerInternals.restore(restored.timers, w.windowFn) : new InMemoryTimerInternals(w.windowFn);
    const parts = (s: InMemoryStateInternals) => ({
      triggers: new TriggerStateMachineRunner(w.trigger, s, timers, this.isMerging),
      holds: new WatermarkHold(s, timers, w),
      panes: new PaneInfoTracker(s, timers),
      nonEmpty: new NonEmptyPanes(s),
      active: this.isMerging ? new MergingActiveWindowSet(s, w.windowFn, spec.step) : undefined,
    });
    let p = parts(state);
    let store = state;
    if (restored) {
      const tags: StateTag[] = [this.bufferTag, this.dirtyTag, p.nonEmpty.tag, p.panes.tag, ...p.holds.tags, ...p.triggers.tags, ...(p.active ? [p.active.tag] : [])];
      store = InMemoryStateInternals.restore(restored.state, { step: spec.step, windowFn: w.windowFn, tags });
      p = parts(store);
    }
    this.state = store;
    this.timers = timers;
    ({ triggers: this.triggers, holds: this.holds, panes: this.panes, nonEmpty: this.nonEmpty, active: this.active } = p);
  }

  add(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void {
    // Beam's LateDataDroppingDoFnRunner: judged on the element's own window, before any merging.
    if (window.maxTimestamp() + this.lateness < this.timers.inputWatermark) {
      this.droppedLate++;
      return;
    }
    const target = this.active ? this.active.merge(key, window, (sources, result) => this.mergeWindowStates(key, sources, result)) : window;
    if (this.triggers.isClosed(key, target)) {
      this.droppedClosedWindow++;
      return;
    }
    this.active?.add(key, target);
    // A window with elements in its pane already has its garbage-collection timer (it goes only with the window).
    if (this.nonEmpty.count(key, target) === 0) this.setGarbageCollectionTimer(key, target);
    this.nonEmpty.recordElement(key, target);
    this.holds.addHolds(key, target, timestamp);
    this.buffer(key, target, value);
    this.triggers.onElement(key, target, timestamp);
    const mark = this.state.state(key, target, this.dirtyTag);
    if (mark.read() === undefined) {
      mark.write(true);
      this.dirty.push({ key, window: target });
    }
  }

  advanceInputWatermark(watermark: Instant, out: Receiver): number {
    let emitted = this.fireDirty(out);
    const timers = this.timers;
    timers.advanceInputWatermark(watermark);
    for (;;) {
      const next = timers.nextFiringTime("EVENT_TIME");
      if (next === undefined || !(next < timers.inputWatermark)) break;
      // Timers being fired hold the output watermark (Beam's direct runner counts fired, uncompleted timers in
      // it), so a window firing as the watermark passes its end sees the output watermark not yet past it: the
      // pane is ON_TIME even when the window holds nothing else (e.g. everything went out in an EARLY pane).
      this.updateOutputWatermark(next);
      const due = this.popDue("EVENT_TIME", timers.inputWatermark);
      for (const { key, window } of due) emitted += this.onEventTimer(key, window, out);
    }
    this.updateOutputWatermark();
    return emitted;
  }

  advanceProcessingTime(now: Instant, out: Receiver): number {
    let emitted = this.fireDirty(out);
    this.timers.advanceProcessingTime(now);
    for (;;) {
      const due = this.popDue("PROCESSING_TIME", this.timers.processingTime);
      if (due.length === 0) break;
      for (const { key, window } of due) {
        // Beam: processing-time timers of expired windows are ignored, like late elements; GC is event time's.
        if (this.triggers.isClosed(key, window) || this.isExpired(window)) continue;
        if (this.triggers.shouldFire(key, window)) emitted += this.emit(key, window, out);
      }
    }
    this.updateOutputWatermark();
    return emitted;
  }

  nextProcessingTimer(): Instant | undefined {
    return this.timers.nextFiringTime("PROCESSING_TIME");
  }

  hold(): Instant {
    return Math.min(this.state.minimumHold(), this.timers.minimumOutputTimestamp());
  }

  get hasPending(): boolean {
    return !this.state.isEmpty || !this.timers.isEmpty;
  }

  // ---------------------------------------------------------------------------------------------- firing

  /** Removes the timers of `domain` due before `limit`; their windows in timestamp order, each once. */
  private popDue(domain: TimeDomain, limit: Instant): KeyWindow[] {
    const due: KeyWindow[] = [];
    const seen = new KeyedMap<Set<string>>();
    for (let t = this.timers.popEligible(domain, limit); t !== undefined; t = this.timers.popEligible(domain, limit)) {
      let ids = seen.get(t.key);
      if (!ids) seen.set(t.key, (ids = new Set()));
      if (ids.has(t.namespace.id)) continue;
      ids.add(t.namespace.id);
      due.push({ key: t.key, window: t.namespace as BoundedWindow });
    }
    return due;
  }

  /** Fires the windows that got elements and whose trigger is now ready. */
  private fireDirty(out: Receiver): number {
    let emitted = 0;
    while (this.dirty.length > 0) {
      const windows = this.dirty;
      this.dirty = [];
      // Unmarked first, whatever happened to the window since (a merged-away window's mark is all it has left).
      for (const { key, window } of windows) this.state.state(key, window, this.dirtyTag).clear();
      for (const { key, window } of windows) {
        if (this.active && !this.active.isActive(key, window)) continue; // merged away or closed
        if (!this.triggers.isClosed(key, window) && this.triggers.shouldFire(key, window)) emitted += this.emit(key, window, out);
      }
    }
    return emitted;
  }

  /**
   * A window's event-time timer fired. What happens depends on the window's state, not on which timer it was
   * (Beam's `WindowActivation`), so a watermark jump past both its end and its garbage collection time emits one
   * final ON_TIME pane rather than two.
   */
  private onEventTimer(key: unknown, window: BoundedWindow, out: Receiver): number {
    const closed = this.triggers.isClosed(key, window);
    if (this.timers.inputWatermark > this.holds.gcTime(window)) {
      // The final pane: ON_TIME if the watermark passed the end of the window in this same step and no ON_TIME
      // pane fired yet (describePane decides), else LATE.
      const emitted = closed ? 0 : this.onTrigger(key, window, true, out);
      this.removeWindow(key, window);
      return emitted;
    }
    return !closed && this.triggers.shouldFire(key, window) ? this.emit(key, window, out) : 0;
  }

  /** The trigger fired: tell it, emit the pane, discard what the mode says, close the window if it finished. */
  private emit(key: unknown, window: BoundedWindow, out: Receiver): number {
    const isFinished = this.triggers.onFire(key, window);
    const emitted = this.onTrigger(key, window, isFinished, out);
    this.nonEmpty.clearPane(key, window);
    if (isFinished || this.discarding) this.state.state(key, window, this.bufferTag).clear();
    if (isFinished) {
      this.triggers.close(key, window);
      this.panes.clear(key, window);
      this.active?.remove(key, window);
      // Its processing-time timers could only fire and be ignored now.
      this.timers.deleteTimers(key, window, "PROCESSING_TIME");
    }
    return emitted;
  }

  /**
   * Emits the window's pane if Beam would (Beam's `ReduceFnRunner.onTrigger`): releases the holds, computes the
   * output timestamp and the `PaneInfo`, and skips empty panes unless they are the ON_TIME pane (on-time
   * behaviour `FIRE_ALWAYS`) or the final one (closing behaviour `FIRE_ALWAYS`).
   */
  private onTrigger(key: unknown, window: BoundedWindow, isFinished: boolean, out: Receiver): number {
    const timestamp = this.holds.extractAndRelease(key, window, isFinished);
    const isEmpty = this.nonEmpty.count(key, window) === 0;
    if (isEmpty && !this.fireEmptyFinal && !this.fireEmptyOnTime) return 0;
    const pane = this.panes.describePane(key, window, isFinished);
    const emit = !isEmpty || (pane.timing === "ON_TIME" && this.fireEmptyOnTime) || (isFinished && this.fireEmptyFinal);
    if (!emit) return 0;
    if (!isFinished) this.panes.storeCurrentPane(key, window, pane);
    const keep = !isFinished && !this.discarding;
    out.receive(this.output(key, window, keep), timestamp, window, pane);
    if (keep && this.spec.combineFn) this.thawAccumulator(key, window);
    return 1;
  }

  /** The emitted `KV<key, values | output>`; `keep`: the buffer stays for later panes, so hand out a copy. */
  private output(key: unknown, window: BoundedWindow, keep: boolean): unknown {
    const combineFn = this.spec.combineFn;
    let value: unknown;
    if (combineFn) {
      const cell = this.state.state(key, window, this.bufferTag as CombiningTag<unknown, unknown, unknown>);
      try {
        value = cell.read();
      } catch (e) {
        throw userCodeError(this.spec.step, e, { value: kv(key, cell.readAccum()) });
      }
    } else {
      // Not kept: the buffer is cleared after this pane, so the values can go out as they are.
      const values = this.state.state(key, window, this.bufferTag as BagTag<unknown>).read() as unknown[];
      value = keep ? values.slice() : values;
    }
    return kv(key, value);
  }

  /**
   * After a pane whose accumulator stays for later panes: the receiver may have frozen the output (the direct
   * runner's immutability check), and with it the accumulator if `extractOutput` returned (part of) it; then
   * continue from a copy. One lookup per such pane (accumulating mode, lifted combine), no flag.
   */
  private thawAccumulator(key: unknown, window: BoundedWindow): void {
    const cell = this.state.state(key, window, this.bufferTag as CombiningTag<unknown, unknown, unknown>);
    const accumulator = cell.readAccum();
    if (accumulator === undefined || !isFrozenObject(accumulator)) return;
    cell.clear();
    cell.addAccum(this.thawedAccumulator(accumulator));
  }

  private thawedAccumulator(frozen: unknown): unknown {
    const combineFn = this.spec.combineFn!;
    try {
      const copy = combineFn.mergeAccumulators([combineFn.createAccumulator(), frozen]);
      return isFrozenObject(copy) ? structuredClone(copy) : copy;
    } catch (e) {
      throw userCodeError(this.spec.step, e);
    }
  }

  // ---------------------------------------------------------------------------------------------- state

  private buffer(key: unknown, window: BoundedWindow, value: unknown): void {
    if (!this.spec.combineFn) {
      (this.state.state(key, window, this.bufferTag) as BagState<unknown>).add(value);
      return;
    }
    try {
      (this.state.state(key, window, this.bufferTag) as CombiningState<unknown, unknown, unknown>).addAccum(value);
    } catch (e) {
      throw userCodeError(this.spec.step, e, { value: kv(key, value) });
    }
  }

  /** The window's garbage-collection timer, at end + allowed lateness (setting it again is a no-op). */
  private setGarbageCollectionTimer(key: unknown, window: BoundedWindow): void {
    this.timers.setTimer(key, window, "gc", "", "EVENT_TIME", this.holds.gcTime(window));
  }

  /** Garbage collection (Beam's `clearAllState`): everything of the window goes, and the key with its last window. */
  private removeWindow(key: unknown, window: BoundedWindow): void {
    this.state.clear(key, window);
    this.timers.deleteTimers(key, window);
    this.active?.remove(key, window);
  }

  /** Moves the output watermark to `min(input watermark, holds, timers in progress)` if that is later. */
  private updateOutputWatermark(firingTimer: Instant = this.timers.inputWatermark): void {
    this.timers.advanceOutputWatermark(Math.min(this.timers.inputWatermark, this.hold(), firingTimer));
  }

  private isExpired(window: BoundedWindow): boolean {
    return this.timers.inputWatermark > window.maxTimestamp() + this.lateness;
  }

  // ---------------------------------------------------------------------------------------------- merging

  /**
   * Merges the states of open windows `sources` into `result` (which may be one of them; Beam's
   * `ReduceFnRunner.OnMergeCallback`); returns whether `result` is open afterwards.
   */
  private mergeWindowStates(key: unknown, sources: BoundedWindow[], result: BoundedWindow): boolean {
    if (this.triggers.isClosed(key, result)) {
      // Beam merges them into the closed window's namespace, where the data is never emitted: dropped.
      for (const s of sources) {
        this.droppedClosedWindow += this.nonEmpty.count(key, s);
        this.removeWindow(key, s);
      }
      return false;
    }
    const wasOpen = this.active!.isActive(key, result);
    if (wasOpen && !sources.some((s) => s.id === result.id)) sources.push(result);
    const mergingTriggers = this.triggers.statesOf(key, sources);
    // Reduce state: concatenate bags, merge accumulators; sum the pane counts.
    try {
      this.state.merge(key, sources, result, [this.bufferTag, this.nonEmpty.tag]);
    } catch (e) {
      throw userCodeError(this.spec.step, e);
    }
    this.holds.onMerge(key, sources, result);
    this.triggers.onMerge(key, result, wasOpen, mergingTriggers);
    this.setGarbageCollectionTimer(key, result);
    // Merged-away windows: their timers and pane history go; the merged window keeps its own.
    for (const s of sources) if (s.id !== result.id) this.removeWindow(key, s);
    return true;
  }

  // ---------------------------------------------------------------------------------------------- snapshots

  snapshot(): RunnerSnapshot {
    return {
      kind: "ReduceFnRunner",
      version: 2,
      droppedLate: this.droppedLate,
      droppedClosedWindow: this.droppedClosedWindow,
      state: this.state.snapshot(),
      timers: this.timers.snapshot(),
      dirty: this.dirty.map(({ key, window }) => [key, encodeWindowData(window, this.windowFn)]),
    };
  }

  /** Rebuilds a driver from {@link ReduceFnRunner.snapshot}. */
  static restore(spec: GroupingSpec, snapshot: unknown): ReduceFnRunner {
    const s = snapshot as RunnerSnapshot;
    if (s?.kind !== "ReduceFnRunner" || s.version !== 2) throw new Error(`internal: not a ReduceFnRunner snapshot for ${spec.step}`);
    const r = new ReduceFnRunner(spec, { state: s.state, timers: s.timers });
    r.droppedLate = s.droppedLate;
    r.droppedClosedWindow = s.droppedClosedWindow;
    for (const [key, w] of s.dirty) {
      // The marks came back with the state.
      r.dirty.push({ key, window: decodeWindowData(w, r.windowFn) });
    }
    return r;
  }
}

function isFrozenObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && Object.isFrozen(v);
}
