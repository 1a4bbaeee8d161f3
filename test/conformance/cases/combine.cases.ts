/**
 * Combines: combinePerKey and combineGlobally (with the default for empty input), and the CombineFn-based
 * transforms: count, sum, min, max, mean, top, sample.
 */
import { definePipeline, kv, read, type CombineFn, type KV } from "../../../sdk/index.js";
import {
  combineGlobally,
  combinePerKey,
  countGlobally,
  countPerElement,
  countPerKey,
  create,
  maxGlobally,
  maxPerKey,
  meanGlobally,
  meanPerKey,
  minGlobally,
  minPerKey,
  sampleFixedSize,
  sampleFixedSizePerKey,
  sumFn,
  sumGlobally,
  sumPerKey,
  topLargest,
  topLargestPerKey,
  topSmallest,
  topSmallestPerKey,
} from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { inSplits, range } from "./support.js";

/**
 * A CombineFn that mutates its accumulators, as the CombineFn contract allows (addInput and mergeAccumulators
 * may mutate and return the first): a runner must not freeze or share accumulators.
 */
const mutatingMean: CombineFn<number, { sum: number; n: number }, number> = {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  addInput(acc, x) {
    acc.sum += x;
    acc.n++;
    return acc;
  },
  mergeAccumulators(accs) {
    const first = accs[0]!;
    for (const a of accs.slice(1)) {
      first.sum += a.sum;
      first.n += a.n;
    }
    return first;
  },
  extractOutput: (acc) => (acc.n === 0 ? NaN : acc.sum / acc.n),
};

export const combinePerKeyMutatingAccumulators = definePipeline(import.meta, {
  name: "combinePerKeyMutatingAccumulators",
  build(p) {
    const pairs = p.apply(read(inSplits(range(0, 3000).map((i) => kv(i % 3 === 0 ? "a" : "b", i % 3 === 0 ? 3 : 6)), 5)));
    assertThat(pairs.apply(combinePerKey(mutatingMean))).containsInAnyOrder(kv("a", 3), kv("b", 6));
  },
});

export const combineGloballyNonEmpty = definePipeline(import.meta, {
  name: "combineGloballyNonEmpty",
  build(p) {
    assertThat(p.apply(read(inSplits([1, 2, 3, 4], 3))).apply(combineGlobally(mutatingMean))).containsInAnyOrder(2.5);
  },
});

export const combineGloballyEmptyGivesDefault = definePipeline(import.meta, {
  name: "combineGloballyEmptyGivesDefault",
  build(p) {
    const empty = p.apply(create<number>([]));
    assertThat(empty.apply(combineGlobally(sumFn())), "sum").containsInAnyOrder(0);
    assertThat(empty.apply(combineGlobally(mutatingMean)), "mean").containsInAnyOrder(NaN);
    assertThat(empty.apply(combineGlobally(sumFn(), { withoutDefaults: true })), "withoutDefaults").empty();
  },
});

export const combinePerKeyEmpty = definePipeline(import.meta, {
  name: "combinePerKeyEmpty",
  build(p) {
    assertThat(p.apply(create<KV<string, number>>([])).apply(sumPerKey())).empty();
  },
});

export const combinePerKeyObjectKeys = definePipeline(import.meta, {
  name: "combinePerKeyObjectKeys",
  build(p) {
    const pairs = p.apply(create([kv({ a: 1, b: 2 }, 1), kv({ b: 2, a: 1 }, 10), kv({ a: 2, b: 2 }, 100)]));
    assertThat(pairs.apply(sumPerKey())).containsInAnyOrder(kv({ a: 1, b: 2 }, 11), kv({ a: 2, b: 2 }, 100));
  },
});

export const countTransforms = definePipeline(import.meta, {
  name: "countTransforms",
  build(p) {
    const words = p.apply(create(["a", "b", "a", "c", "a"]));
    assertThat(words.apply(countGlobally()), "globally").containsInAnyOrder(5);
    assertThat(words.apply(countPerElement()), "perElement").containsInAnyOrder(kv("a", 3), kv("b", 1), kv("c", 1));
    const pairs = p.apply("Pairs", create([kv("x", "1"), kv("x", "1"), kv("y", "2")]));
    assertThat(pairs.apply(countPerKey()), "perKey").containsInAnyOrder(kv("x", 2), kv("y", 1));
    const objects = p.apply("Objects", create([{ id: 1, tag: "t" }, { tag: "t", id: 1 }]));
    assertThat(objects.apply(countPerElement()), "objects").containsInAnyOrder(kv({ id: 1, tag: "t" }, 2));
  },
});

export const countEmpty = definePipeline(import.meta, {
  name: "countEmpty",
  build(p) {
    const empty = p.apply(create<string>([]));
    assertThat(empty.apply(countGlobally()), "globally").containsInAnyOrder(0);
    assertThat(empty.apply(countPerElement()), "perElement").empty();
  },
});

export const sumMinMaxMean = definePipeline(import.meta, {
  name: "sumMinMaxMean",
  build(p) {
    const numbers = p.apply(create([4, -2, 7.5, 0]));
    assertThat(numbers.apply(sumGlobally()), "sum").containsInAnyOrder(9.5);
    assertThat(numbers.apply(minGlobally()), "min").containsInAnyOrder(-2);
    assertThat(numbers.apply(maxGlobally()), "max").containsInAnyOrder(7.5);
    assertThat(numbers.apply(meanGlobally()), "mean").containsInAnyOrder(2.375);
  },
});

export const sumMinMaxMeanEmpty = definePipeline(import.meta, {
  name: "sumMinMaxMeanEmpty",
  build(p) {
    const empty = p.apply(create<number>([]));
    assertThat(empty.apply(sumGlobally()), "sum").containsInAnyOrder(0);
    assertThat(empty.apply(minGlobally()), "min").containsInAnyOrder(Infinity);
    assertThat(empty.apply(maxGlobally()), "max").containsInAnyOrder(-Infinity);
    assertThat(empty.apply(meanGlobally()), "mean").containsInAnyOrder(NaN);
  },
});

export const sumMinMaxMeanPerKey = definePipeline(import.meta, {
  name: "sumMinMaxMeanPerKey",
  build(p) {
    const pairs = p.apply(create([kv("a", 1), kv("a", 5), kv("b", -3), kv("a", 3)]));
    assertThat(pairs.apply(sumPerKey()), "sum").containsInAnyOrder(kv("a", 9), kv("b", -3));
    assertThat(pairs.apply(minPerKey()), "min").containsInAnyOrder(kv("a", 1), kv("b", -3));
    assertThat(pairs.apply(maxPerKey()), "max").containsInAnyOrder(kv("a", 5), kv("b", -3));
    assertThat(pairs.apply(meanPerKey()), "mean").containsInAnyOrder(kv("a", 3), kv("b", -3));
  },
});

export const combineManyElements = definePipeline(import.meta, {
  name: "combineManyElements",
  build(p) {
    // Enough elements and keys for partial combining to merge many accumulators per key.
    const n = 60_000;
    const pairs = p.apply(read(inSplits(range(0, n), 6))).map((i) => kv(`k${i % 7}`, 1));
    assertThat(pairs.apply(sumPerKey()).map((e) => e.value)).satisfies((sums) => sums.length === 7 && sums.reduce((a, b) => a + b) === n);
    assertThat(pairs.apply(countGlobally()), "count").containsInAnyOrder(n);
  },
});

export const topGlobally = definePipeline(import.meta, {
  name: "topGlobally",
  build(p) {
    const numbers = p.apply(create([5, 1, 9, 3, 9, 7]));
    assertThat(numbers.apply(topLargest(3)), "largest").containsInAnyOrder([9, 9, 7]);
    assertThat(numbers.apply(topSmallest(2)), "smallest").containsInAnyOrder([1, 3]);
    assertThat(numbers.apply(topLargest(10)), "more than there are").containsInAnyOrder([9, 9, 7, 5, 3, 1]);
    assertThat(numbers.apply(topLargest(0)), "zero").containsInAnyOrder([]);
    const words = p.apply("Words", create(["ccc", "a", "bb", "dddd"]));
    const byLength = (a: string, b: string) => a.length - b.length;
    assertThat(words.apply(topLargest(2, byLength)), "compare").containsInAnyOrder(["dddd", "ccc"]);
    assertThat(words.apply(topSmallest(1)), "strings").containsInAnyOrder(["a"]);
  },
});

export const topEmpty = definePipeline(import.meta, {
  name: "topEmpty",
  build(p) {
    const empty = p.apply(create<number>([]));
    assertThat(empty.apply(topLargest(3)), "largest").containsInAnyOrder([]);
    assertThat(empty.apply(topSmallest(3)), "smallest").containsInAnyOrder([]);
  },
});

export const topPerKey = definePipeline(import.meta, {
  name: "topPerKey",
  build(p) {
    const scores = p.apply(read(inSplits([kv("ann", 3), kv("bob", 10), kv("ann", 8), kv("ann", 5), kv("ann", 1)], 3)));
    assertThat(scores.apply(topLargestPerKey(2)), "largest").containsInAnyOrder(kv("ann", [8, 5]), kv("bob", [10]));
    assertThat(scores.apply(topSmallestPerKey(3)), "smallest").containsInAnyOrder(kv("ann", [1, 3, 5]), kv("bob", [10]));
  },
});

export const topManyElements = definePipeline(import.meta, {
  name: "topManyElements",
  build(p) {
    const numbers = p.apply(read(inSplits(range(0, 50_000), 7)));
    assertThat(numbers.apply(topLargest(5))).containsInAnyOrder([49_999, 49_998, 49_997, 49_996, 49_995]);
  },
});

export const sampleGlobally = definePipeline(import.meta, {
  name: "sampleGlobally",
  build(p) {
    const input = range(0, 1000);
    const numbers = p.apply(read(inSplits(input, 4)));
    assertThat(numbers.apply(sampleFixedSize(10)), "10 of 1000").satisfies(
      (samples) =>
        samples.length === 1 &&
        samples[0]!.length === 10 &&
        new Set(samples[0]).size === 10 &&
        samples[0]!.every((x) => Number.isInteger(x) && x >= 0 && x < 1000),
    );
    assertThat(p.apply("Few", create([1, 2, 3])).apply(sampleFixedSize(5)).map((s) => [...s].sort()), "all of 3").containsInAnyOrder([
      1, 2, 3,
    ]);
    assertThat(p.apply("Empty", create<number>([])).apply(sampleFixedSize(5)), "empty").containsInAnyOrder([]);
  },
});

export const samplePerKey = definePipeline(import.meta, {
  name: "samplePerKey",
  build(p) {
    const pairs = p.apply(read(inSplits(range(0, 300).map((i) => kv(i % 3, i)), 4)));
    assertThat(pairs.apply(sampleFixedSizePerKey(4))).satisfies(
      (samples) =>
        samples.length === 3 &&
        samples.every(({ key, value }) => value.length === 4 && new Set(value).size === 4 && value.every((v) => v % 3 === key)),
    );
  },
});
