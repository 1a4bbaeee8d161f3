/**
 * Pipeline options: the standard ones every pipeline accepts (`--runner`, `--parallelism`, ...) and each
 * pipeline's own, declared as yargs options so that they are typed, validated and listed by `--help`.
 * @module
 */
import os from "node:os";
import { UsageError } from "./usage-error.js";
import type { Options as YargsOption, InferredOptionTypes } from "yargs";

/** The options every pipeline has. Runners read the ones that concern them and ignore the rest. */
export interface StandardOptions {
  /** Which runner executes the pipeline (`direct`, ...). */
  runner: string;
  /** How many workers a parallel runner uses. */
  parallelism: number;
  /**
   * How many times a parallel runner runs a bundle before the job fails: after its worker died (threads and
   * process runners) or its user code threw (process runner).
   */
  maxAttempts: number;
  /**
   * Where the process runner makes each run's private directory (mode 0700) for its temporary files (shuffle and
   * spill). Default: the OS temp directory.
   */
  tempDir: string;
  /**
   * The process runner's memory budget per worker, in MiB: grouping spills to disk past it, and each worker's heap
   * is capped at it plus a fixed allowance for code and bundles in flight.
   */
  memoryMb: number;
  /** No progress output. */
  quiet: boolean;
  /** Parallel runners: print per-stage statistics (bundles, elements, bytes shuffled and spilled, retries) at the end. */
  stats: boolean;
  /**
   * Direct runner: freeze emitted elements so a DoFn that mutates its input or output fails at once, and check
   * that elements crossing a boundary (shuffles, bundles, side inputs) encode as on the parallel runners.
   */
  enforceImmutability: boolean;
  /** Direct runner: shuffle bundle, key and value order with this seed to expose reliance on order. */
  orderSeed: number | undefined;
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
}

/** Standard options plus the pipeline's own, by name. */
export type PipelineOptions = StandardOptions & { [name: string]: unknown };

/**
 * The yargs declarations of the standard options: the single source for parsing, defaults and `--help`. Each
 * entry declares the {@link StandardOptions} field of the same name.
 * @example
 * STANDARD_OPTIONS.maxAttempts.default; // 3
 */
export const STANDARD_OPTIONS: Readonly<Record<keyof StandardOptions, YargsOption>> = {
  runner: { type: "string", default: "direct", describe: "Runner that executes the pipeline", group: "Pipeline options:" },
  parallelism: {
    type: "number",
    default: Math.max(1, os.availableParallelism()),
    describe: "threads and process runners: workers (default: number of cores)",
    group: "Parallel runner options:",
  },
  maxAttempts: {
    type: "number",
    default: 3,
    describe: "threads and process runners: attempts per bundle when its worker dies (process runner: or its DoFn throws)",
    group: "Parallel runner options:",
  },
  tempDir: {
    type: "string",
    default: os.tmpdir(),
    describe: "process runner: each run makes a private directory (0700) here for its shuffle and spill files",
    group: "Parallel runner options:",
  },
  memoryMb: {
    type: "number",
    default: 512,
    describe: "process runner: memory budget (MiB) per worker: grouping spills to disk past it, and the worker heap is capped at it + 128",
    group: "Parallel runner options:",
  },
  quiet: { type: "boolean", default: false, describe: "No progress output", group: "Pipeline options:" },
  stats: {
    type: "boolean",
    default: false,
    describe: "threads and process runners: print per-stage statistics at the end",
    group: "Parallel runner options:",
  },
  enforceImmutability: {
    type: "boolean",
    default: true,
    describe: "direct runner: freeze emitted elements so mutating them fails at once, and check that elements crossing a boundary encode",
    group: "Direct runner options:",
  },
  orderSeed: {
    type: "number",
    describe: "direct runner: shuffle bundle, key and value order with this seed",
    group: "Direct runner options:",
  },
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
      "and (threads and process runners) a task may run before its worker is presumed hung and replaced; 0 = no limit",
    group: "Pipeline options:",
  },
};

/**
 * The default value of every standard option (`orderSeed` and `maxDuration` have none, so they are absent).
 * @example
 * defaultOptions().runner; // "direct"
 */
export function defaultOptions(): StandardOptions {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(STANDARD_OPTIONS)) {
    if ("default" in spec) out[name] = spec.default;
  }
  return out as unknown as StandardOptions;
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
  for (const name of ["parallelism", "memoryMb", "maxAttempts"] as const) {
    const v = options[name];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || !Number.isInteger(v)) {
      throw new UsageError(`--${name} must be a positive integer, got ${String(v)}`);
    }
  }
  const d = options.maxDuration;
  if (d !== undefined && !(typeof d === "number" && Number.isFinite(d) && d > 0)) {
    throw new UsageError(`--maxDuration must be a positive number of seconds, got ${String(d)}`);
  }
  const t = options.taskTimeout;
  if (t !== undefined && !(typeof t === "number" && Number.isFinite(t) && t >= 0)) {
    throw new UsageError(`--taskTimeout must be a number of seconds (0 for no limit), got ${String(t)}`);
  }
}
