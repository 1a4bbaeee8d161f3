/**
 * `distinct`: one of each element, by deterministic equality (the encoding keys are compared by), so two objects
 * with the same fields in another property order are the same element.
 * @module
 */
import { combinePerKey, kv, type CombineFn, type KV, type PCollection, type ProcessContext, type PTransform } from "../sdk/index.js";

/** Keeps nothing: the key is the result. A combine (not a bare GroupByKey) so a runner can drop duplicates early. */
const NOTHING: CombineFn<null, null, null> = {
  createAccumulator: () => null,
  addInput: () => null,
  mergeAccumulators: () => null,
  extractOutput: () => null,
};

/**
 * Removes duplicate elements, per window (which copy of equal elements survives is unspecified). Under a
 * trigger other than the default, a value's key fires in every pane that got it again; as in Beam, only its
 * first pane is kept, so each value comes out once per window, when its window first fires for it.
 * @example
 * const visitors: PCollection<string> = visits.map((v) => v.userId).apply(distinct());
 */
export function distinct<T>(): PTransform<PCollection<T>, PCollection<T>> {
  return {
    name: "Distinct",
    expand: (input) => {
      const combined = input.map((element) => kv(element, null), "PairWithVoid").apply(combinePerKey<T, null, null, null>(NOTHING));
      if (input.windowing.trigger.kind === "Default") return combined.map((e) => e.key, "Keys");
      return combined.parDo<T>(
        {
          process(e: KV<T, null>, ctx: ProcessContext<T>) {
            if (ctx.pane.isFirst) ctx.output(e.key);
          },
        },
        { name: "KeysOfFirstPanes" },
      );
    },
  };
}
