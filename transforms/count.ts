/**
 * Counting: all elements, elements per key, and occurrences of each distinct element.
 * @module
 */
import { combinePerKey, kv, type BoundedWindow, type CombineFn, type KV, type PCollection, type PTransform } from "../sdk/index.js";
import { combineGlobally, type CombineGloballyOptions } from "./combine.js";

/**
 * The CombineFn that counts its inputs.
 * @example
 * pairs.apply(combinePerKey(countFn()));
 */
export function countFn(): CombineFn<unknown, number, number> {
  return {
    createAccumulator: () => 0,
    addInput: (n) => n + 1,
    mergeAccumulators: (ns) => ns.reduce((a, b) => a + b, 0),
    extractOutput: (n) => n,
  };
}

/**
 * The number of elements (0 for an empty input).
 * @example
 * const lines: PCollection<number> = p.apply(readText("in.txt")).apply(countGlobally());
 */
export function countGlobally<T>(options: CombineGloballyOptions = {}): PTransform<PCollection<T>, PCollection<number>> {
  return { name: "CountGlobally", expand: (input) => input.apply(combineGlobally<T, number, number>(countFn(), options)) };
}

/**
 * The number of values of each key, per window (the output keeps the input's window type).
 * @example
 * const ordersPerCustomer: PCollection<KV<string, number>> = orders.apply(countPerKey());
 */
export function countPerKey<K, V, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<KV<K, V>, W>, PCollection<KV<K, number>, W>> {
  return { name: "CountPerKey", expand: (input) => input.apply(combinePerKey<K, V, number, number, W>(countFn())) };
}

/**
 * How often each distinct element occurs (elements compared by their deterministic encoding, like keys), per
 * window (the output keeps the input's window type).
 * @example
 * const wordCounts: PCollection<KV<string, number>> = words.apply(countPerElement());
 */
export function countPerElement<T, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<T, W>, PCollection<KV<T, number>, W>> {
  return {
    name: "CountPerElement",
    expand: (input) => input.map((element) => kv(element, null), "PairWithVoid").apply(countPerKey<T, null, W>()),
  };
}
