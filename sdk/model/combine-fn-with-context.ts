/**
 * CombineFnWithContext (Beam's `CombineWithContext.CombineFnWithContext`): a CombineFn whose methods also get a
 * context, from which they read side inputs. Used through `combinePerKey(fn, { sideInputs })` and
 * `combineGlobally(fn, { sideInputs })` (Beam's `Combine.perKey(fn).withSideInputs(...)`).
 *
 * ```
 *  KV<K, I> ─ GroupByKey ─ Combine (a ParDo with the side inputs): per key and window,
 *                            createAccumulator(ctx), addInput(a, x, ctx)..., extractOutput(a, ctx)
 * ```
 *
 * Such a combine is never lifted before the shuffle: a partial combine there would read side inputs for the
 * windows elements have before grouping (before a session merges, say), and before they are ready. So the
 * runner groups first and combines each group in one ParDo that reads the side inputs for the group's window;
 * `mergeAccumulators` is not called on that path (it is part of the interface so one fn serves every combine).
 * @module
 */
import type { PCollectionView } from "./view.js";

/**
 * What a {@link CombineFnWithContext}'s methods can see: the side inputs passed to the combine, for the window of
 * the key (or, for a global combine, of the window) being combined.
 * @example
 * addInput: (sum, x, ctx) => sum + x * ctx.sideInput(rate),
 */
export interface CombineContext {
  /** The value of a side input listed in the combine's `sideInputs`, for the window being combined. */
  sideInput<V>(view: PCollectionView<V>): V;
}

/**
 * A CombineFn whose methods get a {@link CombineContext} (side inputs). A plain `CombineFn` is one too (it
 * ignores the context).
 * @typeParam I input type
 * @typeParam A accumulator type
 * @typeParam O output type
 * @example
 * // The sum of each key's values above a threshold computed elsewhere in the pipeline.
 * const threshold = asSingleton(limits.apply(maxGlobally()));
 * const sumAbove: CombineFnWithContext<number, number, number> = {
 *   createAccumulator: () => 0,
 *   addInput: (sum, x, ctx) => (x > ctx.sideInput(threshold) ? sum + x : sum),
 *   mergeAccumulators: (sums) => sums.reduce((a, b) => a + b, 0),
 *   extractOutput: (sum) => sum,
 * };
 * pairs.apply(combinePerKey(sumAbove, { sideInputs: [threshold] }));
 */
export interface CombineFnWithContext<I, A, O> {
  /** A new, empty accumulator. */
  createAccumulator(ctx: CombineContext): A;
  /** Adds one input; may mutate and return `accumulator` or return a new one. */
  addInput(accumulator: A, input: I, ctx: CombineContext): A;
  /** Merges accumulators; may mutate and return the first. Never called with an empty list. */
  mergeAccumulators(accumulators: A[], ctx: CombineContext): A;
  /** The output of one key and window from its accumulator. */
  extractOutput(accumulator: A, ctx: CombineContext): O;
}

/**
 * Applies `combineFn` to the values of a group with the given context: what the Combine ParDo of a combine with
 * side inputs does for each group.
 * @example
 * combineValuesWithContext(sumAbove, [1, 5, 9], { sideInput: () => 4 }); // 14
 */
export function combineValuesWithContext<I, A, O>(combineFn: CombineFnWithContext<I, A, O>, values: readonly I[], ctx: CombineContext): O {
  let acc = combineFn.createAccumulator(ctx);
  for (let i = 0; i < values.length; i++) acc = combineFn.addInput(acc, values[i]!, ctx);
  return combineFn.extractOutput(acc, ctx);
}
