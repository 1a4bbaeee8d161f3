/**
 * `sampleAny` (Beam's `Sample.any`): at most `n` elements of each window, whichever come first.
 * @module
 */
import { type CombineFn, type PCollection, type PTransform } from "../sdk/index.js";
import { combineGlobally } from "./combine.js";

/**
 * At most `limit` elements per window, arbitrarily chosen (the cheapest sample: no randomness, no ordering; use
 * `sampleFixedSize` for a uniform one). Nothing for an empty window.
 * @throws RangeError when `limit` is not a non-negative integer
 * @example
 * const preview: PCollection<string> = lines.apply(sampleAny(10));
 */
export function sampleAny<T>(limit: number): PTransform<PCollection<T>, PCollection<T>> {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`sampleAny: limit must be a non-negative integer, got ${String(limit)}`);
  const fn: CombineFn<T, T[], T[]> = {
    createAccumulator: () => [],
    addInput: (acc, x) => {
      if (acc.length < limit) acc.push(x);
      return acc;
    },
    mergeAccumulators: (accs) => {
      const out: T[] = [];
      for (const a of accs) for (const x of a) if (out.length < limit) out.push(x);
      return out;
    },
    extractOutput: (acc) => acc,
  };
  return {
    name: "SampleAny",
    expand: (input) => input.apply(combineGlobally(fn, { withoutDefaults: true })).flatMap((xs) => xs, "Elements"),
  };
}
