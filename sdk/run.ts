/**
 * Hands a built pipeline to the runner its options name. The one place the SDK reaches the runners, lazily,
 * through the registry (so `sdk/` never imports a runner's code statically): here for a run, and
 * {@link runnerRegistry} for the command-line parser, which needs the runners' option declarations.
 * @module
 */
import type { Pipeline } from "./pipeline.js";
import { optionDefaults, validateStandardOptions, type PipelineOptions } from "./options.js";
import { UsageError } from "./usage-error.js";
import { PipelineError, type Job, type PipelineResult, type PipelineSource, type Runner, type RunnerDeclaration } from "./runner-api.js";

/** What the SDK asks of the runner registry (`runners/registry.ts`). */
export interface RunnerRegistry {
  /** Every registered runner's declaration. */
  runnerDeclarations(): readonly RunnerDeclaration[];
  /** @throws UsageError naming the registered runners */
  runnerDeclaration(name: string): RunnerDeclaration;
  /** @throws UsageError naming the registered runners */
  loadRunner(name: string): Promise<Runner>;
}

/** The runner registry, loaded on first use. */
export async function runnerRegistry(): Promise<RunnerRegistry> {
  return import("../runners/registry.js");
}

/** Set by worker runtimes: workers import pipeline modules and must never start pipelines themselves. */
export const IN_WORKER = Symbol.for("sluice.inWorker");

/**
 * Lets the runner `options` name start what a run with them will need (a parallel runner's workers) before the
 * pipeline is built, so that the workers' start-up overlaps the build. Anything wrong is left to the run to
 * report, in its usual order (a transform refusing its input first).
 */
export async function prepareRun(options: PipelineOptions): Promise<void> {
  if ((globalThis as Record<symbol, unknown>)[IN_WORKER]) return;
  try {
    const { runner, options: full } = await chosenRunner(options);
    runner.prepare?.(full);
  } catch {
    // The run fails with this error once the pipeline is built.
  }
}

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
  const { runner, options: full, defaults } = await chosenRunner(options);
  const job: Job = {
    graph: pipeline.graph,
    options: full,
    ...(source ? { source: { ...source, options: { ...defaults, ...source.options } } } : {}),
  };
  const unsupported = runner.unsupportedFeatures(job);
  if (unsupported.length > 0) {
    throw new PipelineError(`the ${runner.name} runner cannot run this pipeline: unsupported: ${unsupported.join("; ")}`);
  }
  return runner.run(job);
}

/** The runner `options` name, loaded, and the options with that runner's defaults filled in and checked. */
async function chosenRunner(options: PipelineOptions): Promise<{ runner: Runner; options: PipelineOptions; defaults: Record<string, unknown> }> {
  validateStandardOptions(options);
  const registry = await runnerRegistry();
  const declaration = registry.runnerDeclaration(options.runner);
  // The runner's own options, with its defaults where unset (and so in what workers are sent to rebuild the graph).
  // Options of other runners in a programmatic options bag are left alone (the command line rejects them).
  const defaults = optionDefaults(declaration.options);
  const full: PipelineOptions = { ...defaults, ...options };
  declaration.validateOptions?.(full);
  return { runner: await registry.loadRunner(options.runner), options: full, defaults };
}
