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
import type { BoundedWindow } from "../model/window.js";
import { groupByKey } from "./group-by-key.js";
import { parDo } from "./par-do.js";
import { configureWindowing } from "./assign-windows.js";
import type { CombineFnWithContext } from "../model/combine-fn-with-context.js";
import { combinePerKeyWithSideInputs, type CombineWithSideInputsOptions } from "./combine-with-side-inputs.js";

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

/** Options of {@link combinePerKey}. */
export interface CombinePerKeyOptions<K> {
  /**
   * Beam's `withHotKeyFanout`: spread each key's values over this many intermediate keys (or as many as the
   * function says for a key), combine those in parallel, then merge their accumulators per key. For keys with so
   * many values that one worker's combine is the bottleneck. 1 (the default) does nothing. Default trigger only.
   */
  readonly hotKeyFanout?: number | ((key: K) => number);
}

/**
 * Combines the values of each key, per window: the output keeps the input's window type `W`.
 * @example
 * const totals = sales.apply(combinePerKey(sumFn())); // KV<product, total>
 * const hot = clicks.apply(combinePerKey(countFn(), { hotKeyFanout: 16 }));
 */
export function combinePerKey<K, I, A, O, W extends BoundedWindow = BoundedWindow>(
  combineFn: CombineFn<I, A, O>,
  options?: CombinePerKeyOptions<K>,
): PTransform<PCollection<KV<K, I>, W>, PCollection<KV<K, O>, W>>;
/**
 * Combines the values of each key with a CombineFn that reads side inputs (a {@link CombineFnWithContext}; Beam's
 * `Combine.perKey(fn).withSideInputs(...)`), for the window of each key's group. It groups first and combines
 * each group in one step: such a combine is not lifted before the shuffle. No `hotKeyFanout` with side inputs.
 * @example
 * const threshold = asSingleton(limits.apply(maxGlobally()));
 * pairs.apply(combinePerKey(sumAbove, { sideInputs: [threshold] })); // sumAbove reads ctx.sideInput(threshold)
 */
export function combinePerKey<K, I, A, O, W extends BoundedWindow = BoundedWindow>(
  combineFn: CombineFnWithContext<I, A, O>,
  options: CombineWithSideInputsOptions,
): PTransform<PCollection<KV<K, I>, W>, PCollection<KV<K, O>, W>>;
export function combinePerKey<K, I, A, O, W extends BoundedWindow = BoundedWindow>(
  combineFn: CombineFn<I, A, O> | CombineFnWithContext<I, A, O>,
  options: CombinePerKeyOptions<K> & Partial<CombineWithSideInputsOptions> = {},
): PTransform<PCollection<KV<K, I>, W>, PCollection<KV<K, O>, W>> {
  for (const m of ["createAccumulator", "addInput", "mergeAccumulators", "extractOutput"] as const) {
    if (typeof combineFn?.[m] !== "function") throw new TypeError(`combinePerKey needs a CombineFn; ${m}() is missing`);
  }
  if (options.sideInputs !== undefined) {
    if (options.hotKeyFanout !== undefined && options.hotKeyFanout !== 1) {
      throw new TypeError("combinePerKey: hotKeyFanout cannot be combined with sideInputs (a combine with side inputs is not lifted); drop one of them");
    }
    return combinePerKeyWithSideInputs<K, I, A, O, W>(combineFn as CombineFnWithContext<I, A, O>, options.sideInputs);
  }
  const plain = combineFn as CombineFn<I, A, O>;
  const fanout = options.hotKeyFanout;
  // The fanned-out combine ends in the input's windows too (it restores the input's windowing).
  if (fanout !== undefined && fanout !== 1) return withHotKeyFanout(plain, fanout) as PTransform<PCollection<KV<K, I>, W>, PCollection<KV<K, O>, W>>;
  return {
    name: "CombinePerKey",
    expand(input) {
      input.pipeline.annotateComposite({ combineFn: plain as CombineFn<unknown, unknown, unknown> });
      return input.apply(groupByKey<K, I, W>()).apply(
        "Combine",
        parDo<KV<K, readonly I[]>, KV<K, O>, W>({
          process(group, ctx) {
            ctx.output(kv(group.key, combineValues(plain, group.value)));
          },
        }),
      );
    },
  };
}

/**
 * The fanned-out combine: `[key, shard]` keys combined to accumulators, then each key's accumulators merged.
 * The second combine runs under the input's windowing again, so merging windows (sessions) that the first one
 * merged per shard merge per key (a key's sessions are the union of its shards' overlapping ones).
 */
function withHotKeyFanout<K, I, A, O>(combineFn: CombineFn<I, A, O>, fanout: number | ((key: K) => number)): PTransform<PCollection<KV<K, I>>, PCollection<KV<K, O>>> {
  const shardsOf = (key: K): number => {
    const n = typeof fanout === "function" ? fanout(key) : fanout;
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`combinePerKey: hotKeyFanout must be a positive integer, got ${String(n)} for key ${String(key)}`);
    return n;
  };
  if (typeof fanout === "number") shardsOf(undefined as K);
  const accumulate: CombineFn<I, A, A> = { ...bind(combineFn), extractOutput: (a) => a };
  const merge: CombineFn<A, A, O> = {
    createAccumulator: () => combineFn.createAccumulator(),
    addInput: (acc, a) => combineFn.mergeAccumulators([acc, a]),
    mergeAccumulators: (accs) => combineFn.mergeAccumulators(accs),
    extractOutput: (acc) => combineFn.extractOutput(acc),
  };
  return {
    name: "CombinePerKeyWithHotKeyFanout",
    expand(input) {
      const windowing = input.windowing;
      if (windowing.trigger.kind !== "Default") {
        throw new Error(`hotKeyFanout is supported with the default trigger only, not ${windowing.trigger.kind} (use combinePerKey without it)`);
      }
      const sharded = input.apply(
        "AddShard",
        parDo<KV<K, I>, KV<[K, number], I>>({
          process(e, ctx) {
            ctx.output(kv([e.key, Math.floor(Math.random() * shardsOf(e.key))], e.value));
          },
        }),
      );
      const partial = sharded.apply("PreCombine", combinePerKey<[K, number], I, A, A>(accumulate));
      const unsharded = partial.apply(
        "StripShard",
        parDo<KV<[K, number], A>, KV<K, A>>({
          process(e, ctx) {
            ctx.output(kv(e.key[0], e.value));
          },
        }),
      );
      // The input's windowing again (its merging WindowFn, if the first GroupByKey consumed it).
      const rewindowed = windowing.windowFn === unsharded.windowing.windowFn ? unsharded : unsharded.apply("RestoreWindowing", configureWindowing<KV<K, A>>(windowing));
      return rewindowed.apply("PostCombine", combinePerKey<K, A, A, O>(merge));
    },
  };
}

/** The CombineFn's methods bound to it (a class-based CombineFn keeps its `this` when spread). */
function bind<I, A, O>(fn: CombineFn<I, A, O>): CombineFn<I, A, O> {
  return {
    createAccumulator: () => fn.createAccumulator(),
    addInput: (a, x) => fn.addInput(a, x),
    mergeAccumulators: (as) => fn.mergeAccumulators(as),
    extractOutput: (a) => fn.extractOutput(a),
  };
}
