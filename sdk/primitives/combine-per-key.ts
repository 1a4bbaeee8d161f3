/**
 * Combine.perKey: GroupByKey followed by a CombineFn over each group. A composite the runners recognise and lift:
 * they combine partially before the shuffle and merge accumulators after it, so a hot key never holds all its
 * values at once.
 * @module
 */
import type { CombineFn } from "../model/combine-fn.js";
import { kv, type KV } from "../model/kv.js";
import type { PCollection } from "../pcollection.js";
import type { PTransform } from "../ptransform.js";
import { groupByKey } from "./group-by-key.js";
import { parDo } from "./par-do.js";

/**
 * Applies `combineFn` to the values of a group: the unlifted path, and the definition lifting must agree with.
 * @example
 * combineValues(sumFn(), [1, 2, 3]); // 6
 */
export function combineValues<I, A, O>(combineFn: CombineFn<I, A, O>, values: readonly I[]): O {
  let acc = combineFn.createAccumulator();
  for (let i = 0; i < values.length; i++) acc = combineFn.addInput(acc, values[i]!);
  return combineFn.extractOutput(acc);
}

/**
 * Combines the values of each key.
 * @example
 * const totals = sales.apply(combinePerKey(sumFn())); // KV<product, total>
 */
export function combinePerKey<K, I, A, O>(combineFn: CombineFn<I, A, O>): PTransform<PCollection<KV<K, I>>, PCollection<KV<K, O>>> {
  for (const m of ["createAccumulator", "addInput", "mergeAccumulators", "extractOutput"] as const) {
    if (typeof combineFn?.[m] !== "function") throw new TypeError(`combinePerKey needs a CombineFn; ${m}() is missing`);
  }
  return {
    name: "CombinePerKey",
    expand(input) {
      input.pipeline.annotateComposite({ combineFn: combineFn as CombineFn<unknown, unknown, unknown> });
      return input.apply(groupByKey<K, I>()).apply(
        "Combine",
        parDo<KV<K, readonly I[]>, KV<K, O>>({
          process(group, ctx) {
            ctx.output(kv(group.key, combineValues(combineFn, group.value)));
          },
        }),
      );
    },
  };
}
