/**
 * CombineFnWithContext (Beam's `Combine.perKey(fn).withSideInputs(...)`, `Combine.globally(fn).withSideInputs`):
 * a CombineFn whose methods read side inputs from their context, for the window being combined. Such a combine
 * groups first and combines each group in one ParDo (it is not lifted), so the side input is read for the
 * group's window: after a session merges, the merged session's.
 */
import {
  asSingleton,
  combinePerKey,
  definePipeline,
  FixedWindows,
  kv,
  Sessions,
  timestamped,
  windowInto,
  type CombineFnWithContext,
  type PCollectionView,
} from "../../../sdk/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { combineGlobally, create, createTimestamped, maxGlobally, sumFn } from "../../../transforms/index.js";

/** The sum of the values above the side input's threshold; every method reads the side input. */
function sumAbove(threshold: PCollectionView<number>): CombineFnWithContext<number, number[], string> {
  return {
    createAccumulator: () => [],
    addInput: (acc, x, ctx) => (x > ctx.sideInput(threshold) ? [...acc, x] : acc),
    mergeAccumulators: (accs) => accs.flat(),
    extractOutput: (acc, ctx) => `${acc.reduce((a, b) => a + b, 0)} above ${ctx.sideInput(threshold)}`,
  };
}

/** combinePerKey with a side input computed in the same pipeline (its own shuffle). */
export const combinePerKeyWithSideInput = definePipeline(import.meta, {
  name: "combinePerKeyWithSideInput",
  build(p) {
    const threshold = asSingleton(p.apply("Limits", create([1, 3, 2])).apply(maxGlobally()));
    const pairs = p.apply("Pairs", create([kv("a", 1), kv("a", 4), kv("a", 5), kv("b", 3), kv("b", 2), kv("c", 9)]));
    const sums = pairs.apply(combinePerKey(sumAbove(threshold), { sideInputs: [threshold] }));
    assertThat(sums).containsInAnyOrder(kv("a", "9 above 3"), kv("b", "0 above 3"), kv("c", "9 above 3"));
  },
});

/** A side input in createAccumulator: the default of an empty global combine reads it too. */
function offsetSum(offset: PCollectionView<number>): CombineFnWithContext<number, number, number> {
  return {
    createAccumulator: (ctx) => ctx.sideInput(offset),
    addInput: (acc, x) => acc + x,
    mergeAccumulators: (accs, ctx) => accs.reduce((a, b) => a + b - ctx.sideInput(offset), ctx.sideInput(offset)),
    extractOutput: (acc) => acc,
  };
}

export const combineGloballyWithSideInput = definePipeline(import.meta, {
  name: "combineGloballyWithSideInput",
  build(p) {
    const offset = asSingleton(p.apply("Offset", create([100])));
    const total = p.apply("Numbers", create([1, 2, 3])).apply(combineGlobally(offsetSum(offset), { sideInputs: [offset] }));
    assertThat(total, "total").containsInAnyOrder(106);
    const empty = p.apply("Nothing", create<number>([])).apply("EmptyTotal", combineGlobally(offsetSum(offset), { sideInputs: [offset] }));
    assertThat(empty, "default").containsInAnyOrder(100);
  },
});

/** Each window reads its own side value: main and side in the same fixed windows. */
export const windowedCombineWithSideInput = definePipeline(import.meta, {
  name: "windowedCombineWithSideInput",
  build(p) {
    const thresholds = p
      .apply("Thresholds", createTimestamped([timestamped(0, 5), timestamped(10, 15)]))
      .apply("WindowThresholds", windowInto(new FixedWindows(10)));
    const threshold = asSingleton(thresholds);
    const pairs = p
      .apply("Pairs", createTimestamped([timestamped(kv("k", 3), 1), timestamped(kv("k", 12), 11), timestamped(kv("k", 8), 19)]))
      .apply("WindowPairs", windowInto(new FixedWindows(10)));
    const sums = pairs.apply(combinePerKey(sumAbove(threshold), { sideInputs: [threshold] }));
    // [0, 10): 3 > 0; [10, 20): only 12 > 10.
    assertThat(sums).containsInAnyOrder(kv("k", "3 above 0"), kv("k", "12 above 10"));
  },
});

/**
 * Sessions: the side input is read for the merged session. Elements at 10 and 50 (gap 60) form [10, 110), whose
 * end falls in side window [100, 200) (threshold 10); before merging, the element at 10's own window [10, 70)
 * would have read [0, 100) (threshold 1). A combine lifted before the shuffle would read the latter.
 */
export const sessionCombineReadsMergedWindow = definePipeline(import.meta, {
  name: "sessionCombineReadsMergedWindow",
  build(p) {
    const threshold = asSingleton(
      p.apply("Thresholds", createTimestamped([timestamped(1, 0), timestamped(10, 100)])).apply("WindowThresholds", windowInto(new FixedWindows(100))),
    );
    const pairs = p
      .apply("Pairs", createTimestamped([timestamped(kv("s", 5), 10), timestamped(kv("s", 20), 50)]))
      .apply("Sessions", windowInto(new Sessions(60)));
    const sums = pairs.apply(combinePerKey(sumAbove(threshold), { sideInputs: [threshold] }));
    assertThat(sums).containsInAnyOrder(kv("s", "20 above 10"));
  },
});

/** A plain CombineFn works with side inputs too (it ignores the context). */
export const plainCombineFnWithSideInputs = definePipeline(import.meta, {
  name: "plainCombineFnWithSideInputs",
  build(p) {
    const unused = asSingleton(p.apply("Unused", create([0])));
    const sums = p.apply("Pairs", create([kv("a", 1), kv("a", 2)])).apply(combinePerKey(sumFn(), { sideInputs: [unused] }));
    assertThat(sums).containsInAnyOrder(kv("a", 3));
  },
});

/** Reading a view that was not passed in sideInputs fails, naming the combine's step. */
export const combineReadsUnlistedSideInput = definePipeline(import.meta, {
  name: "combineReadsUnlistedSideInput",
  build(p) {
    const listed = asSingleton(p.apply("Listed", create([0])));
    const unlisted = asSingleton(p.apply("Unlisted", create([1])));
    p.apply("Pairs", create([kv("a", 1)])).apply(
      "SumAbove",
      combinePerKey(sumAbove(unlisted), { sideInputs: [listed] }),
    );
  },
});
