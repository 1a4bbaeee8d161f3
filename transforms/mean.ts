/**
 * Arithmetic mean of numbers, globally and per key.
 * @module
 */
import { type BoundedWindow, combinePerKey, type CombineFn, type KV, type PCollection, type PTransform } from "../sdk/index.js";
import { combineGlobally, type CombineGloballyOptions } from "./combine.js";

/** `[sum, count]`: a tuple rather than a record because it crosses the shuffle, where it encodes smaller. */
export type MeanAccumulator = readonly [sum: number, count: number];

/**
 * The CombineFn that averages numbers (`NaN` for no input). Accumulators are never mutated, so a runner may
 * freeze them.
 * @example
 * ratings.apply(combinePerKey(meanFn()));
 */
export function meanFn(): CombineFn<number, MeanAccumulator, number> {
  return {
    createAccumulator: () => [0, 0],
    addInput: ([sum, count], x) => [sum + x, count + 1],
    mergeAccumulators: (accs) => accs.reduce(([s1, c1], [s2, c2]) => [s1 + s2, c1 + c2]),
    extractOutput: ([sum, count]) => (count === 0 ? NaN : sum / count),
  };
}

/**
 * The mean of all elements (`NaN` for an empty input).
 * @example
 * const averageRating: PCollection<number> = ratings.apply(meanGlobally());
 */
export function meanGlobally(options: CombineGloballyOptions = {}): PTransform<PCollection<number>, PCollection<number>> {
  return { name: "MeanGlobally", expand: (input) => input.apply(combineGlobally(meanFn(), options)) };
}

/**
 * The mean of the values of each key.
 * @example
 * const averagePerFilm: PCollection<KV<string, number>> = ratings.apply(meanPerKey());
 */
export function meanPerKey<K, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<KV<K, number>, W>, PCollection<KV<K, number>, W>> {
  return { name: "MeanPerKey", expand: (input) => input.apply(combinePerKey<K, number, MeanAccumulator, number, W>(meanFn())) };
}
