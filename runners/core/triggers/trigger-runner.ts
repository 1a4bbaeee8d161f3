/**
 * Compiles a trigger (plain data) into its state machine tree and runs it for a window's {@link TriggerState}:
 * the part of Beam's `TriggerStateMachineRunner` that the grouping driver talks to.
 * @module
 */
import type { Trigger } from "../../../sdk/model/triggers.js";
import type { Instant } from "../../../sdk/model/time.js";
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
