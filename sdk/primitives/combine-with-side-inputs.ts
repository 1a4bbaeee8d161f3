/**
 * The per-key combine with side inputs (Beam's `Combine.perKey(fn).withSideInputs(...)`): GroupByKey, then a
 * ParDo that combines each group with a {@link CombineFnWithContext}, reading the side inputs for the group's
 * window. Not annotated with its CombineFn, so no runner lifts it (see `combine-fn-with-context.ts` for why).
 *
 * ```
 *  KV<K, I> ─ GroupByKey ─ Combine(sideInputs) ─► KV<K, O>
 * ```
 * @module
 */
import { combineValuesWithContext, type CombineContext, type CombineFnWithContext } from "../model/combine-fn-with-context.js";
import { kv, type KV } from "../model/kv.js";
import type { PCollectionView } from "../model/view.js";
import type { BoundedWindow } from "../model/window.js";
import type { PCollection } from "../pcollection.js";
import type { PTransform } from "../ptransform.js";
import { groupByKey } from "./group-by-key.js";
import { parDo } from "./par-do.js";

/** Options of a combine whose CombineFn reads side inputs. */
export interface CombineWithSideInputsOptions {
  /** The views the CombineFn reads with `ctx.sideInput(view)` (Beam's `withSideInputs`). */
  readonly sideInputs: readonly PCollectionView<unknown>[];
}

/**
 * Combines each key's values with a CombineFnWithContext that reads `sideInputs`; what `combinePerKey(fn, {
 * sideInputs })` applies.
 * @example
 * pairs.apply(combinePerKeyWithSideInputs(sumAbove, [threshold]));
 */
export function combinePerKeyWithSideInputs<K, I, A, O, W extends BoundedWindow = BoundedWindow>(
  combineFn: CombineFnWithContext<I, A, O>,
  sideInputs: readonly PCollectionView<unknown>[],
): PTransform<PCollection<KV<K, I>, W>, PCollection<KV<K, O>, W>> {
  if (!Array.isArray(sideInputs)) throw new TypeError("combinePerKey: sideInputs must be a list of views (asSingleton, asIterable, ...)");
  return {
    name: "CombinePerKey",
    expand: (input) =>
      input.apply(groupByKey<K, I, W>()).apply(
        "Combine",
        parDo<KV<K, readonly I[]>, KV<K, O>, W>(
          {
            process(group, ctx) {
              const context: CombineContext = { sideInput: (view) => ctx.sideInput(view) };
              ctx.output(kv(group.key, combineValuesWithContext(combineFn, group.value, context)));
            },
          },
          sideInputs,
        ),
      ),
  };
}
