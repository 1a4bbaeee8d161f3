/**
 * `keys`: the key of every KV.
 * @module
 */
import type { KV, PCollection, PTransform } from "../sdk/index.js";

/**
 * Keeps the key of every element (duplicates stay).
 * @example
 * const words: PCollection<string> = counts.apply(keys());
 */
export function keys<K, V>(): PTransform<PCollection<KV<K, V>>, PCollection<K>> {
  return { name: "Keys", expand: (input) => input.map((e) => e.key) };
}
