/**
 * The process runner's options: the parallel runners' (`runners/shared/parallel-options.ts`) and its memory
 * budget. Listed in the registry (`runners/registry.ts`).
 * @module
 */
import type { Options as YargsOption } from "yargs";
import { optionDefaults, type PipelineOptions } from "../../sdk/options.js";
import { PARALLEL_OPTIONS, requirePositiveIntegers, validateParallelOptions, type ParallelOptions } from "../shared/parallel-options.js";

/** What the process runner reads besides the standard options. */
export interface ProcessOptions extends ParallelOptions {
  /**
   * The memory budget per worker, in MiB: grouping spills to disk past it, and each worker's heap is capped at it
   * plus a fixed allowance for code and bundles in flight.
   */
  memoryMb: number;
}

/** The yargs declarations of {@link ProcessOptions}. */
export const PROCESS_OPTIONS: Readonly<Record<keyof ProcessOptions, YargsOption>> = {
  ...PARALLEL_OPTIONS,
  memoryMb: {
    type: "number",
    default: 512,
    describe: "memory budget (MiB) per worker: grouping spills to disk past it, and the worker heap is capped at it + 128",
  },
};

/** The process runner's options of a job, with their defaults where unset. */
export function processOptions(options: PipelineOptions): ProcessOptions & PipelineOptions {
  return { ...optionDefaults(PROCESS_OPTIONS), ...options } as ProcessOptions & PipelineOptions;
}

/** Checks the values of {@link ProcessOptions} that yargs cannot. @throws UsageError */
export function validateProcessOptions(options: PipelineOptions): void {
  validateParallelOptions(options);
  requirePositiveIntegers(options, ["memoryMb"]);
}
