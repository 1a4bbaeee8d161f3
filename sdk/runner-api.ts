/**
 * The seam between the SDK and the runners: what a runner implements and what a run returns.
 * @module
 */
import type { PipelineGraph } from "./graph.js";
import type { PipelineOptions } from "./options.js";
import type { MetricResults } from "./metrics.js";
import type { Options as YargsOption } from "yargs";

/** Where a pipeline came from, so that workers can rebuild it by re-importing its module. */
export interface PipelineSource {
  /** `import.meta.url` of the module that defined the pipeline. */
  readonly moduleUrl: string;
  /** The pipeline's name within that module. */
  readonly name: string;
  /** The parsed options the graph was built with (plain data). */
  readonly options: PipelineOptions;
  /** The fingerprint a rebuilt graph must have. */
  readonly fingerprint: string;
}

/** A pipeline handed to a runner. */
export interface Job {
  /** The expanded graph to execute; runners execute its primitives and may lift annotated composites. */
  readonly graph: PipelineGraph;
  /**
   * The options of the run: the standard ones (`runner`, `quiet`, ...), the runner's own (with their defaults
   * filled in) and the pipeline's own.
   */
  readonly options: PipelineOptions;
  /** Present when the pipeline was made with `definePipeline`: what workers re-import. */
  readonly source?: PipelineSource;
}

/**
 * Executes pipelines. A runner decides where bundles run and how data moves; the model's semantics come from
 * `runners/core`.
 */
export interface Runner {
  /** The runner's name in messages (`the direct runner cannot run this pipeline: ...`), e.g. `direct`. */
  readonly name: string;
  /** Human-readable reasons this runner cannot run the graph; empty when it can. */
  unsupportedFeatures(job: Job): string[];
  /** Runs to completion; rejects with a {@link PipelineError} on failure. */
  run(job: Job): Promise<PipelineResult>;
  /**
   * Called with a run's options (the runner's defaults filled in and checked) before its graph is built: starts
   * what the run will need, such as a parallel runner's workers, so that their start-up overlaps the build. It
   * must not fail the run: the run itself reports what is wrong.
   */
  prepare?(options: PipelineOptions): void;
}

/**
 * What a runner's registry entry (`runners/registry.ts`) tells the SDK before the runner is loaded: its name,
 * one line for `--help` and `sluice runners`, and its own options. The command line accepts a runner's options
 * only when that runner is chosen, `--help` lists them under the runner, and a run fills in their defaults.
 * @example
 * const direct: RunnerDeclaration = {
 *   name: "direct",
 *   description: "in-process reference runner",
 *   options: { orderSeed: { type: "number", describe: "shuffle order with this seed" } },
 * };
 */
export interface RunnerDeclaration {
  /** What `--runner` names it by. */
  readonly name: string;
  /** One line for `--help` and `sluice runners`. */
  readonly description: string;
  /** The runner's own options, as yargs declarations (their `group` is set by the parser, per runner). */
  readonly options: Readonly<Record<string, YargsOption>>;
  /** Checks the values of its options that yargs cannot (positive integers, ...). @throws UsageError */
  validateOptions?(options: PipelineOptions): void;
}

/** The outcome of a successful run. */
export interface PipelineResult {
  /** Always `DONE`: a run that fails rejects with a {@link PipelineError} instead of returning a result. */
  readonly state: "DONE";
  /** User metrics, by step and name. */
  readonly metrics: MetricResults;
  /** Elements produced on each PCollection (by id), across all windows. */
  readonly elementCounts: ReadonlyMap<string, number>;
  /** Wall-clock time the runner spent executing the job, in milliseconds. */
  readonly durationMs: number;
  /** How the work went: bundles, retries, bytes shuffled and spilled, per stage (the direct runner shuffles and spills nothing). */
  readonly stats?: RunStats;
}

/** Execution statistics of a run on a parallel runner (`--stats` prints them). */
export interface RunStats {
  /** Bundles run, counting every attempt. */
  readonly bundles: number;
  /** Bundles run again after their worker died or (process runner) their user code threw. */
  readonly retries: number;
  /** Encoded bytes written into shuffles. */
  readonly shuffleBytes: number;
  /** Bytes that grouping spilled to disk to stay within `--memoryMb`. */
  readonly spilledBytes: number;
  /** Sorted runs that grouping spilled to disk. */
  readonly spillRuns: number;
  /** The largest peak resident set size any worker reported, in bytes (for threads: the whole process). */
  readonly workerMaxRssBytes: number;
  /** Per fused stage, in topological order. */
  readonly stages: readonly StageStats[];
}

/** Statistics of one fused stage. */
export interface StageStats {
  /** The stage's id (`S0`, ...). */
  readonly stage: string;
  /** Full names of the steps fused into it, starting with its root. */
  readonly steps: readonly string[];
  /** Bundles it ran (successful attempts). */
  readonly bundles: number;
  /** Bundles of it that were run again. */
  readonly retries: number;
  /** Elements (or shuffle records) it consumed from other stages or read from sources. */
  readonly elementsIn: number;
  /** Elements and shuffle records it sent to other stages. */
  readonly elementsOut: number;
  /** Encoded bytes it wrote into shuffles. */
  readonly shuffleBytesOut: number;
  /**
   * Stages with side inputs: the most elements it held back at once waiting for them (bounded on a stream by
   * pausing the unbounded sources that feed only its main input).
   */
  readonly peakWaitingForSideInputs: number;
}

/**
 * A failed run: names the step (its full name), the element where known, and keeps the user's stack frames.
 * `message` is one line; {@link PipelineError.describe} adds the element and the user's frames.
 * @example
 * try {
 *   await p.run();
 * } catch (e) {
 *   if (e instanceof PipelineError) console.error(e.describe(), e.details.step);
 *   else throw e;
 * }
 */
export class PipelineError extends Error {
  constructor(
    message: string,
    /** What is known about the failure besides the message; every field is optional. */
    readonly details: {
      /** Full name of the step that failed, when the failure happened in a step. */
      readonly step?: string;
      /** The element the step was processing, as short printable text, when there was one. */
      readonly element?: string;
      /** The user's own stack frames (runner internals removed). */
      readonly userStack?: string;
      /** The user's frame that applied the failed step. */
      readonly appliedAt?: string;
      /** What was thrown (the user's error, or a model violation found by the runner); also the error's `cause`. */
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "PipelineError";
  }

  /** The message with the element and the user's stack frames, as the CLI prints it. */
  describe(): string {
    const lines = [this.message];
    if (this.details.element !== undefined) lines.push(`  element: ${this.details.element}`);
    if (this.details.userStack) lines.push(...this.details.userStack.split("\n").map((l) => `  ${l.trim()}`));
    if (this.details.appliedAt) lines.push(`  (step applied ${this.details.appliedAt})`);
    return lines.join("\n");
  }
}
