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

/** Options of {@link distinct}. */
export interface DistinctOptions<T> {
  /**
   * Elements are the same when this gives equal values (by deterministic equality); one element of each such
   * set survives (Beam's `Distinct.withRepresentativeValueFn`). Default: the element itself.
   */
  readonly representative?: (element: T) => unknown;
}

/** Keeps the first value it is given (in a one-element array, so that any value, `undefined` too, is kept). */
const FIRST: CombineFn<unknown, unknown[], unknown> = {
  createAccumulator: () => [],
  addInput: (acc, x) => (acc.length > 0 ? acc : [x]),
  mergeAccumulators: (accs) => accs.find((a) => a.length > 0) ?? [],
  extractOutput: (acc) => acc[0],
};

/**
 * Removes duplicate elements, per window (which copy of equal elements survives is unspecified). Under a
 * trigger other than the default, a value's key fires in every pane that got it again; as in Beam, only its
 * first pane is kept, so each value comes out once per window, when its window first fires for it.
 * @example
 * const visitors: PCollection<string> = visits.map((v) => v.userId).apply(distinct());
 * const oneVisitPerUser: PCollection<Visit> = visits.apply(distinct({ representative: (v) => v.userId }));
 */
export function distinct<T>(options: DistinctOptions<T> = {}): PTransform<PCollection<T>, PCollection<T>> {
  const representative = options.representative;
  if (representative !== undefined && typeof representative !== "function") throw new TypeError("distinct: representative must be a function");
  return {
    name: "Distinct",
    expand: (input) => {
      // Keyed by the element (value unused) or by its representative (value: the element).
      const combined: PCollection<KV<unknown, unknown>> = representative
        ? input.map((element) => kv(representative(element), element), "KeyByRepresentative").apply(combinePerKey<unknown, unknown, unknown[], unknown>(FIRST))
        : input.map((element) => kv(element as unknown, null), "PairWithVoid").apply(combinePerKey<unknown, null, null, null>(NOTHING));
      const pick = (e: KV<unknown, unknown>) => (representative ? e.value : e.key) as T;
      if (input.windowing.trigger.kind === "Default") return combined.map(pick, representative ? "Values" : "Keys");
      return combined.parDo<T>(
        {
          process(e: KV<unknown, unknown>, ctx: ProcessContext<T>) {
            if (ctx.pane.isFirst) ctx.output(pick(e));
          },
        },
        { name: "FirstPanes" },
      );
    },
  };
}
