/**
 * When a stage may run bundles, given which stages are complete (output watermark at +∞). The same rule for
 * every runner: a stage waits for the stages producing its side inputs, and a finalizer stage for its commit
 * gate (every stage not downstream of a finalizer).
 * @module
 */
import type { ExecutionPlan } from "./execution-plan.js";

export function stageMayRun(plan: ExecutionPlan, stageId: string, isComplete: (stageId: string) => boolean): boolean {
  if (!plan.sideInputStages.get(stageId)!.every(isComplete)) return false;
  const gate = plan.commitGates.get(stageId);
  return gate === undefined || gate.every(isComplete);
}
