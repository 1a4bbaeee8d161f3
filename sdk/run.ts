/**
 * Hands a built pipeline to the runner its options name. The one place the SDK reaches the runners, lazily,
 * through the registry (so `sdk/` never imports a runner's code statically).
 * @module
 */
import type { Pipeline } from "./pipeline.js";
import { validateStandardOptions, type PipelineOptions } from "./options.js";
import { PipelineError, type Job, type PipelineResult, type PipelineSource } from "./runner-api.js";

/** Runs `pipeline` on `options.runner`. */
export async function runPipeline(
  pipeline: Pipeline,
  options: PipelineOptions,
  source?: PipelineSource,
): Promise<PipelineResult> {
  validateStandardOptions(options);
  const { loadRunner } = await import("../runners/registry.js");
  const runner = await loadRunner(options.runner);
  const job: Job = { graph: pipeline.graph, options, ...(source ? { source } : {}) };
  const unsupported = runner.unsupportedFeatures(job);
  if (unsupported.length > 0) {
    throw new PipelineError(`the ${runner.name} runner cannot run this pipeline: unsupported: ${unsupported.join("; ")}`);
  }
  return runner.run(job);
}
