/**
 * What the parallel runners cannot run, as reasons the run is refused with (never silently different output).
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
  return [...new Set(reasons)];
}
