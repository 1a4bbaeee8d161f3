/**
 * `kvSwap`: turns `KV(k, v)` into `KV(v, k)`.
 * @module
 */
import { type BoundedWindow, kv, type KV, type PCollection, type PTransform } from "../sdk/index.js";

/**
 * Swaps the key and the value of every element.
 * @example
 * const byCount: PCollection<KV<number, string>> = wordCounts.apply(kvSwap());
 */
export function kvSwap<K, V, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<KV<K, V>, W>, PCollection<KV<V, K>, W>> {
  return { name: "KvSwap", expand: (input) => input.map((e) => kv(e.value, e.key)) };
}
