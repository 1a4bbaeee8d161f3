/**
 * CombineFn: an associative, commutative reduction split into accumulate and merge steps, so that runners can
 * combine partially before the shuffle (combiner lifting) and merge the partial results after it.
 * @module
 */

/**
 * Reduces many inputs to one output through a mutable accumulator.
 * @typeParam I input type
 * @typeParam A accumulator type (must be encodable: it crosses the shuffle)
 * @typeParam O output type
 * @example
 * const mean: CombineFn<number, { sum: number; n: number }, number> = {
 *   createAccumulator: () => ({ sum: 0, n: 0 }),
 *   addInput: (a, x) => { a.sum += x; a.n++; return a; },
 *   mergeAccumulators: (as) => as.reduce((a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n })),
 *   extractOutput: (a) => (a.n === 0 ? NaN : a.sum / a.n),
 * };
 */
export interface CombineFn<I, A, O> {
  /**
   * A new, empty accumulator (the result of combining no inputs). A runner may make several for one key and window
   * (e.g. one per bundle before the shuffle) and merge them with `mergeAccumulators`.
   */
  createAccumulator(): A;
  /** Adds one input; may mutate and return `accumulator` or return a new one. */
  addInput(accumulator: A, input: I): A;
  /** Merges accumulators; may mutate and return the first. Never called with an empty list. */
  mergeAccumulators(accumulators: A[]): A;
  /**
   * The output of one key and window (for a global combine, of one window) from its merged accumulator; also called
   * on `createAccumulator()` for the default output of an empty global combine.
   */
  extractOutput(accumulator: A): O;
  /** Optional: shrinks an accumulator before it crosses the shuffle. */
  compact?(accumulator: A): A;
}
