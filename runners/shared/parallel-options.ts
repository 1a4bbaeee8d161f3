/**
 * The options of the parallel runners (threads and process), declared once here and listed by both registry
 * entries (`runners/registry.ts`); the process runner adds its own (`runners/process/process-options.ts`).
 * @module
 */
import os from "node:os";
import type { Options as YargsOption } from "yargs";
import { optionDefaults, type PipelineOptions } from "../../sdk/options.js";
import { UsageError } from "../../sdk/usage-error.js";

/** What both parallel runners read besides the standard options. */
export interface ParallelOptions {
  /** How many workers (default: the number of cores). */
  parallelism: number;
  /**
   * How many times a bundle runs before the job fails: after its worker died (threads and process runners) or its
   * user code threw (process runner).
   */
  maxAttempts: number;
  /**
   * Where each run makes its private directory (mode 0700) for its temporary files: the process runner's shuffle
   * and spill files, and on both runners the private directories their workers' sinks make. Default: the OS temp
   * directory.
   */
  tempDir: string;
}

/** The yargs declarations of {@link ParallelOptions}. */
export const PARALLEL_OPTIONS: Readonly<Record<keyof ParallelOptions, YargsOption>> = {
  parallelism: {
    type: "number",
    default: Math.max(1, os.availableParallelism()),
    defaultDescription: "number of cores",
    describe: "workers",
  },
  maxAttempts: {
    type: "number",
    default: 3,
    describe: "attempts per bundle when its worker dies (process and nats runners: or its DoFn throws)",
  },
  tempDir: {
    type: "string",
    default: os.tmpdir(),
    describe: "each run makes a private directory (0700) here for its temporary files (process runner: shuffle and spill)",
  },
};

/** The parallel runners' options of a job, with their defaults where unset. */
export function parallelOptions(options: PipelineOptions): ParallelOptions & PipelineOptions {
  return { ...optionDefaults(PARALLEL_OPTIONS), ...options } as ParallelOptions & PipelineOptions;
}

/** @throws UsageError naming the first of `names` whose value is not a positive integer */
export function requirePositiveIntegers(options: PipelineOptions, names: readonly string[]): void {
  for (const name of names) {
    const v = options[name];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || !Number.isInteger(v)) {
      throw new UsageError(`--${name} must be a positive integer, got ${String(v)}`);
    }
  }
}

/** Checks the values of {@link ParallelOptions} that yargs cannot. @throws UsageError */
export function validateParallelOptions(options: PipelineOptions): void {
  requirePositiveIntegers(options, ["parallelism", "maxAttempts"]);
}
