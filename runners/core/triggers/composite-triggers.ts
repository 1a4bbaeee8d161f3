/**
 * The composite triggers: Repeatedly, AfterEach, AfterAll, AfterAny, OrFinally, and AfterWatermark with early
 * and/or late firings. Semantics follow Beam's `runners/core-java` state machines, including how finished bits
 * merge; the one deliberate difference is noted on {@link AfterWatermarkEarlyLateMachine}.
 * @module
 */
import type { Instant } from "../../../sdk/model/time.js";
import { endOfWindowReached, TriggerStateMachine, type MergeContext, type TriggerContext } from "./trigger-state-machine.js";

/** Fires whenever its sub-trigger fires and restarts it; never finishes. */
export class RepeatedlyMachine extends TriggerStateMachine {
  private get repeated(): TriggerStateMachine {
    return this.subs[0]!;
  }
  onElement(c: TriggerContext, timestamp: Instant): void {
    this.repeated.onElement(c, timestamp);
  }
  onMerge(c: MergeContext): void {
    this.repeated.onMerge(c);
  }
  shouldFire(c: TriggerContext): boolean {
    return this.repeated.shouldFire(c);
  }
  onFire(c: TriggerContext): void {
    this.repeated.onFire(c);
    if (this.repeated.isFinished(c)) this.repeated.resetTree(c);
  }
}

/**
 * Runs its sub-triggers in order: fires when the current one fires, moves on when it finishes, finishes after the
 * last. With merging windows every sub-trigger sees every element (a merge may revive an earlier one), as in Beam.
 */
export class AfterEachMachine extends TriggerStateMachine {
  onElement(c: TriggerContext, timestamp: Instant): void {
    if (!c.isMerging) {
      this.firstUnfinished(c)?.onElement(c, timestamp);
    } else {
      for (const s of this.subs) s.onElement(c, timestamp);
    }
  }
  onMerge(c: MergeContext): void {
    // Sub-triggers after the first unfinished one are retroactively "not started".
    let priorAllFinished = true;
    for (const s of this.subs) {
      if (priorAllFinished) {
        s.onMerge(c);
        priorAllFinished &&= s.isFinished(c);
      } else {
        s.clear(c);
      }
    }
    this.updateFinished(c);
  }
  shouldFire(c: TriggerContext): boolean {
    return this.firstUnfinished(c)?.shouldFire(c) ?? false;
  }
  onFire(c: TriggerContext): void {
    this.firstUnfinished(c)?.onFire(c);
    if (c.isMerging) for (const s of this.subs) s.clear(c);
    this.updateFinished(c);
  }
  private updateFinished(c: TriggerContext): void {
    this.setFinished(c, this.firstUnfinished(c) === undefined);
  }
}

/** Fires once, when every sub-trigger is ready (finished ones count as ready); then finishes. */
export class AfterAllMachine extends TriggerStateMachine {
  onElement(c: TriggerContext, timestamp: Instant): void {
    for (const s of this.subs) if (!s.isFinished(c)) s.onElement(c, timestamp);
  }
  onMerge(c: MergeContext): void {
    for (const s of this.subs) s.onMerge(c);
    this.setFinished(c, this.subs.every((s) => s.isFinished(c)));
  }
  shouldFire(c: TriggerContext): boolean {
    return this.subs.every((s) => s.isFinished(c) || s.shouldFire(c));
  }
  onFire(c: TriggerContext): void {
    for (const s of this.subs) s.onFire(c);
    this.setFinished(c, true);
  }
}

/** Fires once, when any sub-trigger is ready (Beam's `AfterFirst`); then finishes. */
export class AfterAnyMachine extends TriggerStateMachine {
  onElement(c: TriggerContext, timestamp: Instant): void {
    for (const s of this.subs) s.onElement(c, timestamp);
  }
  onMerge(c: MergeContext): void {
    for (const s of this.subs) s.onMerge(c);
    this.setFinished(c, this.subs.some((s) => s.isFinished(c)));
  }
  shouldFire(c: TriggerContext): boolean {
    return this.subs.some((s) => s.isFinished(c) || s.shouldFire(c));
  }
  onFire(c: TriggerContext): void {
    for (const s of this.subs) {
      // The ones not ready lose the pane they were tracking: it has just been emitted.
      if (s.shouldFire(c)) s.onFire(c);
      else s.clear(c);
    }
    this.setFinished(c, true);
  }
}

/** Fires like its main trigger until `until` fires (that pane is the last); finishes when either finishes. */
export class OrFinallyMachine extends TriggerStateMachine {
  private get actual(): TriggerStateMachine {
    return this.subs[0]!;
  }
  private get until(): TriggerStateMachine {
    return this.subs[1]!;
  }
  onElement(c: TriggerContext, timestamp: Instant): void {
    this.actual.onElement(c, timestamp);
    this.until.onElement(c, timestamp);
  }
  onMerge(c: MergeContext): void {
    this.actual.onMerge(c);
    this.until.onMerge(c);
    this.updateFinished(c);
  }
  shouldFire(c: TriggerContext): boolean {
    return this.actual.shouldFire(c) || this.until.shouldFire(c);
  }
  onFire(c: TriggerContext): void {
    if (this.until.shouldFire(c)) {
      this.until.onFire(c);
      this.actual.clear(c);
    } else {
      // `until` keeps its state: it counts across the main trigger's firings.
      this.actual.onFire(c);
    }
    this.updateFinished(c);
  }
  private updateFinished(c: TriggerContext): void {
    this.setFinished(c, this.actual.isFinished(c) || this.until.isFinished(c));
  }
}

/**
 * AfterWatermark with early and/or late firings (Beam's `AfterWatermarkEarlyAndLate`): before the end of the
 * window it fires whenever `early` fires (EARLY panes); when the watermark passes the end it fires the ON_TIME
 * pane and switches to `late` (or finishes, without one); afterwards it fires whenever `late` fires. Sub-triggers
 * are implicitly repeated.
 *
 * Difference from Beam's Java: after an early or late firing Java unsets only the sub-trigger's own finished bit,
 * which leaves the bits of a composite sub-trigger (say `AfterAll(a, b)`) set, so it would fire again at once. We
 * reset the whole sub-tree (as `Repeatedly` does), which is what the documented "fires repeatedly" means and what
 * Beam Python does (it wraps early and late triggers in `Repeatedly`).
 */
export class AfterWatermarkEarlyLateMachine extends TriggerStateMachine {
  constructor(
    early: TriggerStateMachine,
    private readonly hasLate: boolean,
    late?: TriggerStateMachine,
  ) {
    super(late ? [early, late] : [early]);
  }
  private get early(): TriggerStateMachine {
    return this.subs[0]!;
  }
  private get late(): TriggerStateMachine | undefined {
    return this.hasLate ? this.subs[1] : undefined;
  }

  onElement(c: TriggerContext, timestamp: Instant): void {
    if (!endOfWindowReached(c)) c.setTimer("EVENT_TIME", c.window.maxTimestamp());
    if (!c.isMerging) {
      this.firstUnfinished(c)?.onElement(c, timestamp);
    } else {
      // A merge may move us back from late to early firings, so both keep state.
      for (const s of this.subs) s.onElement(c, timestamp);
    }
  }

  onMerge(c: MergeContext): void {
    const early = this.early;
    const late = this.late;
    // Early firings still pending in some merging window, or the merged window ends later: early again.
    if (!early.finishedInAllMergingWindows(c) || !endOfWindowReached(c)) {
      early.onMerge(c);
      early.setFinished(c, false);
      if (late) {
        late.setFinished(c, false);
        late.clear(c);
      }
    } else {
      early.setFinished(c, true);
      late?.onMerge(c);
    }
  }

  shouldFire(c: TriggerContext): boolean {
    if (!this.early.isFinished(c)) return this.early.shouldFire(c) || endOfWindowReached(c);
    return this.late?.shouldFire(c) ?? false;
  }

  onFire(c: TriggerContext): void {
    const early = this.early;
    const late = this.late;
    if (!early.isFinished(c)) {
      if (!endOfWindowReached(c)) {
        // An early firing: restart the early trigger.
        early.onFire(c);
        early.resetTree(c);
      } else {
        // The ON_TIME firing: early firings are over; late ones start from scratch (they ran in parallel).
        if (early.shouldFire(c)) early.onFire(c);
        early.clear(c);
        early.setFinished(c, true);
        if (!late) this.setFinished(c, true);
        else late.resetTree(c);
      }
    } else if (late) {
      late.onFire(c);
      late.resetTree(c);
    } else {
      this.setFinished(c, true);
    }
  }
}
