/**
 * `withKeys`: pairs every element with a key computed from it.
 * @module
 */
import { type BoundedWindow, kv, parDo, type KV, type PCollection, type PTransform } from "../sdk/index.js";

/**
 * Makes `KV(fn(element), element)` of every element.
 * @example
 * const byLength: PCollection<KV<number, string>> = words.apply(withKeys((w: string) => w.length));
 */
export function withKeys<T, K, W extends BoundedWindow = BoundedWindow>(fn: (element: T) => K): PTransform<PCollection<T, W>, PCollection<KV<K, T>, W>> {
  if (typeof fn !== "function") throw new TypeError(`withKeys needs a function, got ${typeof fn}`);
  return {
    name: "WithKeys",
    expand: (input) =>
      input.apply(
        parDo<T, KV<K, T>, W>({
          process(element, ctx) {
            ctx.output(kv(fn(element), element));
          },
        }),
      ),
  };
}
