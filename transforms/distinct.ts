/**
 * `distinct`: one of each element, by deterministic equality (the encoding keys are compared by), so two objects
 * with the same fields in another property order are the same element.
 * @module
 */
import { combinePerKey, kv, type CombineFn, type PCollection, type PTransform } from "../sdk/index.js";

/** Keeps nothing: the key is the result. A combine (not a bare GroupByKey) so a runner can drop duplicates early. */
const NOTHING: CombineFn<null, null, null> = {
  createAccumulator: () => null,
  addInput: () => null,
  mergeAccumulators: () => null,
  extractOutput: () => null,
};

/**
 * Removes duplicate elements (which copy of equal elements survives is unspecified).
 * @example
 * const visitors: PCollection<string> = visits.map((v) => v.userId).apply(distinct());
 */
export function distinct<T>(): PTransform<PCollection<T>, PCollection<T>> {
  return {
    name: "Distinct",
    expand: (input) =>
      input
        .map((element) => kv(element, null), "PairWithVoid")
        .apply(combinePerKey<T, null, null, null>(NOTHING))
        .map((e) => e.key, "Keys"),
  };
}
