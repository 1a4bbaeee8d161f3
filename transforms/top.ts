/**
 * The n largest or smallest elements, globally and per key, as a CombineFn that keeps a bounded sorted array
 * (so a runner that lifts the combine never holds more than n elements per key before the shuffle).
 * @module
 */
import { combinePerKey, type CombineFn, type KV, type PCollection, type PTransform } from "../sdk/index.js";
import { combineGlobally, type CombineGloballyOptions } from "./combine.js";

/** Orders two elements: negative if `a` comes before `b`, positive if after, 0 if tied. */
export type Compare<T> = (a: T, b: T) => number;

/**
 * The natural order of numbers, strings and bigints (`<`), the default for every top transform.
 * @example
 * [3, 1, 2].sort(naturalOrder); // [1, 2, 3]
 */
export function naturalOrder<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The CombineFn keeping the `n` greatest inputs under `compare`, output greatest first. Accumulators are arrays
 * sorted greatest first, at most `n` long; `addInput` inserts in place, `mergeAccumulators` makes a new array.
 * @example
 * scores.apply(combinePerKey(topFn(3, (a: number, b: number) => a - b))); // the 3 highest scores per key
 */
export function topFn<T>(n: number, compare: Compare<T> = naturalOrder): CombineFn<T, T[], T[]> {
  checkCount(n);
  return {
    createAccumulator: () => [],
    addInput(acc, x) {
      if (n === 0 || (acc.length === n && compare(x, acc[n - 1]!) <= 0)) return acc;
      // Binary search for the first element smaller than x: x goes before it, after its equals.
      let lo = 0;
      let hi = acc.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(acc[mid]!, x) >= 0) lo = mid + 1;
        else hi = mid;
      }
      acc.splice(lo, 0, x);
      if (acc.length > n) acc.pop();
      return acc;
    },
    mergeAccumulators(accs) {
      // Not in place: an accumulator that came through the shuffle may be frozen by the runner.
      return accs.flat().sort((a, b) => compare(b, a)).slice(0, n);
    },
    extractOutput: (acc) => acc.slice(),
  };
}

/**
 * The `n` largest elements as one array, largest first (`[]` for an empty input).
 * @param compare the order (default: `<` on numbers, strings, bigints)
 * @example
 * const podium: PCollection<number[]> = times.apply(topLargest(3));
 */
export function topLargest<T>(n: number, compare: Compare<T> = naturalOrder, options: CombineGloballyOptions = {}): PTransform<PCollection<T>, PCollection<T[]>> {
  return { name: "TopLargest", expand: (input) => input.apply(combineGlobally(topFn(n, compare), options)) };
}

/**
 * The `n` smallest elements as one array, smallest first (`[]` for an empty input).
 * @example
 * const fastest: PCollection<number[]> = lapTimes.apply(topSmallest(3));
 */
export function topSmallest<T>(n: number, compare: Compare<T> = naturalOrder, options: CombineGloballyOptions = {}): PTransform<PCollection<T>, PCollection<T[]>> {
  return { name: "TopSmallest", expand: (input) => input.apply(combineGlobally(topFn(n, reverse(compare)), options)) };
}

/**
 * The `n` largest values of each key, largest first.
 * @example
 * const bestPerPlayer: PCollection<KV<string, number[]>> = scores.apply(topLargestPerKey(3));
 */
export function topLargestPerKey<K, V>(
  n: number,
  compare: Compare<V> = naturalOrder,
): PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V[]>>> {
  return { name: "TopLargestPerKey", expand: (input) => input.apply(combinePerKey<K, V, V[], V[]>(topFn(n, compare))) };
}

/**
 * The `n` smallest values of each key, smallest first.
 * @example
 * const fastestPerRunner: PCollection<KV<string, number[]>> = lapTimes.apply(topSmallestPerKey(3));
 */
export function topSmallestPerKey<K, V>(
  n: number,
  compare: Compare<V> = naturalOrder,
): PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V[]>>> {
  return {
    name: "TopSmallestPerKey",
    expand: (input) => input.apply(combinePerKey<K, V, V[], V[]>(topFn(n, reverse(compare)))),
  };
}

function reverse<T>(compare: Compare<T>): Compare<T> {
  return (a, b) => compare(b, a);
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`the number of elements to keep must be an integer >= 0, got ${n}`);
}
