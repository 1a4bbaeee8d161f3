/**
 * Minimum of numbers, globally and per key. For other types, or the n smallest, use `topSmallest`.
 * @module
 */
import { type BoundedWindow, combinePerKey, type CombineFn, type KV, type PCollection, type PTransform } from "../sdk/index.js";
import { binaryCombineFn, combineGlobally, type CombineGloballyOptions } from "./combine.js";

/**
 * The CombineFn that keeps the smallest number (`Infinity` for no input, like `Math.min()`).
 * @example
 * temperatures.apply(combinePerKey(minFn()));
 */
export function minFn(): CombineFn<number, number, number> {
  return binaryCombineFn((a: number, b: number) => Math.min(a, b), Infinity);
}

/**
 * The smallest element (`Infinity` for an empty input).
 * @example
 * const coldest: PCollection<number> = temperatures.apply(minGlobally());
 */
export function minGlobally(options: CombineGloballyOptions = {}): PTransform<PCollection<number>, PCollection<number>> {
  return { name: "MinGlobally", expand: (input) => input.apply(combineGlobally(minFn(), options)) };
}

/**
 * The smallest value of each key.
 * @example
 * const coldestPerCity: PCollection<KV<string, number>> = readings.apply(minPerKey());
 */
export function minPerKey<K, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<KV<K, number>, W>, PCollection<KV<K, number>, W>> {
  return { name: "MinPerKey", expand: (input) => input.apply(combinePerKey<K, number, number, number, W>(minFn())) };
}
