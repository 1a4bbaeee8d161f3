/**
 * `keys`: the key of every KV.
 * @module
 */
import type { BoundedWindow, KV, PCollection, PTransform } from "../sdk/index.js";

/**
 * Keeps the key of every element (duplicates stay).
 * @example
 * const words: PCollection<string> = counts.apply(keys());
 */
export function keys<K, V, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<KV<K, V>, W>, PCollection<K, W>> {
  return { name: "Keys", expand: (input) => input.map((e) => e.key) };
}
