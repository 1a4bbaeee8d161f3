/**
 * Compiles a trigger (plain data) into its state machine tree ({@link TriggerRunner}, which runs it on a
 * window's {@link TriggerState}) and runs it for the windows of a grouping side with the state in the state
 * interface ({@link TriggerStateMachineRunner}, Beam's `TriggerStateMachineRunner`).
 * @module
 */
import type { Trigger } from "../../../sdk/model/triggers.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { Instant } from "../../../sdk/model/time.js";
import type { StateInternals } from "../state/state-internals.js";
import type { TimeDomain, TimerInternals } from "../state/timer-internals.js";
import { StateTags, type ValueTag } from "../state/state-tags.js";
import { TriggerStateMachine, type MergeContext, type TriggerContext, type TriggerState } from "./trigger-state-machine.js";
import {
  AfterCountMachine,
  AfterEndOfWindowMachine,
  AfterProcessingTimeMachine,
  DefaultTriggerMachine,
  NeverMachine,
} from "./leaf-triggers.js";
import {
  AfterAllMachine,
  AfterAnyMachine,
  AfterEachMachine,
  AfterWatermarkEarlyLateMachine,
  OrFinallyMachine,
  RepeatedlyMachine,
} from "./composite-triggers.js";

/** The shared state of windows under the default trigger, which keeps none. */
const STATELESS: TriggerState = Object.freeze({ finished: Object.freeze([false]) as boolean[], data: Object.freeze([null]) as unknown[] });

/**
 * Builds the state machine tree of a trigger.
 * @example
 * const root = compileTrigger(Repeatedly(AfterCount(2))); // RepeatedlyMachine(AfterCountMachine(2))
 */
export function compileTrigger(t: Trigger): TriggerStateMachine {
  switch (t.kind) {
    case "Default":
      return new DefaultTriggerMachine();
    case "Never":
      return new NeverMachine();
    case "AfterWatermark":
      if (t.early === undefined && t.late === undefined) return new AfterEndOfWindowMachine();
      // Beam: late-only firings run with a Never early trigger.
      return new AfterWatermarkEarlyLateMachine(
        t.early ? compileTrigger(t.early) : new NeverMachine(),
        t.late !== undefined,
        t.late ? compileTrigger(t.late) : undefined,
      );
    case "AfterCount":
      return new AfterCountMachine(t.count);
    case "AfterProcessingTime":
      return new AfterProcessingTimeMachine(t.delay, t.alignTo);
    case "Repeatedly":
      return new RepeatedlyMachine([compileTrigger(t.trigger)]);
    case "AfterEach":
      return new AfterEachMachine(t.triggers.map(compileTrigger));
    case "AfterAll":
      return new AfterAllMachine(t.triggers.map(compileTrigger));
    case "AfterAny":
      return new AfterAnyMachine(t.triggers.map(compileTrigger));
    case "OrFinally":
      return new OrFinallyMachine([compileTrigger(t.trigger), compileTrigger(t.until)]);
  }
}

/**
 * Runs one trigger for any number of windows. The window's state travels in the context, so one runner serves a
 * whole grouping side. A window whose root trigger finished is *closed*: its trigger no longer fires, and the
 * grouping side drops its data until the window is garbage collected.
 * @example
 * const runner = new TriggerRunner(AfterCount(2));
 * const state = runner.newState();
 * runner.onElement(ctx(state), 5); runner.onElement(ctx(state), 6);
 * runner.shouldFire(ctx(state)); // true
 */
export class TriggerRunner {
  readonly root: TriggerStateMachine;
  /** Nodes in the tree. */
  readonly size: number;
  private readonly stateless: boolean;

  constructor(readonly trigger: Trigger) {
    this.root = compileTrigger(trigger);
    this.size = this.root.assignIndices(0);
    this.stateless = this.root instanceof DefaultTriggerMachine;
  }

  /** The state of a window nothing has happened in yet. */
  newState(): TriggerState {
    // The default trigger never writes state: every window can share one (frozen, so a write would fail loudly).
    if (this.stateless) return STATELESS;
    return { finished: new Array<boolean>(this.size).fill(false), data: new Array<unknown>(this.size).fill(null) };
  }

  /** A deep copy (states are plain data; node data are numbers or null). */
  copyState(s: TriggerState): TriggerState {
    return this.stateless ? STATELESS : { finished: [...s.finished], data: [...s.data] };
  }

  /** Whether the window's trigger has finished for good. */
  isClosed(s: TriggerState): boolean {
    return s.finished[0] === true;
  }

  onElement(c: TriggerContext, timestamp: Instant): void {
    this.root.onElement(c, timestamp);
  }

  /**
   * Merges trigger state: `c.state` is the result window's state to fill (a copy of its own when it was one of
   * the merging windows, else fresh); `c.merging` the merging windows' states.
   */
  onMerge(c: MergeContext): void {
    this.root.onMerge(c);
  }

  shouldFire(c: TriggerContext): boolean {
    return !this.isClosed(c.state) && this.root.shouldFire(c);
  }

  onFire(c: TriggerContext): void {
    this.root.onFire(c);
  }

  /** Drops all trigger state but the finished bits (the window stays closed if it was). */
  clearState(c: TriggerContext): void {
    this.root.clear(c);
  }
}

/** The context the state machines run in, re-pointed at one key and window at a time. */
class WindowContext implements MergeContext {
  key: unknown = undefined;
  window!: BoundedWindow;
  state!: TriggerState;
  merging: readonly TriggerState[] = [];

  constructor(
    private readonly timers: TimerInternals,
    readonly isMerging: boolean,
  ) {}

  get inputWatermark(): Instant {
    return this.timers.inputWatermark;
  }
  get processingTime(): Instant {
    return this.timers.processingTime;
  }
  setTimer(domain: TimeDomain, time: Instant): void {
    // A window's trigger timers are named by their time (as in Beam), so each time is set once.
    this.timers.setTimer(this.key, this.window, "trigger", String(time), domain, time);
  }
}

/**
 * Runs a grouping side's trigger for its windows (Beam's `TriggerStateMachineRunner`), with the state in the
 * state interface and the timers the trigger asks for in the timer interface (family `trigger`).
 *
 * State, per key and window (window namespace):
 * - `trigger` (value): the window's {@link TriggerState} (finished bits and per-node data, plain data; see
 *   `trigger-state-machine.ts` for each part's lifetime and merging). Not stored for the default trigger, which
 *   keeps none. Lifetime: until garbage collection. Merging: a merge result starts from its own state if it was
 *   open, else fresh, and each node merges the merging windows' states (`onMerge`).
 * - `closed` (value, `true`): the root trigger finished; the window drops new data until it is garbage collected.
 *   Lifetime: set when the finishing pane fires, cleared at garbage collection. Not merged (closed windows do not
 *   take part in merges).
 * @example
 * const triggers = new TriggerStateMachineRunner(AfterCount(2), state, timers, false);
 * triggers.onElement(key, window, 5); triggers.onElement(key, window, 6);
 * triggers.shouldFire(key, window); // true
 */
export class TriggerStateMachineRunner {
  readonly triggerTag: ValueTag<TriggerState> = StateTags.value<TriggerState>("trigger");
  readonly closedTag: ValueTag<true> = StateTags.value<true>("closed");
  private readonly runner: TriggerRunner;
  private readonly ctx: WindowContext;
  private readonly stateless: boolean;

  constructor(
    trigger: Trigger,
    private readonly state: StateInternals,
    timers: TimerInternals,
    isMerging: boolean,
  ) {
    this.runner = new TriggerRunner(trigger);
    this.ctx = new WindowContext(timers, isMerging);
    this.stateless = this.runner.root instanceof DefaultTriggerMachine;
  }

  get tags(): ValueTag<unknown>[] {
    return [this.triggerTag, this.closedTag];
  }

  onElement(key: unknown, window: BoundedWindow, timestamp: Instant): void {
    const c = this.context(key, window, this.read(key, window));
    this.runner.onElement(c, timestamp);
    this.write(key, window, c.state);
  }

  /**
   * The merge result `result` is formed from windows whose trigger states (read before the merge, by
   * {@link TriggerStateMachineRunner.statesOf}) are `merging`; `wasOpen`: the result was one of them.
   */
  onMerge(key: unknown, result: BoundedWindow, wasOpen: boolean, merging: readonly TriggerState[]): void {
    const own = wasOpen ? this.runner.copyState(this.read(key, result)) : this.runner.newState();
    const c = this.context(key, result, own, merging);
    this.runner.onMerge(c);
    this.write(key, result, c.state);
  }

  /** Copies of the windows' trigger states. */
  statesOf(key: unknown, windows: readonly BoundedWindow[]): TriggerState[] {
    return windows.map((w) => this.runner.copyState(this.read(key, w)));
  }

  shouldFire(key: unknown, window: BoundedWindow): boolean {
    return this.runner.shouldFire(this.context(key, window, this.read(key, window)));
  }

  /** The window fires: runs `onFire`; returns whether the root trigger finished. */
  onFire(key: unknown, window: BoundedWindow): boolean {
    const c = this.context(key, window, this.read(key, window));
    this.runner.onFire(c);
    this.write(key, window, c.state);
    return this.runner.isClosed(c.state);
  }

  /** Closes a window whose trigger finished: drops its trigger state but the finished bits, marks it closed. */
  close(key: unknown, window: BoundedWindow): void {
    const c = this.context(key, window, this.read(key, window));
    this.runner.clearState(c);
    this.write(key, window, c.state);
    this.state.state(key, window, this.closedTag).write(true);
  }

  isClosed(key: unknown, window: BoundedWindow): boolean {
    return this.state.state(key, window, this.closedTag).read() === true;
  }

  private read(key: unknown, window: BoundedWindow): TriggerState {
    return (this.stateless ? undefined : this.state.state(key, window, this.triggerTag).read()) ?? this.runner.newState();
  }

  /** Writes the state back (the machines mutate it in place; a store that does not keep objects needs the write). */
  private write(key: unknown, window: BoundedWindow, s: TriggerState): void {
    if (!this.stateless) this.state.state(key, window, this.triggerTag).write(s);
  }

  private context(key: unknown, window: BoundedWindow, s: TriggerState, merging: readonly TriggerState[] = []): WindowContext {
    const c = this.ctx;
    c.key = key;
    c.window = window;
    c.state = s;
    c.merging = merging;
    return c;
  }
}
