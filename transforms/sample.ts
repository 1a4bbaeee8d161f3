/**
 * Uniform random samples of a fixed size, globally and per key.
 *
 * Every input gets an independent uniform random tag and the sample is the `n` inputs with the smallest tags:
 * a uniformly random subset, and mergeable, since the n smallest of a union are among the n smallest of its
 * parts. So it is a CombineFn and runners can sample before the shuffle. Not seeded: each run samples anew.
 * @module
 */
import { combinePerKey, type CombineFn, type KV, type PCollection, type PTransform } from "../sdk/index.js";
import { combineGlobally, type CombineGloballyOptions } from "./combine.js";

/** An input with its random tag. */
export type TaggedSample<T> = [tag: number, item: T];

/**
 * Up to `n` inputs as a binary max-heap on the tag: the root is the input the next smaller tag displaces.
 * An array sorted by descending tag is a valid heap, which is what a merge produces.
 */
export type SampleAccumulator<T> = TaggedSample<T>[];

/**
 * The CombineFn drawing a uniform sample of `n` inputs (all of them if there are fewer).
 * @example
 * events.apply(combinePerKey(sampleFn(100)));
 */
export function sampleFn<T>(n: number): CombineFn<T, SampleAccumulator<T>, T[]> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`the sample size must be an integer >= 0, got ${n}`);
  return {
    createAccumulator: () => [],
    addInput(heap, item) {
      const tag = Math.random();
      if (heap.length < n) heapPush(heap, [tag, item]);
      else if (n > 0 && tag < heap[0]![0]) heapReplaceRoot(heap, [tag, item]);
      return heap;
    },
    mergeAccumulators(heaps) {
      // Descending by tag, so the n smallest tags are the tail (and the result is a heap); a new array, since
      // an accumulator that came through the shuffle may be frozen.
      const all = heaps.flat().sort((a, b) => b[0] - a[0]);
      return all.slice(Math.max(0, all.length - n));
    },
    extractOutput: (heap) => heap.map(([, item]) => item),
  };
}

/**
 * A uniform random sample of `n` elements as one array (all of them if there are fewer; `[]` for none).
 * @example
 * const preview: PCollection<string[]> = lines.apply(sampleFixedSize(10));
 */
export function sampleFixedSize<T>(n: number, options: CombineGloballyOptions = {}): PTransform<PCollection<T>, PCollection<T[]>> {
  return { name: "SampleFixedSize", expand: (input) => input.apply(combineGlobally(sampleFn<T>(n), options)) };
}

/**
 * A uniform random sample of `n` values of each key.
 * @example
 * const examplesPerLabel: PCollection<KV<string, Image[]>> = labelled.apply(sampleFixedSizePerKey(5));
 */
export function sampleFixedSizePerKey<K, V>(n: number): PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V[]>>> {
  return {
    name: "SampleFixedSizePerKey",
    expand: (input) => input.apply(combinePerKey<K, V, SampleAccumulator<V>, V[]>(sampleFn<V>(n))),
  };
}

function heapPush<T>(heap: TaggedSample<T>[], entry: TaggedSample<T>): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]![0] >= entry[0]) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = entry;
}

function heapReplaceRoot<T>(heap: TaggedSample<T>[], entry: TaggedSample<T>): void {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && heap[right]![0] > heap[left]![0] ? right : left;
    if (heap[child]![0] <= entry[0]) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = entry;
}
