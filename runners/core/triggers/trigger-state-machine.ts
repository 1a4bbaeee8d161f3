/**
 * The runner-neutral execution of triggers: a trigger (plain data from `sdk/model/triggers.ts`) compiles to a tree
 * of state machines, one node per sub-trigger, numbered in pre-order like Beam's `ExecutableTriggerStateMachine`.
 * The nodes are stateless objects shared by every key and window; the state of one (key, window) is a
 * {@link TriggerState} of plain data, so grouping state can be snapshotted and shipped between workers.
 *
 * ```
 *   OrFinally            #0   finished[0] = the window's trigger is closed
 *   ├── Repeatedly       #1
 *   │   └── AfterCount   #2   data[2] = elements in the pane
 *   └── AfterWatermark   #3
 * ```
 * Each node implements Beam's `TriggerStateMachine` contract: `onElement` and `onMerge` update state and set
 * timers; `shouldFire` is asked after elements arrive and when a timer of the window fires; `onFire` runs when the
 * pane fires and marks the node finished if it will not fire again; `clear` drops the node's state but not its
 * finished bit (a closed window stays closed until it is garbage collected).
 * @module
 */
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { Instant } from "../../../sdk/model/time.js";

import type { TimeDomain } from "../state/timer-internals.js";

/** The time domain of a timer a trigger sets. */
export type { TimeDomain };

/**
 * The trigger state of one key and window, as plain (msgpack-encodable) data.
 * - `finished[i]`: node i will not fire again (until reset by a `Repeatedly` or early/late firing). Lifetime: until
 *   the window is garbage collected, so a closed window keeps dropping data. Merging: each node decides from the
 *   merging windows' bits (`finishedInAny/AllMergingWindows`).
 * - `data[i]`: node i's own value (an element count, a processing-time deadline) or `null`. Lifetime: cleared when
 *   the node fires or is reset. Merging: combined by the node's `onMerge` (counts summed, deadlines minimised).
 */
export interface TriggerState {
  readonly finished: boolean[];
  readonly data: unknown[];
}

/** What a trigger node sees when it runs for one key and window. */
export interface TriggerContext {
  /** The window the trigger runs for (after merging). */
  readonly window: BoundedWindow;
  /** The grouping side's input watermark: event time. */
  readonly inputWatermark: Instant;
  /** The runner's processing-time clock, as of the last `advanceProcessingTime`. */
  readonly processingTime: Instant;
  /** Whether the WindowFn merges (composite triggers then keep all sub-triggers' state, as Beam does). */
  readonly isMerging: boolean;
  /** The window's trigger state. */
  readonly state: TriggerState;
  /** Asks to be evaluated again once `domain`'s clock passes `time`. */
  setTimer(domain: TimeDomain, time: Instant): void;
}

/** What a trigger node sees when windows merge: the result window's context plus the merging windows' states. */
export interface MergeContext extends TriggerContext {
  /** The trigger states of the (open) windows being merged, as they were before the merge. */
  readonly merging: readonly TriggerState[];
}

/** One node of a compiled trigger tree. */
export abstract class TriggerStateMachine {
  /** This node's index in the pre-order numbering. */
  index = 0;
  /** One past the last index of this node's subtree. */
  end = 0;

  constructor(readonly subs: readonly TriggerStateMachine[] = []) {}

  /** Numbers this subtree from `start`; returns the next free index. */
  assignIndices(start: number): number {
    this.index = start;
    let next = start + 1;
    for (const s of this.subs) next = s.assignIndices(next);
    this.end = next;
    return next;
  }

  /** An element arrived in the window (after merging). */
  abstract onElement(c: TriggerContext, timestamp: Instant): void;
  /** The window was formed by merging others (the element that caused the merge has not been added yet). */
  abstract onMerge(c: MergeContext): void;
  /** Whether the window should fire a pane now. */
  abstract shouldFire(c: TriggerContext): boolean;
  /** The window fires a pane (only called when `shouldFire` is true); marks this node finished if it is done. */
  abstract onFire(c: TriggerContext): void;

  /** Drops this subtree's state, keeping finished bits. Leaves with state override `clearOwn`. */
  clear(c: TriggerContext): void {
    this.clearOwn(c);
    for (const s of this.subs) s.clear(c);
  }

  /** Drops this node's own data. */
  protected clearOwn(c: TriggerContext): void {
    c.state.data[this.index] = null;
  }

  /** Clears this subtree's finished bits and state, so it starts over (Beam's `resetTree`). */
  resetTree(c: TriggerContext): void {
    for (let i = this.index; i < this.end; i++) c.state.finished[i] = false;
    this.clear(c);
  }

  isFinished(c: TriggerContext): boolean {
    return c.state.finished[this.index] === true;
  }

  setFinished(c: TriggerContext, finished: boolean): void {
    c.state.finished[this.index] = finished;
  }

  /** This node's data slot. */
  protected data<T>(c: TriggerContext): T | null {
    return (c.state.data[this.index] ?? null) as T | null;
  }

  protected setData(c: TriggerContext, value: unknown): void {
    c.state.data[this.index] = value;
  }

  /** This node's data in each merging window that has some. */
  protected mergingData<T>(c: MergeContext): T[] {
    const out: T[] = [];
    for (const s of c.merging) {
      const d = s.data[this.index];
      if (d !== null && d !== undefined) out.push(d as T);
    }
    return out;
  }

  finishedInAnyMergingWindow(c: MergeContext): boolean {
    return c.merging.some((s) => s.finished[this.index] === true);
  }

  finishedInAllMergingWindows(c: MergeContext): boolean {
    return c.merging.every((s) => s.finished[this.index] === true);
  }

  /** The first sub-trigger not finished, or `undefined`. */
  protected firstUnfinished(c: TriggerContext): TriggerStateMachine | undefined {
    return this.subs.find((s) => !s.isFinished(c));
  }
}

/** Whether the watermark has passed the end of the context's window. */
export function endOfWindowReached(c: TriggerContext): boolean {
  return c.inputWatermark > c.window.maxTimestamp();
}
