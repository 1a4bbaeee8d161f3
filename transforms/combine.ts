/**
 * Global combines, and helpers to make CombineFns. `combinePerKey` is the SDK's (a composite runners may lift);
 * it is re-exported here so that all combines come from one place.
 *
 * `combineGlobally` keys every element to one key and combines per key, then makes sure there is an output even
 * for an empty input (as Beam does):
 *
 * ```
 *  input ─ KeyWithVoid ─ CombinePerKey ─ Values ─────────────────────────────┬─ Flatten ─► one value
 *                                          │ asIterable (side input)         │
 *  Impulse ─────────────────────────── DefaultIfEmpty: extractOutput(        │
 *                                        createAccumulator()) if empty ──────┘
 * ```
 *
 * The default is only defined for the global window (an empty window of another windowing does not exist), so,
 * as in Beam, a combine with defaults on any other windowing fails when it is applied: pass
 * `{ withoutDefaults: true }` (every global combine takes it), which emits one value per window that has data.
 * @module
 */
import {
  asIterable,
  combinePerKey,
  flatten,
  impulse,
  kv,
  windowInto,
  type CombineContext,
  type CombineFn,
  type CombineFnWithContext,
  type CombineWithSideInputsOptions,
  type PCollection,
  type PTransform,
} from "../sdk/index.js";

export { combinePerKey } from "../sdk/index.js";

/** Options of {@link combineGlobally}. */
export interface CombineGloballyOptions {
  /**
   * No output at all for an empty input, instead of the combine of nothing (Beam's `withoutDefaults()`). Required
   * when the input is not in the global window: a default there would need a value for every window that has no
   * data, so a combine with defaults on such input fails when it is applied.
   */
  readonly withoutDefaults?: boolean;
}

/**
 * Combines all elements (of each window) into one value. For an empty globally windowed input it emits
 * `extractOutput(createAccumulator())`, e.g. 0 for a sum. On input in other windows pass `{ withoutDefaults: true }`
 * (one value per window with data); without it the transform fails when it is applied, as Beam's does.
 * @example
 * const total: PCollection<number> = amounts.apply(combineGlobally(sumFn()));
 * const perMinute = amounts.apply(windowInto(new FixedWindows(60_000))).apply(combineGlobally(sumFn(), { withoutDefaults: true }));
 */
export function combineGlobally<I, A, O>(combineFn: CombineFn<I, A, O>, options?: CombineGloballyOptions): PTransform<PCollection<I>, PCollection<O>>;
/**
 * Combines all elements (of each window) with a CombineFn that reads side inputs (a {@link CombineFnWithContext};
 * Beam's `Combine.globally(fn).withSideInputs(...)`), for the window being combined; the default for an empty
 * input is `extractOutput(createAccumulator(ctx), ctx)` with the side inputs of the global window. Not lifted
 * before the shuffle (see `combinePerKey`).
 * @example
 * const rate = asSingleton(rates.apply(latestGlobally()));
 * const total = amounts.apply(combineGlobally(sumConverted, { sideInputs: [rate] })); // reads ctx.sideInput(rate)
 */
export function combineGlobally<I, A, O>(
  combineFn: CombineFnWithContext<I, A, O>,
  options: CombineGloballyOptions & CombineWithSideInputsOptions,
): PTransform<PCollection<I>, PCollection<O>>;
export function combineGlobally<I, A, O>(
  combineFn: CombineFn<I, A, O> | CombineFnWithContext<I, A, O>,
  options: CombineGloballyOptions & Partial<CombineWithSideInputsOptions> = {},
): PTransform<PCollection<I>, PCollection<O>> {
  const sideInputs = options.sideInputs;
  return {
    name: "CombineGlobally",
    expand(input) {
      const keyed = input.map((element) => kv(null, element), "KeyWithVoid");
      const perKey =
        sideInputs === undefined
          ? keyed.apply(combinePerKey<null, I, A, O>(combineFn as CombineFn<I, A, O>))
          : keyed.apply(combinePerKey<null, I, A, O>(combineFn as CombineFnWithContext<I, A, O>, { sideInputs }));
      const combined = perKey.map((e) => e.value, "Values");
      if (options.withoutDefaults) return combined;
      if (input.windowing.windowFn.description !== "GlobalWindows") {
        throw new Error(
          `default values are not supported in a global combine if the input is not in the global window ` +
            `(it is windowed by ${input.windowing.windowFn.description}); pass { withoutDefaults: true } for one value per window with data`,
        );
      }
      const view = asIterable(combined);
      const withContext = combineFn as CombineFnWithContext<I, A, O>;
      const defaultIfEmpty = input.pipeline
        .apply(impulse())
        .parDo<O>(
          {
            process(_, ctx) {
              if (ctx.sideInput(view).length > 0) return;
              // A plain CombineFn ignores the context.
              const context: CombineContext = { sideInput: (v) => ctx.sideInput(v) };
              ctx.output(withContext.extractOutput(withContext.createAccumulator(context), context));
            },
          },
          { sideInputs: [view, ...(sideInputs ?? [])], name: "DefaultIfEmpty" },
        )
        // The impulse has the default windowing; flatten needs the combined output's (global, maybe triggered).
        .apply(windowInto<O>(combined.windowing.windowFn, combined.windowing));
      return input.pipeline.apply(flatten([combined, defaultIfEmpty]));
    },
  };
}

/**
 * A CombineFn from an associative, commutative binary operation and its identity (the result for no input).
 * The accumulator is the value itself, so it must be immutable or treated as such.
 * @example
 * const product = binaryCombineFn((a: number, b: number) => a * b, 1);
 * numbers.apply(combineGlobally(product));
 */
export function binaryCombineFn<T>(op: (a: T, b: T) => T, identity: T): CombineFn<T, T, T> {
  return {
    createAccumulator: () => identity,
    addInput: (acc, x) => op(acc, x),
    mergeAccumulators: (accs) => accs.reduce(op),
    extractOutput: (acc) => acc,
  };
}
