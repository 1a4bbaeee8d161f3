/**
 * The leaf triggers: Default, Never, AfterWatermark (without early/late firings), AfterCount and
 * AfterProcessingTime. Semantics follow Beam's `runners/core-java` state machines; the comments say where that
 * matters.
 * @module
 */
import type { Instant } from "../../../sdk/model/time.js";
import { endOfWindowReached, TriggerStateMachine, type MergeContext, type TriggerContext } from "./trigger-state-machine.js";

/**
 * Beam's DefaultTrigger: fires whenever the watermark is past the end of the window (the ON_TIME pane, then one
 * per bundle of late data), never finishes.
 */
export class DefaultTriggerMachine extends TriggerStateMachine {
  onElement(c: TriggerContext): void {
    // Once the end of the window is reached the trigger is ready anyway; no wake-up needed.
    if (!endOfWindowReached(c)) c.setTimer("EVENT_TIME", c.window.maxTimestamp());
  }
  onMerge(c: MergeContext): void {
    if (!endOfWindowReached(c)) c.setTimer("EVENT_TIME", c.window.maxTimestamp());
  }
  shouldFire(c: TriggerContext): boolean {
    return endOfWindowReached(c);
  }
  onFire(): void {}
}

/** Never fires: the window's only pane is the final one at garbage collection. */
export class NeverMachine extends TriggerStateMachine {
  onElement(): void {}
  onMerge(): void {}
  shouldFire(): boolean {
    return false;
  }
  onFire(c: TriggerContext): void {
    this.setFinished(c, true);
  }
}

/** AfterWatermark without early or late firings (Beam's `FromEndOfWindow`): fires once at the end of the window. */
export class AfterEndOfWindowMachine extends TriggerStateMachine {
  onElement(c: TriggerContext): void {
    if (!endOfWindowReached(c)) c.setTimer("EVENT_TIME", c.window.maxTimestamp());
  }
  onMerge(c: MergeContext): void {
    // Still waiting in some merging window, or the merged window ends later: active again. Only when every
    // merging window had fired and the merged window's end has passed is it done for good. (The element that
    // caused the merge sets the end-of-window timer for the merged window.)
    this.setFinished(c, this.finishedInAllMergingWindows(c) && endOfWindowReached(c));
  }
  shouldFire(c: TriggerContext): boolean {
    return endOfWindowReached(c);
  }
  onFire(c: TriggerContext): void {
    this.setFinished(c, true);
  }
}

/** Fires once the pane has at least `count` elements (Beam's `AfterPane.elementCountAtLeast`). State: the count. */
export class AfterCountMachine extends TriggerStateMachine {
  constructor(readonly count: number) {
    super();
  }
  onElement(c: TriggerContext): void {
    this.setData(c, (this.data<number>(c) ?? 0) + 1);
  }
  onMerge(c: MergeContext): void {
    // Enough elements already in some window: done. Otherwise the merged pane has all their elements.
    if (this.finishedInAnyMergingWindow(c)) {
      this.setFinished(c, true);
      this.clearOwn(c);
      return;
    }
    const counts = this.mergingData<number>(c);
    this.setData(c, counts.length === 0 ? null : counts.reduce((a, b) => a + b, 0));
  }
  shouldFire(c: TriggerContext): boolean {
    return (this.data<number>(c) ?? 0) >= this.count;
  }
  onFire(c: TriggerContext): void {
    this.clearOwn(c);
    this.setFinished(c, true);
  }
}

/**
 * Fires once processing time is past the first element's arrival plus `delay` (then aligned), Beam's
 * `AfterProcessingTime.pastFirstElementInPane()`. State: the deadline. Strictly after, as in Beam: with the first
 * element at t and delay d, processing time t + d does not fire yet, t + d + 1 does.
 */
export class AfterProcessingTimeMachine extends TriggerStateMachine {
  constructor(
    readonly delay: number,
    readonly alignTo: { readonly period: number; readonly offset: number } | undefined,
  ) {
    super();
  }
  onElement(c: TriggerContext): void {
    // Processing time only moves forward, so a later element could only ask for a later deadline: keep the first.
    if (this.data<number>(c) !== null) return;
    const deadline = this.deadline(c.processingTime);
    this.setData(c, deadline);
    c.setTimer("PROCESSING_TIME", deadline);
  }
  onMerge(c: MergeContext): void {
    if (this.isFinished(c)) {
      this.clearOwn(c);
      return;
    }
    // The earliest deadline of the merging panes. Their own timers are left to fire and be ignored.
    const deadlines = this.mergingData<number>(c);
    if (deadlines.length === 0) {
      this.clearOwn(c);
      return;
    }
    const earliest = Math.min(...deadlines);
    this.setData(c, earliest);
    c.setTimer("PROCESSING_TIME", earliest);
  }
  shouldFire(c: TriggerContext): boolean {
    const deadline = this.data<number>(c);
    return deadline !== null && c.processingTime > deadline;
  }
  onFire(c: TriggerContext): void {
    this.clearOwn(c);
    this.setFinished(c, true);
  }

  /** Arrival time plus the delay, rounded up to the next alignment boundary (Beam's DelayFn then AlignFn). */
  private deadline(arrival: Instant): Instant {
    const t = arrival + this.delay;
    if (!this.alignTo) return t;
    const { period, offset } = this.alignTo;
    const since = (((t - offset) % period) + period) % period;
    return since === 0 ? t : t + period - since;
  }
}
