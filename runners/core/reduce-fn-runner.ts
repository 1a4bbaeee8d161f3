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
import { paneInfo, type PaneInfo, type PaneTiming } from "../../sdk/model/pane.js";
import { END_OF_GLOBAL_WINDOW, TIMESTAMP_MIN_VALUE, type Instant } from "../../sdk/model/time.js";
import type { WindowFn } from "../../sdk/model/window-fn.js";
import type { Receiver } from "./receiver.js";
import { deepFreeze } from "./immutability.js";
import { userCodeError } from "./user-code-error.js";
import { shuffle } from "./group-also-by-window.js";
import type { GroupingSide, GroupingSpec } from "./grouping-side.js";
import { TriggerRunner } from "./triggers/trigger-runner.js";
import type { MergeContext, TimeDomain, TriggerState } from "./triggers/trigger-state-machine.js";
import { InMemoryTimers, type Timers } from "./state/timer-queue.js";
import { InMemoryHolds, type Holds } from "./state/holds.js";
import { KeyedMap } from "./key-encoding.js";
import { decodeWindowData, encodeWindowData, type WindowData } from "./state/window-codec.js";

/** A key's windows. Lives while the key has any window state; released with its last window. */
interface KeyState {
  readonly key: unknown;
  /** The key's windows by id: open ones (trigger running) and closed ones (waiting for garbage collection). */
  readonly windows: Map<string, WindowState>;
}

/**
 * The state of one key in one window. Created by the first element; released at garbage collection (the input
 * watermark passing end of window + allowed lateness) or when merged into another window.
 */
interface WindowState {
  window: BoundedWindow;
  readonly keyState: KeyState;
  /**
   * The buffered values (no combine). Cleared when a pane fires in DISCARDING mode or the trigger finishes;
   * merging concatenates.
   */
  values: unknown[];
  /** The merged accumulator (lifted combine), valid when `hasAccumulator`. Same lifetime and merging as `values`. */
  accumulator: unknown;
  hasAccumulator: boolean;
  /**
   * Elements added since the last pane (Beam's `NonEmptyPanes`): an empty pane is emitted only where Beam emits
   * one. Cleared when a pane fires; merging sums.
   */
  nonEmpty: number;
  /**
   * The element hold (Beam's `WatermarkHold`): the combined (per timestamp combiner) timestamp of the elements
   * that arrived in time to hold the output watermark. Released when a pane fires; recomputed when windows merge.
   */
  elementHold: Instant | undefined;
  /**
   * The garbage-collection hold (Beam's "extra" hold) at end of window + allowed lateness: placed by elements too
   * late for an element hold (so the late pane is not dropped downstream), after merges, and after a pane under
   * `closingBehavior: FIRE_ALWAYS` (for the final empty pane). Released when a pane fires.
   */
  extraHold: Instant | undefined;
  /** The last pane emitted (Beam's `PaneInfoTracker`); cleared when the trigger closes or the window merges away. */
  lastPane: PaneInfo | undefined;
  /** Trigger state (finished bits and per-node data); see `TriggerState`. */
  trigger: TriggerState;
  /** The trigger finished: the window drops new data and waits for garbage collection. */
  closed: boolean;
  /** Merged away or garbage collected: entries still referring to it in queues are ignored. */
  removed: boolean;
  /** Listed in `dirty`: got elements since the last check whether its trigger should fire. */
  dirty: boolean;
}

/** One window of a {@link RunnerSnapshot}. */
interface WindowSnapshot {
  readonly w: WindowData;
  readonly values: unknown[];
  readonly acc: unknown;
  readonly hasAcc: boolean;
  readonly nonEmpty: number;
  readonly eh: Instant | null;
  readonly xh: Instant | null;
  /** `[isFirst, isLast, timing, index, nonSpeculativeIndex]` of the last pane, or null. */
  readonly pane: [boolean, boolean, PaneTiming, number, number] | null;
  readonly finished: boolean[];
  readonly data: unknown[];
  readonly closed: boolean;
  readonly dirty: boolean;
  /** Pending event-time and processing-time timers. */
  readonly et: Instant[];
  readonly pt: Instant[];
}

/** Snapshot format of {@link ReduceFnRunner}. */
interface RunnerSnapshot {
  readonly kind: "ReduceFnRunner";
  readonly version: 1;
  readonly inputWatermark: Instant;
  readonly outputWatermark: Instant;
  readonly processingTime: Instant;
  readonly droppedLate: number;
  readonly droppedClosedWindow: number;
  readonly keys: [unknown, WindowSnapshot[]][];
}

/** The context trigger state machines run in, re-pointed at one window at a time. */
class WindowContext implements MergeContext {
  window!: BoundedWindow;
  state!: TriggerState;
  ws!: WindowState;
  merging: readonly TriggerState[] = [];

  constructor(private readonly runner: ReduceFnRunner) {}

  get inputWatermark(): Instant {
    return this.runner.currentInputWatermark;
  }
  get processingTime(): Instant {
    return this.runner.currentProcessingTime;
  }
  get isMerging(): boolean {
    return this.runner.isMerging;
  }
  setTimer(domain: TimeDomain, time: Instant): void {
    this.runner.setTimer(this.ws, domain, time);
  }
}

/** The general grouping driver; see the module documentation. */
export class ReduceFnRunner implements GroupingSide {
  private readonly triggers: TriggerRunner;
  private readonly windowFn: WindowFn;
  private readonly lateness: number;
  private readonly discarding: boolean;
  private readonly fireEmptyFinal: boolean;
  private readonly fireEmptyOnTime: boolean;
  /** @internal Whether windows merge (read by trigger contexts). */
  readonly isMerging: boolean;
  private readonly keys = new KeyedMap<KeyState>();
  /** Event-time timers: end-of-window timers from triggers and the garbage-collection timer of every window. */
  private readonly eventTimers: Timers<WindowState> = new InMemoryTimers();
  /** Processing-time timers from `AfterProcessingTime` triggers. */
  private readonly processingTimers: Timers<WindowState> = new InMemoryTimers();
  private readonly holds: Holds<WindowState> = new InMemoryHolds();
  /** Windows that got elements since the last firing check, in arrival order. */
  private dirty: WindowState[] = [];
  private inputWatermark: Instant = TIMESTAMP_MIN_VALUE;
  /** The output watermark as the runner computes it: monotone `min(input watermark, hold)`. */
  private outputWatermark: Instant = TIMESTAMP_MIN_VALUE;
  private processingTime: Instant = TIMESTAMP_MIN_VALUE;
  private readonly ctx = new WindowContext(this);
  droppedLate = 0;
  droppedClosedWindow = 0;

  constructor(private readonly spec: GroupingSpec) {
    const w = spec.windowing;
    this.triggers = new TriggerRunner(w.trigger);
    this.windowFn = w.windowFn;
    this.isMerging = w.windowFn.isMerging === true;
    this.lateness = w.allowedLateness;
    this.discarding = w.accumulationMode === "DISCARDING";
    this.fireEmptyFinal = w.closingBehavior === "FIRE_ALWAYS";
    this.fireEmptyOnTime = w.onTimeBehavior !== "FIRE_IF_NON_EMPTY";
  }

  /** @internal */
  get currentInputWatermark(): Instant {
    return this.inputWatermark;
  }
  /** @internal */
  get currentProcessingTime(): Instant {
    return this.processingTime;
  }

  add(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void {
    // Beam's LateDataDroppingDoFnRunner: judged on the element's own window, before any merging.
    if (window.maxTimestamp() + this.lateness < this.inputWatermark) {
      this.droppedLate++;
      return;
    }
    let ks = this.keys.get(key);
    if (!ks) this.keys.set(key, (ks = { key, windows: new Map() }));
    const target = this.isMerging ? this.mergeNewWindow(ks, window) : window;
    let ws = ks.windows.get(target.id);
    if (ws?.closed) {
      this.droppedClosedWindow++;
      if (ks.windows.size === 0) this.keys.delete(key);
      return;
    }
    if (!ws) ks.windows.set(target.id, (ws = this.newWindowState(ks, target)));
    ws.nonEmpty++;
    this.eventTimers.set(ws, this.gcTime(ws.window));
    this.addHolds(ws, timestamp);
    this.buffer(ws, value);
    this.triggers.onElement(this.context(ws), timestamp);
    if (!ws.dirty) {
      ws.dirty = true;
      this.dirty.push(ws);
    }
  }

  advanceInputWatermark(watermark: Instant, out: Receiver): number {
    let emitted = this.fireDirty(out);
    if (watermark > this.inputWatermark) this.inputWatermark = watermark;
    for (;;) {
      const next = this.eventTimers.next();
      if (next === undefined || !(next < this.inputWatermark)) break;
      // Timers being fired hold the output watermark (Beam's direct runner counts fired, uncompleted timers in
      // it), so a window firing as the watermark passes its end sees the output watermark not yet past it: the
      // pane is ON_TIME even when the window holds nothing else (e.g. everything went out in an EARLY pane).
      this.updateOutputWatermark(next);
      const owners = this.eventTimers.popBefore(this.inputWatermark);
      if (this.spec.random) shuffle(owners, this.spec.random);
      for (const ws of owners) if (!ws.removed) emitted += this.onEventTimer(ws, out);
    }
    this.updateOutputWatermark();
    return emitted;
  }

  advanceProcessingTime(now: Instant, out: Receiver): number {
    let emitted = this.fireDirty(out);
    if (now > this.processingTime) this.processingTime = now;
    for (;;) {
      const owners = this.processingTimers.popBefore(this.processingTime);
      if (owners.length === 0) break;
      if (this.spec.random) shuffle(owners, this.spec.random);
      for (const ws of owners) {
        // Beam: processing-time timers of expired windows are ignored, like late elements; GC is event time's.
        if (ws.removed || ws.closed || this.isExpired(ws.window)) continue;
        if (this.shouldFire(ws)) emitted += this.emit(ws, out);
      }
    }
    this.updateOutputWatermark();
    return emitted;
  }

  nextProcessingTimer(): Instant | undefined {
    return this.processingTimers.next();
  }

  hold(): Instant {
    return this.holds.min();
  }

  get hasPending(): boolean {
    return this.keys.size > 0;
  }

  /** @internal Sets a trigger's timer for a window. */
  setTimer(ws: WindowState, domain: TimeDomain, time: Instant): void {
    (domain === "EVENT_TIME" ? this.eventTimers : this.processingTimers).set(ws, time);
  }

  // ---------------------------------------------------------------------------------------------- firing

  /** Fires the windows that got elements and whose trigger is now ready. */
  private fireDirty(out: Receiver): number {
    let emitted = 0;
    while (this.dirty.length > 0) {
      const windows = this.dirty;
      this.dirty = [];
      if (this.spec.random) shuffle(windows, this.spec.random);
      for (const ws of windows) {
        ws.dirty = false;
        if (!ws.removed && !ws.closed && this.shouldFire(ws)) emitted += this.emit(ws, out);
      }
    }
    return emitted;
  }

  /**
   * A window's event-time timer fired. What happens depends on the window's state, not on which timer it was
   * (Beam's `WindowActivation`), so a watermark jump past both its end and its garbage collection time emits one
   * final ON_TIME pane rather than two.
   */
  private onEventTimer(ws: WindowState, out: Receiver): number {
    if (this.inputWatermark > this.gcTime(ws.window)) {
      // The final pane: ON_TIME if the watermark passed the end of the window in this same step and no ON_TIME
      // pane fired yet (describePane decides), else LATE.
      const emitted = ws.closed ? 0 : this.onTrigger(ws, true, out);
      this.removeWindow(ws);
      return emitted;
    }
    return !ws.closed && this.shouldFire(ws) ? this.emit(ws, out) : 0;
  }

  private shouldFire(ws: WindowState): boolean {
    return this.triggers.shouldFire(this.context(ws));
  }

  /** The trigger fired: tell it, emit the pane, discard what the mode says, close the window if it finished. */
  private emit(ws: WindowState, out: Receiver): number {
    const ctx = this.context(ws);
    this.triggers.onFire(ctx);
    const isFinished = this.triggers.isClosed(ws.trigger);
    const emitted = this.onTrigger(ws, isFinished, out);
    ws.nonEmpty = 0;
    if (isFinished || this.discarding) this.clearBuffer(ws);
    if (isFinished) {
      this.triggers.clearState(this.context(ws));
      ws.lastPane = undefined;
      ws.closed = true;
      // Its processing-time timers could only fire and be ignored now.
      this.processingTimers.deleteAll(ws);
    }
    return emitted;
  }

  /**
   * Emits the window's pane if Beam would (Beam's `ReduceFnRunner.onTrigger`): releases the holds, computes the
   * output timestamp and the `PaneInfo`, and skips empty panes unless they are the ON_TIME pane (on-time
   * behaviour `FIRE_ALWAYS`) or the final one (closing behaviour `FIRE_ALWAYS`).
   */
  private onTrigger(ws: WindowState, isFinished: boolean, out: Receiver): number {
    // WatermarkHold.extractAndRelease: the output timestamp is the earliest hold, or the end of the window when
    // there is none or it is the garbage-collection hold.
    const end = ws.window.maxTimestamp();
    let timestamp = minDefined(ws.elementHold, ws.extraHold);
    if (timestamp === undefined || timestamp > end) timestamp = end;
    ws.elementHold = undefined;
    ws.extraHold = undefined;
    if (!isFinished) this.addGarbageCollectionHold(ws, true);
    this.updateHold(ws);

    const isEmpty = ws.nonEmpty === 0;
    if (isEmpty && !this.fireEmptyFinal && !this.fireEmptyOnTime) return 0;
    const pane = this.describePane(ws, isFinished);
    const emit = !isEmpty || (pane.timing === "ON_TIME" && this.fireEmptyOnTime) || (isFinished && this.fireEmptyFinal);
    if (!emit) return 0;
    if (!isFinished) ws.lastPane = pane;
    const keep = !isFinished && !this.discarding;
    out.receive(this.output(ws, keep), timestamp, ws.window, pane);
    return 1;
  }

  /** Beam's `PaneInfoTracker.describePane`. */
  private describePane(ws: WindowState, isLast: boolean): PaneInfo {
    const prev = ws.lastPane;
    const isFirst = prev === undefined;
    const index = isFirst ? 0 : prev.index + 1;
    let nonSpeculativeIndex = isFirst ? 0 : prev.nonSpeculativeIndex + 1;
    const end = ws.window.maxTimestamp();
    // No timestamp in the window can be on time downstream any more: the output watermark passed its end.
    const isLateForOutput = end < this.outputWatermark;
    // Once a non-EARLY pane fired, every later pane is LATE, whatever the watermark says.
    const onlyEarlySoFar = prev === undefined || prev.timing === "EARLY";
    const isEarlyForInput = !(this.inputWatermark > end);
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

  /** The emitted `KV<key, values | output>`; `keep`: the buffer stays for later panes, so hand out a copy. */
  private output(ws: WindowState, keep: boolean): unknown {
    const key = ws.keyState.key;
    const combineFn = this.spec.combineFn;
    let value: unknown;
    if (combineFn) {
      try {
        const acc = ws.hasAccumulator ? ws.accumulator : combineFn.createAccumulator();
        value = combineFn.extractOutput(acc);
      } catch (e) {
        throw userCodeError(this.spec.step, e, { value: kv(key, ws.accumulator) });
      }
    } else {
      const values = keep ? ws.values.slice() : ws.values;
      if (this.spec.random) shuffle(values, this.spec.random);
      value = values;
    }
    const group = kv(key, value);
    if (!this.spec.freeze) return group;
    deepFreeze(group);
    if (keep && combineFn && ws.hasAccumulator && isFrozenObject(ws.accumulator)) {
      // extractOutput returned (part of) the accumulator and it was frozen with the output: continue from a copy.
      ws.accumulator = this.thawedAccumulator(ws.accumulator);
    }
    return group;
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

  private newWindowState(keyState: KeyState, window: BoundedWindow): WindowState {
    return {
      window,
      keyState,
      values: [],
      accumulator: undefined,
      hasAccumulator: false,
      nonEmpty: 0,
      elementHold: undefined,
      extraHold: undefined,
      lastPane: undefined,
      trigger: this.triggers.newState(),
      closed: false,
      removed: false,
      dirty: false,
    };
  }

  private buffer(ws: WindowState, value: unknown): void {
    const combineFn = this.spec.combineFn;
    if (!combineFn) {
      ws.values.push(value);
    } else if (!ws.hasAccumulator) {
      ws.accumulator = value;
      ws.hasAccumulator = true;
    } else {
      try {
        ws.accumulator = combineFn.mergeAccumulators([ws.accumulator, value]);
      } catch (e) {
        throw userCodeError(this.spec.step, e, { value: kv(ws.keyState.key, value) });
      }
    }
  }

  private clearBuffer(ws: WindowState): void {
    ws.values = [];
    ws.accumulator = undefined;
    ws.hasAccumulator = false;
  }

  /** Garbage collection: releases everything of the window (Beam's `clearAllState`), and the key with its last window. */
  private removeWindow(ws: WindowState): void {
    ws.removed = true;
    const ks = ws.keyState;
    if (ks.windows.get(ws.window.id) === ws) ks.windows.delete(ws.window.id);
    if (ks.windows.size === 0) this.keys.delete(ks.key);
    this.eventTimers.deleteAll(ws);
    this.processingTimers.deleteAll(ws);
    this.holds.set(ws, undefined);
  }

  /** Points the shared trigger context at a window. */
  private context(ws: WindowState, merging: readonly TriggerState[] = []): WindowContext {
    const c = this.ctx;
    c.ws = ws;
    c.window = ws.window;
    c.state = ws.trigger;
    c.merging = merging;
    return c;
  }

  // ---------------------------------------------------------------------------------------------- holds

  /**
   * Beam's `WatermarkHold.addHolds`: an element holds the output watermark at its (combined) timestamp if it can
   * (it is not behind the output watermark and its window has not ended); otherwise the window gets a
   * garbage-collection hold, so its late pane is not dropped downstream.
   */
  private addHolds(ws: WindowState, timestamp: Instant): void {
    if (!this.addElementHold(ws, timestamp)) this.addGarbageCollectionHold(ws, false);
    this.updateHold(ws);
  }

  private addElementHold(ws: WindowState, timestamp: Instant): boolean {
    const combiner = this.spec.windowing.timestampCombiner;
    const end = ws.window.maxTimestamp();
    const hold = combiner === "END_OF_WINDOW" ? end : timestamp;
    if (hold < this.outputWatermark || end < this.inputWatermark) return false;
    if (ws.elementHold === undefined) ws.elementHold = hold;
    else if (combiner === "LATEST") ws.elementHold = Math.max(ws.elementHold, hold);
    else ws.elementHold = Math.min(ws.elementHold, hold);
    return true;
  }

  private addGarbageCollectionHold(ws: WindowState, paneIsEmpty: boolean): void {
    const gc = this.gcTime(ws.window);
    if (gc < this.inputWatermark) return;
    if (paneIsEmpty && !this.fireEmptyFinal) return;
    ws.extraHold = ws.extraHold === undefined ? gc : Math.min(ws.extraHold, gc);
  }

  private updateHold(ws: WindowState): void {
    this.holds.set(ws, minDefined(ws.elementHold, ws.extraHold));
  }

  /** Moves the output watermark to `min(input watermark, holds, timers in progress)` if that is later. */
  private updateOutputWatermark(firingTimer: Instant = this.inputWatermark): void {
    const candidate = Math.min(this.inputWatermark, this.holds.min(), firingTimer);
    if (candidate > this.outputWatermark) this.outputWatermark = candidate;
  }

  /** End of window plus allowed lateness, capped at the end of the global window (Beam's `LateDataUtils`). */
  private gcTime(window: BoundedWindow): Instant {
    const end = window.maxTimestamp();
    return END_OF_GLOBAL_WINDOW - this.lateness < end ? END_OF_GLOBAL_WINDOW : end + this.lateness;
  }

  private isExpired(window: BoundedWindow): boolean {
    return this.inputWatermark > window.maxTimestamp() + this.lateness;
  }

  // ---------------------------------------------------------------------------------------------- merging

  /**
   * Merges a new element's window with the key's open windows (Beam's `MergingActiveWindowSet.merge` and
   * `ReduceFnRunner.OnMergeCallback`); returns the window the element goes to. Closed windows do not take part:
   * an element whose window overlaps a closed session starts a new one, unless its window is the closed one itself.
   */
  private mergeNewWindow(ks: KeyState, window: BoundedWindow): BoundedWindow {
    const existing = ks.windows.get(window.id);
    if (existing && !existing.closed) return window; // already open: nothing new to merge
    const open = [...ks.windows.values()].filter((ws) => !ws.closed);
    if (open.length === 0) return window;
    let merges;
    try {
      merges = this.windowFn.mergeWindows!([...open.map((ws) => ws.window), window]);
    } catch (e) {
      throw userCodeError(this.spec.step, e);
    }
    const byId = new Map(open.map((ws) => [ws.window.id, ws]));
    let target = window;
    const seen = new Set<string>();
    for (const m of merges) {
      const ids = new Set(m.merged.map((w) => w.id));
      if (ids.size < 2) continue;
      for (const id of ids) {
        if (seen.has(id) || (!byId.has(id) && id !== window.id)) {
          throw new Error(`${this.spec.step}: ${this.windowFn.description}.mergeWindows returned window ${id} that it was not given, or in two merges`);
        }
        seen.add(id);
      }
      if (ids.has(window.id)) target = m.result;
      this.mergeWindowStates(ks, [...ids].flatMap((id) => byId.get(id) ?? []), m.result);
    }
    return target;
  }

  /** Merges the states of open windows into `result` (which may be one of them). */
  private mergeWindowStates(ks: KeyState, sources: WindowState[], result: BoundedWindow): void {
    const existing = ks.windows.get(result.id);
    if (existing?.closed) {
      // Beam merges them into the closed window's namespace, where the data is never emitted: dropped.
      for (const s of sources) {
        this.droppedClosedWindow += s.nonEmpty;
        this.removeWindow(s);
      }
      return;
    }
    if (existing && !sources.includes(existing)) sources.push(existing);
    const target = existing ?? this.newWindowState(ks, result);
    const mergingTriggers = sources.map((s) => s.trigger);
    const combineFn = this.spec.combineFn;

    // Reduce state: concatenate bags, merge accumulators.
    for (const s of sources) {
      if (s === target) continue;
      if (!combineFn) {
        for (const v of s.values) target.values.push(v);
      } else if (s.hasAccumulator) {
        if (!target.hasAccumulator) {
          target.accumulator = s.accumulator;
          target.hasAccumulator = true;
        } else {
          try {
            target.accumulator = combineFn.mergeAccumulators([target.accumulator, s.accumulator]);
          } catch (e) {
            throw userCodeError(this.spec.step, e);
          }
        }
      }
    }
    target.nonEmpty = sources.reduce((n, s) => n + s.nonEmpty, 0);

    // Holds (WatermarkHold.onMerge): END_OF_WINDOW re-derives the hold from the merged window; EARLIEST/LATEST
    // combine the element holds. Every merge then places a garbage-collection hold.
    const elementHolds = sources.flatMap((s) => (s.elementHold === undefined ? [] : [s.elementHold]));
    target.elementHold = undefined;
    target.extraHold = undefined;
    target.window = result;
    if (this.spec.windowing.timestampCombiner === "END_OF_WINDOW") {
      this.addElementHold(target, TIMESTAMP_MIN_VALUE);
    } else if (elementHolds.length > 0) {
      target.elementHold = this.spec.windowing.timestampCombiner === "LATEST" ? Math.max(...elementHolds) : Math.min(...elementHolds);
    }
    this.addGarbageCollectionHold(target, false);

    // Trigger state: the result starts from its own state (if it was open) and each node merges the rest.
    target.trigger = existing ? this.triggers.copyState(existing.trigger) : this.triggers.newState();
    this.triggers.onMerge(this.context(target, mergingTriggers));

    // Merged-away windows: their timers and pane history go; the merged window keeps its own.
    ks.windows.set(result.id, target);
    for (const s of sources) if (s !== target) this.removeWindow(s);
    this.updateHold(target);
  }

  // ---------------------------------------------------------------------------------------------- snapshots

  snapshot(): RunnerSnapshot {
    const keys: [unknown, WindowSnapshot[]][] = [];
    for (const ks of this.keys.values()) {
      keys.push([
        ks.key,
        [...ks.windows.values()].map((ws) => ({
          w: encodeWindowData(ws.window, this.windowFn),
          values: ws.values,
          acc: ws.hasAccumulator ? ws.accumulator : null,
          hasAcc: ws.hasAccumulator,
          nonEmpty: ws.nonEmpty,
          eh: ws.elementHold ?? null,
          xh: ws.extraHold ?? null,
          pane: ws.lastPane ? [ws.lastPane.isFirst, ws.lastPane.isLast, ws.lastPane.timing, ws.lastPane.index, ws.lastPane.nonSpeculativeIndex] : null,
          finished: [...ws.trigger.finished],
          data: [...ws.trigger.data],
          closed: ws.closed,
          dirty: ws.dirty,
          et: this.eventTimers.timesOf(ws),
          pt: this.processingTimers.timesOf(ws),
        })),
      ]);
    }
    return {
      kind: "ReduceFnRunner",
      version: 1,
      inputWatermark: this.inputWatermark,
      outputWatermark: this.outputWatermark,
      processingTime: this.processingTime,
      droppedLate: this.droppedLate,
      droppedClosedWindow: this.droppedClosedWindow,
      keys,
    };
  }

  /** Rebuilds a driver from {@link ReduceFnRunner.snapshot}. */
  static restore(spec: GroupingSpec, snapshot: unknown): ReduceFnRunner {
    const s = snapshot as RunnerSnapshot;
    if (s?.kind !== "ReduceFnRunner" || s.version !== 1) throw new Error(`internal: not a ReduceFnRunner snapshot for ${spec.step}`);
    const r = new ReduceFnRunner(spec);
    r.inputWatermark = s.inputWatermark;
    r.outputWatermark = s.outputWatermark;
    r.processingTime = s.processingTime;
    r.droppedLate = s.droppedLate;
    r.droppedClosedWindow = s.droppedClosedWindow;
    for (const [key, windows] of s.keys) {
      const ks: KeyState = { key, windows: new Map() };
      r.keys.set(key, ks);
      for (const w of windows) {
        const window = decodeWindowData(w.w, r.windowFn);
        const ws: WindowState = {
          window,
          keyState: ks,
          values: w.values ?? [],
          accumulator: w.hasAcc ? w.acc : undefined,
          hasAccumulator: w.hasAcc,
          nonEmpty: w.nonEmpty,
          elementHold: w.eh ?? undefined,
          extraHold: w.xh ?? undefined,
          lastPane: w.pane
            ? paneInfo({ isFirst: w.pane[0], isLast: w.pane[1], timing: w.pane[2], index: w.pane[3], nonSpeculativeIndex: w.pane[4] })
            : undefined,
          trigger: r.triggers.copyState({ finished: w.finished, data: w.data }),
          closed: w.closed,
          removed: false,
          dirty: w.dirty,
        };
        ks.windows.set(window.id, ws);
        for (const t of w.et) r.eventTimers.set(ws, t);
        for (const t of w.pt) r.processingTimers.set(ws, t);
        r.updateHold(ws);
        if (ws.dirty) r.dirty.push(ws);
      }
    }
    return r;
  }
}

function minDefined(a: Instant | undefined, b: Instant | undefined): Instant | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

function isFrozenObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && Object.isFrozen(v);
}
