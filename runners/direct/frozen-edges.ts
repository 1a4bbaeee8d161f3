/**
 * The direct runner's immutability check on a stage's edges (`--enforceImmutability`): every element a source or
 * a DoFn emits is deep-frozen before its consumers see it, so a DoFn that mutates its input, or an output it
 * already emitted, fails at the mutation with the user's own frame. Plugged into the stage executor through
 * {@link StageEnvironment.checkEmitted}; the core itself never freezes.
 * @module
 */
import type { Instant } from "../../sdk/model/time.js";
import type { BoundedWindow } from "../../sdk/model/window.js";
import type { PaneInfo } from "../../sdk/model/pane.js";
import type { Receiver } from "../core/receiver.js";
import type { StageEnvironment } from "../core/stage-executor.js";
import { deepFreeze } from "../core/immutability.js";
import { ShuffleWriteOperator } from "../core/operators/shuffle-write-operator.js";
import { PartialCombineOperator } from "../core/operators/partial-combine-operator.js";

/** Freezes each element it sees, and forwards nothing (the edge's other consumers get the element). */
const DEEP: Receiver = {
  receive(value: unknown, _timestamp: Instant, _window: BoundedWindow, _pane: PaneInfo): void {
    deepFreeze(value);
  },
};

/**
 * Freezes only a KV's value: for an edge whose consumers all take the KV apart at once and keep only its key
 * (encoded or immutable) and its value, as shuffle writers and partial combines do.
 */
const KV_VALUE: Receiver = {
  receive(value: unknown): void {
    if (typeof value === "object" && value !== null) deepFreeze((value as { value?: unknown }).value);
  },
};

/**
 * The stage executor's `checkEmitted` hook that freezes what sources and DoFns emit.
 * @example
 * new StageExecutor(stage, { ...env, checkEmitted: freezeEmitted });
 */
export const freezeEmitted: NonNullable<StageEnvironment["checkEmitted"]> = (_pcollection, consumers) => {
  const shuffleOnly = consumers.length > 0 && consumers.every((c) => c instanceof ShuffleWriteOperator || c instanceof PartialCombineOperator);
  return shuffleOnly ? KV_VALUE : DEEP;
};
