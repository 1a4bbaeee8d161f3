/**
 * `kvSwap`: turns `KV(k, v)` into `KV(v, k)`.
 * @module
 */
import { kv, type KV, type PCollection, type PTransform } from "../sdk/index.js";

/**
 * Swaps the key and the value of every element.
 * @example
 * const byCount: PCollection<KV<number, string>> = wordCounts.apply(kvSwap());
 */
export function kvSwap<K, V>(): PTransform<PCollection<KV<K, V>>, PCollection<KV<V, K>>> {
  return { name: "KvSwap", expand: (input) => input.map((e) => kv(e.value, e.key)) };
}
