/**
 * The key-group side of a stateful ParDo (Beam's `StatefulDoFnRunner` with `SimpleDoFnRunner`'s state and timer
 * parameters): fusion keys a stateful ParDo's input like a GroupByKey's, and this side stands where a GroupByKey's
 * grouping side stands, driven by the engine in the same sequence (`runGroupWork`: processing time, arrival
 * watermark, records, input watermark), checkpointed with `snapshot()` and restored on another worker.
 *
 * ```
 *   records ──add(key, window, ts, value)──► process(kv, ctx)  ── ctx.state ──► StateInternals (key, window, id)
 *                                             │                └─ ctx.timers ─► TimerInternals (key, window, id, tag)
 *   processing time ──advanceProcessingTime──► processing-time timers due ──► onTimer.<id>(ctx)
 *   input watermark ──advanceInputWatermark──► event-time timers due, in time order ──► onTimer.<id>(ctx)
 *                                              garbage-collection timer of (key, window) ──► onWindowExpiration,
 *                                              then every cell and timer of (key, window) is cleared
 *   hold() = earliest output timestamp of a pending timer
 * ```
 *
 * State and timers (all in the two stores, so a snapshot is the two stores' snapshots):
 * - User cells: one tag per declared state id, in the namespace of the element's window, per key. Lifetime: from
 *   the first write until the window's garbage collection (or `clear()`). Never merged: merging windows are
 *   refused when the ParDo is applied.
 * - User timers: family = the declared timer id, id = the tag within a family (`""` for a plain timer), in the
 *   window's namespace. Output timestamp: as given, else the firing time (event time) or the timestamp of the
 *   element or timer that set it (processing time), as in Beam's `SimpleDoFnRunner`, or none (`noOutputTimestamp`:
 *   it holds nothing and its callback may not output); it holds the output
 *   watermark while the timer is pending. Deleted at the window's garbage collection, so none fires after it.
 * - The garbage-collection timer: family {@link GC_FAMILY}, one per (key, window) that received an element, an
 *   event-time timer at the window's expiry (`maxTimestamp() + allowedLateness`), so it fires once the input
 *   watermark is after the expiry, in time order with the user's event-time timers (a user timer at the expiry
 *   itself fires first: setting one re-sets the GC timer after it). When the DoFn has `onWindowExpiration` it
 *   holds the output watermark at `window.maxTimestamp()`, the timestamp of what `onWindowExpiration` emits.
 *
 * Elements of an expired window are dropped and counted in {@link StatefulDoFnSide.droppedLate}.
 * @module
 */
import type { BoundedWindow } from "../../sdk/model/window.js";
import { formatInstant, isValidTimestamp, TIMESTAMP_MAX_VALUE, type Instant } from "../../sdk/model/time.js";
import { NO_FIRING } from "../../sdk/model/pane.js";
import { kv } from "../../sdk/model/kv.js";
import { metricsEnvironment, type MetricsContainer } from "../../sdk/metrics.js";
import type { ParDoNode } from "../../sdk/graph.js";
import type { OutputOptions } from "../../sdk/model/dofn.js";
import type { CombineFn } from "../../sdk/model/combine-fn.js";
import type { StateSpec, TimeDomain, TimerFamilySpec, TimerOptions, TimerSpec } from "../../sdk/model/state.js";
import type { WindowFn } from "../../sdk/model/window-fn.js";
import { PROCESS_RETURNED_PROMISE } from "../../sdk/internal/sync-process.js";
import type { GroupingSide, GroupingSpec } from "./grouping-side.js";
import type { Receiver } from "./receiver.js";
import { userCodeError } from "./user-code-error.js";
import { isThenable } from "./liveness.js";
import { Scan, scanValue, whyNotEncodable } from "./encodability.js";
import { InMemoryStateInternals } from "./state/in-memory-state-internals.js";
import { InMemoryTimerInternals, type TimerData, type TimerSnapshot } from "./state/timer-internals.js";
import { checkOutputTimestamp } from "./operators/par-do-operator.js";
import { StateTags, type StateTag } from "./state/state-tags.js";
import type { StateSnapshot } from "./state/state-internals.js";

/**
 * The root output of a stateful ParDo's stage, as the stage executor provides it: the main output (as a
 * receiver), the tagged outputs and the step's metrics. A plain receiver (a replay's) discards tagged outputs.
 */
export interface StatefulRootOutput extends Receiver {
  /** The receiver of a tagged output; throws for an undeclared tag. */
  tagged(tag: string): Receiver;
  /** The step's metrics container, current while user code runs. */
  readonly metrics: MetricsContainer;
}

/** The timer family of the garbage-collection timers (no user timer id starts with a NUL). */
export const GC_FAMILY = "\u0000gc";

/** The DoFn as this side calls it. */
interface StatefulShape {
  readonly state?: Readonly<Record<string, StateSpec>>;
  readonly timers?: Readonly<Record<string, TimerSpec | TimerFamilySpec>>;
  process(element: unknown, ctx: unknown): unknown;
  readonly onTimer?: Readonly<Record<string, (ctx: unknown) => unknown>>;
  onWindowExpiration?(ctx: unknown): unknown;
  readonly allowedTimestampSkew?: number;
}

/** What the current callback is: which context methods it may use. */
const enum Phase {
  Idle,
  Process,
  Timer,
  Expiration,
}

/** Receives nothing (replays) and counts nothing. */
const DISCARD: Receiver = { receive(): void {} };
const NO_METRICS: MetricsContainer = { incCounter() {}, updateDistribution() {}, setGauge() {} };

interface SideSnapshot {
  readonly kind: "StatefulDoFnSide";
  readonly v: 1;
  readonly droppedLate: number;
  readonly state: StateSnapshot;
  readonly timers: TimerSnapshot;
}

/** See the module documentation. */
export class StatefulDoFnSide implements GroupingSide {
  droppedLate = 0;
  readonly droppedClosedWindow = 0;
  private readonly step: string;
  private readonly doFn: StatefulShape;
  private readonly windowFn: WindowFn;
  private readonly lateness: number;
  private readonly skew: number;
  private readonly tags: StateTag[];
  private readonly timerSpecs: ReadonlyMap<string, TimerSpec | TimerFamilySpec>;
  private readonly state: InMemoryStateInternals;
  private readonly timers: InMemoryTimerInternals;
  // The current callback: what its context reads. Set before every call into user code.
  private out: Receiver = DISCARD;
  private phase = Phase.Idle;
  private key: unknown = undefined;
  private window: BoundedWindow | undefined;
  /** The element's timestamp, or the firing timer's output timestamp (outputs default to it; skew counts from it). */
  private timestamp: Instant = 0;
  private fireTimestamp: Instant = 0;
  private timeDomain: TimeDomain = "EVENT_TIME";
  private timerTag = "";
  /** Whether the firing timer was set with `noOutputTimestamp` (its callback may not output). */
  private noOutput = false;
  private firingFamily = "";
  private emitted = 0;
  private readonly stateAccessors: Record<string, unknown> = {};
  private readonly timerAccessors: Record<string, unknown> = {};
  private readonly processCtx: object;
  private readonly timerCtx: object;
  private readonly expirationCtx: object;

  constructor(spec: GroupingSpec, restored?: SideSnapshot) {
    const node = spec.stateful as ParDoNode;
    this.step = spec.step;
    this.doFn = node.doFn as unknown as StatefulShape;
    this.windowFn = spec.windowing.windowFn;
    this.lateness = spec.windowing.allowedLateness;
    this.skew = this.doFn.allowedTimestampSkew ?? 0;
    this.tags = Object.entries(this.doFn.state ?? {}).map(([id, s]) => tagOf(id, s));
    this.timerSpecs = new Map(Object.entries(this.doFn.timers ?? {}));
    this.state = restored
      ? InMemoryStateInternals.restore(restored.state, { step: this.step, windowFn: this.windowFn, tags: this.tags })
      : new InMemoryStateInternals({ step: this.step, windowFn: this.windowFn });
    this.timers = restored ? InMemoryTimerInternals.restore(restored.timers, this.windowFn) : new InMemoryTimerInternals(this.windowFn);
    if (restored) this.droppedLate = restored.droppedLate;
    for (const tag of this.tags) this.stateAccessors[tag.id] = this.cellAccessor(tag);
    for (const [id, s] of this.timerSpecs) {
      this.timerAccessors[id] = s.kind === "timer" ? this.timerAccessor(id, "", s.domain) : { get: (tag: string) => this.timerAccessor(id, checkTag(tag), s.domain) };
    }
    this.processCtx = this.makeProcessContext();
    this.timerCtx = this.makeTimerContext();
    this.expirationCtx = this.makeExpirationContext();
  }

  /** A side with the state of `snapshot` (from {@link StatefulDoFnSide.snapshot} of a side with the same spec). */
  static restore(spec: GroupingSpec, snapshot: unknown): StatefulDoFnSide {
    const s = snapshot as SideSnapshot;
    if (s?.kind !== "StatefulDoFnSide" || s.v !== 1) throw new Error(`internal: not a stateful DoFn snapshot for ${spec.step}`);
    return new StatefulDoFnSide(spec, s);
  }

  // ---- GroupingSide ----

  /**
   * Processes one element (emitting to the receiver of the last advance call: `runGroupWork` advances processing
   * time first). Elements of an expired window are dropped.
   */
  add(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void {
    const expiry = this.expiry(window);
    if (expiry < this.timers.inputWatermark) {
      this.droppedLate++;
      return;
    }
    this.setGcTimer(key, window, expiry);
    this.key = key;
    this.window = window;
    this.timestamp = timestamp;
    const element = kv(key, value);
    this.invoke(Phase.Process, () => this.doFn.process(element, this.processCtx), element);
  }

  advanceInputWatermark(watermark: Instant, out: Receiver): number {
    this.out = out;
    this.emitted = 0;
    this.timers.advanceInputWatermark(watermark);
    for (let t = this.timers.popEligible("EVENT_TIME", this.timers.inputWatermark); t; t = this.timers.popEligible("EVENT_TIME", this.timers.inputWatermark)) {
      if (t.family === GC_FAMILY) this.expire(t.key, t.namespace as BoundedWindow);
      else this.fire(t);
    }
    return this.emitted;
  }

  advanceProcessingTime(now: Instant, out: Receiver): number {
    this.out = out;
    this.emitted = 0;
    this.timers.advanceProcessingTime(now);
    const clock = this.timers.processingTime; // never moves back
    for (let t = this.timers.popEligible("PROCESSING_TIME", clock); t; t = this.timers.popEligible("PROCESSING_TIME", clock)) {
      // Timers of an expired window were deleted with it; a timer is never fired after its window expired.
      if (this.expiry(t.namespace as BoundedWindow) < this.timers.inputWatermark) continue;
      this.fire(t);
    }
    return this.emitted;
  }

  nextProcessingTimer(): Instant | undefined {
    return this.timers.nextFiringTime("PROCESSING_TIME");
  }

  hold(): Instant {
    return this.timers.minimumOutputTimestamp();
  }

  get hasPending(): boolean {
    return !this.timers.isEmpty || !this.state.isEmpty;
  }

  snapshot(): SideSnapshot {
    return { kind: "StatefulDoFnSide", v: 1, droppedLate: this.droppedLate, state: this.state.snapshot(), timers: this.timers.snapshot() };
  }

  // ---- firing ----

  private fire(t: TimerData): void {
    const callback = this.doFn.onTimer?.[t.family];
    if (!callback) throw new Error(`internal: ${this.step}: a timer of family '${t.family}' has no callback`);
    this.key = t.key;
    this.window = t.namespace as BoundedWindow;
    this.timestamp = t.outputTimestamp ?? t.firingTime;
    this.noOutput = t.outputTimestamp === undefined;
    this.fireTimestamp = t.firingTime;
    this.timeDomain = t.domain;
    this.timerTag = t.id;
    this.firingFamily = t.family;
    this.invoke(Phase.Timer, () => callback.call(this.doFn.onTimer, this.timerCtx), { timer: t.id ? `${t.family}[${t.id}]` : t.family, key: t.key });
  }

  /** The window's garbage collection for one key: `onWindowExpiration`, then every cell and timer goes. */
  private expire(key: unknown, window: BoundedWindow): void {
    if (this.doFn.onWindowExpiration) {
      this.key = key;
      this.window = window;
      this.timestamp = window.maxTimestamp();
      this.invoke(Phase.Expiration, () => this.doFn.onWindowExpiration!(this.expirationCtx), { onWindowExpiration: window.toString?.() ?? window, key });
    }
    this.state.clear(key, window);
    this.timers.deleteTimers(key, window);
  }

  private expiry(window: BoundedWindow): Instant {
    return Math.min(window.maxTimestamp() + this.lateness, TIMESTAMP_MAX_VALUE);
  }

  private setGcTimer(key: unknown, window: BoundedWindow, expiry: Instant): void {
    this.timers.setTimer(key, window, GC_FAMILY, "", "EVENT_TIME", expiry, this.doFn.onWindowExpiration ? window.maxTimestamp() : undefined);
  }

  /** Calls user code with the step's metrics current, attributing what it throws to the step. */
  private invoke(phase: Phase, call: () => unknown, value: unknown): void {
    const previous = metricsEnvironment.current;
    metricsEnvironment.current = this.metrics();
    this.phase = phase;
    try {
      const returned = call();
      if (returned !== undefined && isThenable(returned)) {
        returned.then(undefined, () => undefined);
        throw new TypeError(phase === Phase.Process ? PROCESS_RETURNED_PROMISE : `a timer or window-expiration callback returned a Promise: it must be synchronous`);
      }
    } catch (e) {
      throw userCodeError(this.step, e, { value });
    } finally {
      this.phase = Phase.Idle;
      metricsEnvironment.current = previous;
    }
  }

  private metrics(): MetricsContainer {
    return (this.out as Partial<StatefulRootOutput>).metrics ?? NO_METRICS;
  }

  // ---- the contexts ----

  private emit(tag: string | undefined, value: unknown, timestamp: Instant): void {
    if (this.phase === Phase.Idle) throw new Error("output outside of process, a timer callback or onWindowExpiration");
    if (this.phase === Phase.Timer && this.noOutput) {
      throw new Error(`timer '${this.firingTimerId()}' was set with noOutputTimestamp: its callback cannot output`);
    }
    const out = this.out as Partial<StatefulRootOutput> & Receiver;
    const to = tag === undefined ? out : out.tagged ? out.tagged(tag) : DISCARD;
    this.emitted++;
    const metrics = metricsEnvironment.current;
    to.receive(value, timestamp, this.window!, NO_FIRING);
    metricsEnvironment.current = metrics; // downstream steps set their own container
  }

  private firingTimerId(): string {
    return this.timerTag ? `${this.firingFamily}[${this.timerTag}]` : this.firingFamily;
  }

  private emitWithTimestamp(value: unknown, timestamp: Instant): void {
    checkOutputTimestamp(this.timestamp, timestamp, this.skew);
    this.emit(undefined, value, timestamp);
  }

  /** `outputTo` in process and timer callbacks: at the current timestamp, or at `options.timestamp` if valid. */
  private emitTagged(tag: string, value: unknown, options: OutputOptions | undefined): void {
    const timestamp = options?.timestamp;
    if (timestamp === undefined) return this.emit(tag, value, this.timestamp);
    checkOutputTimestamp(this.timestamp, timestamp, this.skew, `outputTo('${tag}')`);
    this.emit(tag, value, timestamp);
  }

  private makeProcessContext(): object {
    const side = this;
    return {
      get key() {
        return side.key;
      },
      get window() {
        return side.window;
      },
      get timestamp() {
        return side.timestamp;
      },
      pane: NO_FIRING,
      state: this.stateAccessors,
      timers: this.timerAccessors,
      output: (value: unknown) => side.emit(undefined, value, side.timestamp),
      outputWithTimestamp: (value: unknown, timestamp: Instant) => side.emitWithTimestamp(value, timestamp),
      outputTo: (tag: string, value: unknown, options?: OutputOptions) => side.emitTagged(tag, value, options),
      sideInput: () => {
        throw new Error("a stateful DoFn has no side inputs");
      },
    };
  }

  private makeTimerContext(): object {
    const side = this;
    return {
      get key() {
        return side.key;
      },
      get window() {
        return side.window;
      },
      get timestamp() {
        return side.timestamp;
      },
      get fireTimestamp() {
        return side.fireTimestamp;
      },
      get timeDomain() {
        return side.timeDomain;
      },
      get timerTag() {
        return side.timerTag;
      },
      state: this.stateAccessors,
      timers: this.timerAccessors,
      output: (value: unknown) => side.emit(undefined, value, side.timestamp),
      outputWithTimestamp: (value: unknown, timestamp: Instant) => side.emitWithTimestamp(value, timestamp),
      outputTo: (tag: string, value: unknown, options?: OutputOptions) => side.emitTagged(tag, value, options),
    };
  }

  private makeExpirationContext(): object {
    const side = this;
    return {
      get key() {
        return side.key;
      },
      get window() {
        return side.window;
      },
      get timestamp() {
        return side.timestamp;
      },
      state: this.stateAccessors,
      output: (value: unknown) => side.emit(undefined, value, side.timestamp),
      outputTo: (tag: string, value: unknown) => side.emit(tag, value, side.timestamp),
    };
  }

  /** The current key and window's cell of `tag` (valid until the next access of the same tag; see StateInternals). */
  private cell<T extends StateTag>(tag: T) {
    if (this.phase === Phase.Idle) throw new Error(`state '${tag.id}' is only available in process, a timer callback or onWindowExpiration`);
    return this.state.state(this.key, this.window!, tag);
  }

  private cellAccessor(tag: StateTag): object {
    switch (tag.kind) {
      case "value": {
        const t = tag;
        return {
          read: () => this.cell(t).read(),
          write: (v: unknown) => this.cell(t).write(checkStorable(t.id, v)),
          clear: () => this.cell(t).clear(),
        };
      }
      case "bag": {
        const t = tag;
        return {
          add: (v: unknown) => this.cell(t).add(checkStorable(t.id, v)),
          read: () => [...this.cell(t).read()],
          isEmpty: () => this.cell(t).isEmpty(),
          clear: () => this.cell(t).clear(),
        };
      }
      case "combining": {
        const t = tag;
        return {
          add: (v: unknown) => {
            const c = this.cell(t);
            c.add(v);
            checkStorable(t.id, c.readAccum());
          },
          addAccumulator: (a: unknown) => this.cell(t).addAccum(checkStorable(t.id, a)),
          readAccumulator: () => this.cell(t).readAccum(),
          read: () => this.cell(t).read(),
          isEmpty: () => this.cell(t).isEmpty(),
          clear: () => this.cell(t).clear(),
        };
      }
      case "map": {
        const t = tag;
        return {
          get: (k: unknown) => this.cell(t).get(k),
          put: (k: unknown, v: unknown) => this.cell(t).put(checkStorable(t.id, k), checkStorable(t.id, v)),
          remove: (k: unknown) => this.cell(t).remove(k),
          entries: () => this.cell(t).entries().map(([k, v]) => [k, v]),
          keys: () => this.cell(t).entries().map(([k]) => k),
          values: () => this.cell(t).entries().map(([, v]) => v),
          isEmpty: () => this.cell(t).isEmpty(),
          clear: () => this.cell(t).clear(),
        };
      }
      case "set": {
        const t = tag;
        return {
          add: (v: unknown) => this.cell(t).add(checkStorable(t.id, v)),
          contains: (v: unknown) => this.cell(t).contains(v),
          remove: (v: unknown) => this.cell(t).remove(v),
          read: () => [...this.cell(t).read()],
          isEmpty: () => this.cell(t).isEmpty(),
          clear: () => this.cell(t).clear(),
        };
      }
      case "orderedList": {
        const t = tag;
        return {
          add: (ts: Instant, v: unknown) => {
            if (!isValidTimestamp(ts)) throw new RangeError(`state '${t.id}': invalid timestamp ${String(ts)} (an integer number of ms within the Date range)`);
            this.cell(t).add(ts, checkStorable(t.id, v));
          },
          read: () => this.cell(t).read().map(([ts, v]) => [ts, v]),
          readRange: (from: Instant, to: Instant) => this.cell(t).readRange(from, to).map(([ts, v]) => [ts, v]),
          clearRange: (from: Instant, to: Instant) => this.cell(t).clearRange(from, to),
          isEmpty: () => this.cell(t).isEmpty(),
          clear: () => this.cell(t).clear(),
        };
      }
      default:
        throw new Error(`internal: state kind ${tag.kind} is not a user state kind`);
    }
  }

  private timerAccessor(id: string, tag: string, domain: TimeDomain): object {
    return {
      set: (time: Instant, options?: TimerOptions) => this.setTimer(id, tag, domain, time, options),
      setRelative: (delayMs: number, options?: TimerOptions) => {
        if (typeof delayMs !== "number" || !Number.isFinite(delayMs)) throw new RangeError(`timer '${id}': setRelative needs a delay in ms, got ${String(delayMs)}`);
        const target =
          domain === "EVENT_TIME"
            ? Math.min(this.timers.inputWatermark + Math.round(delayMs), this.expiry(this.requireWindow(id)))
            : this.timers.processingTime + Math.round(delayMs);
        this.setTimer(id, tag, domain, target, options);
      },
      clear: () => {
        this.requireTimerPhase(id);
        this.timers.deleteTimer(this.key, this.window!, id, tag, domain);
      },
    };
  }

  private requireWindow(id: string): BoundedWindow {
    this.requireTimerPhase(id);
    return this.window!;
  }

  private requireTimerPhase(id: string): void {
    if (this.phase === Phase.Expiration) throw new Error(`timer '${id}': timers cannot be set or cleared in onWindowExpiration (the window has expired)`);
    if (this.phase === Phase.Idle) throw new Error(`timer '${id}' is only available in process or a timer callback`);
  }

  /** Sets a user timer of the current key and window, with Beam's checks of its firing and output timestamps. */
  private setTimer(id: string, tag: string, domain: TimeDomain, target: Instant, options: TimerOptions | undefined): void {
    const window = this.requireWindow(id);
    if (!isValidTimestamp(target)) throw new RangeError(`timer '${id}': invalid time ${String(target)} (an integer number of ms within the Date range)`);
    const expiry = this.expiry(window);
    if (options?.noOutputTimestamp) {
      if (options.outputTimestamp !== undefined) throw new TypeError(`timer '${id}': give outputTimestamp or noOutputTimestamp, not both`);
      if (domain === "EVENT_TIME" && target > expiry) {
        throw new RangeError(`timer '${id}': an event-time timer at ${formatInstant(target)} would fire after its window expires (${formatInstant(expiry)})`);
      }
      this.timers.setTimer(this.key, window, id, tag, domain, target, undefined);
      this.afterEventTimerSet(window, domain, target, expiry);
      return;
    }
    let output: Instant;
    if (options?.outputTimestamp !== undefined) {
      output = options.outputTimestamp;
      if (!isValidTimestamp(output) || output < this.timestamp - this.skew) {
        throw new RangeError(
          `timer '${id}': output timestamp ${isValidTimestamp(output) ? formatInstant(output) : String(output)} is earlier than the timestamp of the ` +
            `current element or timer (${formatInstant(this.timestamp)}) minus the allowed skew (${this.skew} ms)`,
        );
      }
    } else {
      output = domain === "EVENT_TIME" ? target : this.timestamp;
    }
    if (domain === "EVENT_TIME" && target > expiry) {
      throw new RangeError(`timer '${id}': an event-time timer at ${formatInstant(target)} would fire after its window expires (${formatInstant(expiry)})`);
    }
    if (output > expiry) {
      throw new RangeError(`timer '${id}': output timestamp ${formatInstant(output)} is after the expiry of its window (${formatInstant(expiry)})`);
    }
    this.timers.setTimer(this.key, window, id, tag, domain, target, output);
    this.afterEventTimerSet(window, domain, target, expiry);
  }

  private afterEventTimerSet(window: BoundedWindow, domain: TimeDomain, target: Instant, expiry: Instant): void {
    if (domain === "EVENT_TIME" && target === expiry) {
      // Ties fire in the order set: the window's garbage collection must come after this timer.
      this.timers.deleteTimer(this.key, window, GC_FAMILY, "", "EVENT_TIME");
      this.setGcTimer(this.key, window, expiry);
    }
  }
}

/**
 * Refuses what could not be snapshotted (functions, symbols, class instances), on every runner alike: the parallel
 * runners snapshot state for checkpoints, which would otherwise fail only when one is taken.
 */
function checkStorable<T>(id: string, value: T): T {
  if (typeof value === "object" || typeof value === "function" || typeof value === "symbol") {
    if (scanValue(value) === Scan.Refused) {
      throw new TypeError(`state '${id}': cannot store ${whyNotEncodable(value) ?? "this value"}: state must be plain data (it is snapshotted for checkpoints)`);
    }
  }
  return value;
}

function checkTag(tag: unknown): string {
  if (typeof tag !== "string") throw new TypeError(`a timer family's tag must be a string, got ${typeof tag}`);
  return tag;
}

function tagOf(id: string, spec: StateSpec): StateTag {
  switch (spec.kind) {
    case "value":
      return StateTags.value(id);
    case "bag":
      return StateTags.bag(id);
    case "combining":
      return StateTags.combining(id, spec.combineFn as CombineFn<unknown, unknown, unknown>);
    case "map":
      return StateTags.map(id);
    case "set":
      return StateTags.set(id);
    case "orderedList":
      return StateTags.orderedList(id);
  }
}
