/**
 * Sums of numbers, globally and per key.
 * @module
 */
import { combinePerKey, type BoundedWindow, type CombineFn, type KV, type PCollection, type PTransform } from "../sdk/index.js";
import { binaryCombineFn, combineGlobally, type CombineGloballyOptions } from "./combine.js";

/**
 * The CombineFn that adds numbers (0 for no input).
 * @example
 * sales.apply(combinePerKey(sumFn()));
 */
export function sumFn(): CombineFn<number, number, number> {
  return binaryCombineFn((a: number, b: number) => a + b, 0);
}

/**
 * The sum of all elements (0 for an empty input).
 * @example
 * const total: PCollection<number> = amounts.apply(sumGlobally());
 */
export function sumGlobally(options: CombineGloballyOptions = {}): PTransform<PCollection<number>, PCollection<number>> {
  return { name: "SumGlobally", expand: (input) => input.apply(combineGlobally(sumFn(), options)) };
}

/**
 * The sum of the values of each key, per window (the output keeps the input's window type).
 * @example
 * const totals: PCollection<KV<string, number>> = sales.apply(sumPerKey());
 */
export function sumPerKey<K, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<KV<K, number>, W>, PCollection<KV<K, number>, W>> {
  return { name: "SumPerKey", expand: (input) => input.apply(combinePerKey<K, number, number, number, W>(sumFn())) };
}
