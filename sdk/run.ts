/**
 * Hands a built pipeline to the runner its options name. The one place the SDK reaches the runners, lazily,
 * through the registry (so `sdk/` never imports a runner's code statically).
 * @module
 */
import type { Pipeline } from "./pipeline.js";
import { validateStandardOptions, type PipelineOptions } from "./options.js";
import { UsageError } from "./usage-error.js";
import { PipelineError, type Job, type PipelineResult, type PipelineSource } from "./runner-api.js";

/** Set by worker runtimes: workers import pipeline modules and must never start pipelines themselves. */
export const IN_WORKER = Symbol.for("sluice.inWorker");

/** Runs `pipeline` on `options.runner`. */
export async function runPipeline(
  pipeline: Pipeline,
  options: PipelineOptions,
  source?: PipelineSource,
): Promise<PipelineResult> {
  if ((globalThis as Record<symbol, unknown>)[IN_WORKER]) {
    throw new UsageError(
      "a pipeline was run while a worker was importing its module: a pipeline module must only declare pipelines " +
        "(definePipeline) at import time, and run them from the command line, from afterRun, or from another module",
    );
  }
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
