/**
 * The direct runner's own options: its model checks. Declared here and listed in the registry
 * (`runners/registry.ts`), so `--help` shows them under the direct runner and the SDK knows only the standard
 * options.
 * @module
 */
import type { Options as YargsOption } from "yargs";
import type { PipelineOptions } from "../../sdk/options.js";
import { optionDefaults } from "../../sdk/options.js";

/** What the direct runner reads besides the standard options. */
export interface DirectOptions {
  /**
   * Freeze what sources, DoFns and grouping sides emit so a DoFn that mutates its input or output fails at once,
   * and check that elements crossing a boundary (shuffles, bundles, side inputs) encode as on the parallel runners.
   */
  enforceImmutability: boolean;
  /** Shuffle split, bundle, value and pane order with this seed, to expose reliance on order. */
  orderSeed: number | undefined;
}

/** The yargs declarations of {@link DirectOptions}. */
export const DIRECT_OPTIONS: Readonly<Record<keyof DirectOptions, YargsOption>> = {
  enforceImmutability: {
    type: "boolean",
    default: true,
    describe: "freeze emitted elements so mutating them fails at once, and check that elements crossing a boundary encode",
  },
  orderSeed: {
    type: "number",
    describe: "shuffle split, bundle, value and pane order with this seed, to expose reliance on order",
  },
};

/** The direct runner's options of a job, with their defaults where unset. */
export function directOptions(options: PipelineOptions): DirectOptions & PipelineOptions {
  return { ...optionDefaults(DIRECT_OPTIONS), ...options } as DirectOptions & PipelineOptions;
}
