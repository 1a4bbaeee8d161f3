/**
 * Maximum of numbers, globally and per key. For other types, or the n largest, use `topLargest`.
 * @module
 */
import { type BoundedWindow, combinePerKey, type CombineFn, type KV, type PCollection, type PTransform } from "../sdk/index.js";
import { binaryCombineFn, combineGlobally, type CombineGloballyOptions } from "./combine.js";

/**
 * The CombineFn that keeps the largest number (`-Infinity` for no input, like `Math.max()`).
 * @example
 * temperatures.apply(combinePerKey(maxFn()));
 */
export function maxFn(): CombineFn<number, number, number> {
  return binaryCombineFn((a: number, b: number) => Math.max(a, b), -Infinity);
}

/**
 * The largest element (`-Infinity` for an empty input).
 * @example
 * const hottest: PCollection<number> = temperatures.apply(maxGlobally());
 */
export function maxGlobally(options: CombineGloballyOptions = {}): PTransform<PCollection<number>, PCollection<number>> {
  return { name: "MaxGlobally", expand: (input) => input.apply(combineGlobally(maxFn(), options)) };
}

/**
 * The largest value of each key.
 * @example
 * const hottestPerCity: PCollection<KV<string, number>> = readings.apply(maxPerKey());
 */
export function maxPerKey<K, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<KV<K, number>, W>, PCollection<KV<K, number>, W>> {
  return { name: "MaxPerKey", expand: (input) => input.apply(combinePerKey<K, number, number, number, W>(maxFn())) };
}
