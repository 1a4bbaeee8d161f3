/**
 * `values`: the value of every KV.
 * @module
 */
import type { BoundedWindow, KV, PCollection, PTransform } from "../sdk/index.js";

/**
 * Keeps the value of every element.
 * @example
 * const counts: PCollection<number> = wordCounts.apply(values());
 */
export function values<K, V, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<KV<K, V>, W>, PCollection<V, W>> {
  return { name: "Values", expand: (input) => input.map((e) => e.value) };
}
