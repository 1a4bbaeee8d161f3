/**
 * Pipeline options: the standard ones every pipeline accepts (`--runner`, `--quiet`, ...) and each pipeline's
 * own, declared as yargs options so that they are typed, validated and listed by `--help`. A runner's own options
 * (`--parallelism`, `--orderSeed`, ...) are declared by the runner (`runners/registry.ts`), not here.
 * @module
 */
import { UsageError } from "./usage-error.js";
import type { Options as YargsOption, InferredOptionTypes } from "yargs";

/**
 * The options every pipeline has, whatever runs it. Each runner declares its own on top (the direct runner's
 * model checks, the parallel runners' workers and attempts, ...) in its registry entry (`runners/registry.ts`);
 * the command line accepts a runner's options when that runner is chosen, and `--help` lists them per runner.
 */
export interface StandardOptions {
  /** Which runner executes the pipeline (`direct`, ...). */
  runner: string;
  /** No progress output. */
  quiet: boolean;
  /**
   * Pipelines reading unbounded sources (every runner): stop the run after this many seconds, as Ctrl-C does. What
   * a stopped run does is up to {@link StandardOptions.drain}.
   */
  maxDuration: number | undefined;
  /**
   * Pipelines reading unbounded sources (every runner): when the run is stopped (`--maxDuration` or Ctrl-C), stop
   * reading, advance the watermark to the end of time so that open windows fire as their triggers say, and finish
   * normally. Without it a stopped run ends at once and fails, firing no open window.
   */
  drain: boolean;
  /**
   * Every runner: the longest, in seconds, that one call of user code may take to settle (a DoFn's async `setup`,
   * `startBundle`, `finishBundle` or `teardown`, a source's `split` or `read`), and, on the parallel runners, that
   * one task (a bundle) may run on a worker before the worker is presumed hung and replaced. The run then fails
   * naming the step (and the method). 0 means no limit.
   */
  taskTimeout: number;
  /**
   * Every runner: at the end, print the run's statistics per stage (bundles, elements, bytes shuffled and
   * spilled, retries) and the pipeline's metrics, as tables on stderr.
   */
  stats: boolean;
  /**
   * Every runner (Beam Python's `allow_unsafe_triggers`): let a GroupByKey accept what it otherwise refuses at
   * construction, accepting the data loss: a trigger that may finish before its window is garbage collected (data
   * of the window arriving after it finished is dropped, counted as the step's `droppedDueToClosedWindow`), and the
   * default trigger on an unbounded PCollection in the global window (it emits only when the watermark reaches the
   * end of time: at the end of the input or on `--drain`; a run stopped without draining emits nothing).
   */
  allowUnsafeTriggers: boolean;
  /**
   * Every runner: serve a live status page of the run on `http://127.0.0.1:<uiPort>/` (the pipeline graph with
   * element counts per edge, each stage's progress and watermark, throughput over time, metrics, the error if the
   * run fails), for as long as the run lasts. Its address is printed on stderr.
   */
  ui: boolean;
  /** The port of the `--ui` page on 127.0.0.1 (default 0: a free port, printed when the run starts). */
  uiPort: number;
}

/** Standard options plus the pipeline's own, by name. */
export type PipelineOptions = StandardOptions & { [name: string]: unknown };

/**
 * The yargs declarations of the standard options: the single source for parsing, defaults and `--help`. Each
 * entry declares the {@link StandardOptions} field of the same name.
 * @example
 * STANDARD_OPTIONS.taskTimeout.default; // 600
 */
export const STANDARD_OPTIONS: Readonly<Record<keyof StandardOptions, YargsOption>> = {
  runner: { type: "string", default: "direct", describe: "Runner that executes the pipeline (see `sluice runners`)", group: "Pipeline options:" },
  quiet: { type: "boolean", default: false, describe: "No progress output", group: "Pipeline options:" },
  maxDuration: {
    type: "number",
    describe:
      "unbounded sources: stop the run after this many seconds, as Ctrl-C does; " +
      "without --drain the stopped run fails at once, firing no open window",
    group: "Pipeline options:",
  },
  drain: {
    type: "boolean",
    default: false,
    describe:
      "unbounded sources: when stopped (--maxDuration or Ctrl-C), stop reading, advance the watermark " +
      "to the end of time so open windows fire per their triggers, and finish normally (a second Ctrl-C stops at once)",
    group: "Pipeline options:",
  },
  taskTimeout: {
    type: "number",
    default: 600,
    describe:
      "seconds a DoFn's async setup/startBundle/finishBundle/teardown or a source's split/read may take to settle, " +
      "and (parallel runners) a task may run before its worker is presumed hung and replaced; 0 = no limit",
    group: "Pipeline options:",
  },
  stats: {
    type: "boolean",
    default: false,
    describe: "print per-stage statistics and the pipeline's metrics at the end",
    group: "Pipeline options:",
  },
  ui: {
    type: "boolean",
    default: false,
    describe: "serve a live status page of the run (graph, per-edge counts, stages, watermarks, throughput, metrics) on 127.0.0.1",
    group: "Pipeline options:",
  },
  uiPort: {
    type: "number",
    default: 0,
    describe: "port of the --ui page on 127.0.0.1 (0: a free one, printed at the start)",
    group: "Pipeline options:",
  },
  allowUnsafeTriggers: {
    type: "boolean",
    default: false,
    describe:
      "let GroupByKey accept triggers that may finish before the window expires (later data of the window is dropped) " +
      "and the default trigger on unbounded global-window input (it emits only at the end of the input or on --drain)",
    group: "Pipeline options:",
  },
};

/**
 * The default value of every standard option (`maxDuration` has none, so it is absent).
 * @example
 * defaultOptions().runner; // "direct"
 */
export function defaultOptions(): StandardOptions {
  return optionDefaults(STANDARD_OPTIONS) as unknown as StandardOptions;
}

/**
 * The default of each option of `spec` that has one, by name: how a runner fills in its own options that a job
 * leaves unset.
 * @example
 * optionDefaults({ top: { type: "number", default: 10 }, seed: { type: "number" } }); // { top: 10 }
 */
export function optionDefaults(spec: Readonly<Record<string, YargsOption>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec)) {
    if (option.default !== undefined) out[name] = option.default;
  }
  return out;
}

/** A pipeline's own options, declared as yargs options. */
export type OptionsSpec = Record<string, YargsOption>;

/** The typed values of a pipeline's own options plus the standard ones. */
export type ParsedOptions<S extends OptionsSpec> = InferredOptionTypes<S> & PipelineOptions;

/**
 * Checks option values that yargs cannot: numbers that must be positive, and so on.
 * @throws UsageError with a one-line message naming the option
 */
export function validateStandardOptions(options: StandardOptions): void {
  const d = options.maxDuration;
  if (d !== undefined && !(typeof d === "number" && Number.isFinite(d) && d > 0)) {
    throw new UsageError(`--maxDuration must be a positive number of seconds, got ${String(d)}`);
  }
  const t = options.taskTimeout;
  if (t !== undefined && !(typeof t === "number" && Number.isFinite(t) && t >= 0)) {
    throw new UsageError(`--taskTimeout must be a number of seconds (0 for no limit), got ${String(t)}`);
  }
}
