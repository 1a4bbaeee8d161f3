/**
 * What the parallel runners cannot run yet, as reasons the run is refused with (never silently different
 * output).
 * @module
 */
import type { Job } from "../../sdk/runner-api.js";

export function parallelRunnerUnsupportedFeatures(job: Job): string[] {
  const reasons: string[] = [];
  if (!job.source) {
    reasons.push(
      "a pipeline built outside definePipeline (workers rebuild the pipeline by importing its module: " +
        "declare it with `export default definePipeline(import.meta, {...})`)",
    );
  }
  for (const pc of job.graph.pcollections.values()) {
    if (!pc.isBounded) reasons.push(`unbounded PCollection ${pc.id} (streaming is not supported on this runner yet)`);
    const w = pc.windowing;
    if (w.trigger.kind !== "Default") reasons.push(`trigger ${w.trigger.kind} on ${pc.id}`);
    if (w.windowFn.isMerging) reasons.push(`merging windows (${w.windowFn.description}) on ${pc.id}`);
  }
  return [...new Set(reasons)];
}
