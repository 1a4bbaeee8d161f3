/**
 * `partition`: splits a PCollection into a fixed number of PCollections by a function of each element, in one
 * pass (one ParDo with a tagged output per partition).
 * @module
 */
import { parDoWithOutputs, type PCollection, type PTransform } from "../sdk/index.js";

/**
 * `n` PCollections: element `e` goes to partition `fn(e, n)`, which must be an integer in `[0, n)` (anything else
 * fails the step, naming the index returned).
 * @example
 * const [small, large] = numbers.apply(partition(2, (x: number) => (x < 100 ? 0 : 1)));
 */
export function partition<T>(n: number, fn: (element: T, n: number) => number): PTransform<PCollection<T>, PCollection<T>[]> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`partition needs a number of partitions >= 1, got ${n}`);
  if (typeof fn !== "function") throw new TypeError(`partition needs a function, got ${typeof fn}`);
  // Partition 0 is the main output; partition i > 0 the tagged output `partition<i>`.
  const tags = Array.from({ length: n - 1 }, (_, i) => `partition${i + 1}`);
  return {
    name: "Partition",
    expand(input) {
      const outputs = input.apply(
        parDoWithOutputs<T, T, Record<string, T>>(
          {
            process(element, ctx) {
              const i = fn(element, n);
              if (!Number.isInteger(i) || i < 0 || i >= n) {
                throw new RangeError(`the partition function returned ${String(i)}; it must be an integer in [0, ${n})`);
              }
              if (i === 0) ctx.output(element);
              else ctx.outputTo(tags[i - 1]!, element);
            },
          },
          tags,
        ),
      );
      return [outputs.main, ...tags.map((tag) => outputs[tag]!)];
    },
  };
}
