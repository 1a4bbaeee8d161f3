/**
 * `values`: the value of every KV.
 * @module
 */
import type { KV, PCollection, PTransform } from "../sdk/index.js";

/**
 * Keeps the value of every element.
 * @example
 * const counts: PCollection<number> = wordCounts.apply(values());
 */
export function values<K, V>(): PTransform<PCollection<KV<K, V>>, PCollection<V>> {
  return { name: "Values", expand: (input) => input.map((e) => e.value) };
}
