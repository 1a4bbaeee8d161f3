/**
 * Bounded sources: data that a Read primitive splits into pieces and reads in parallel.
 * @module
 */

/**
 * A finite source of elements. The runner asks it to `split` into pieces of about a desired size, then reads
 * each piece, possibly on different workers. A split is plain data (msgpack-encodable) so it can be sent to a
 * worker, which reads it with its own copy of the source (rebuilt by re-importing the pipeline).
 * @typeParam T the element type
 * @typeParam S the type of a split's description
 * @example
 * const numbers: BoundedSource<number, { from: number; to: number }> = {
 *   description: "numbers 0..999",
 *   async split() { return [{ from: 0, to: 500 }, { from: 500, to: 1000 }]; },
 *   async *read({ from, to }) { const batch = []; for (let i = from; i < to; i++) batch.push(i); yield batch; },
 * };
 */
export interface BoundedSource<T, S = unknown> {
  /** Names the source in the graph and in errors. */
  readonly description: string;
  /**
   * Splits the source into pieces of about `desiredBundleSizeBytes` each (a hint). Runs on the coordinator at
   * the start of a run; fails for missing input ("no files match ...").
   */
  split(desiredBundleSizeBytes: number): Promise<readonly S[]>;
  /** Reads one piece, in batches of elements (no Promise per element). */
  read(split: S): AsyncIterable<readonly T[]>;
  /** An estimate of the source's size in bytes, used to choose the bundle size. */
  estimateSizeBytes?(): Promise<number>;
}
