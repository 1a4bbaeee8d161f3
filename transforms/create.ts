/**
 * `create`: a PCollection from values in memory, as a bounded source so that runners can split it and read the
 * pieces in parallel like any other input.
 * @module
 */
import { read, type BoundedSource, type PBegin, type PCollection, type PTransform } from "../sdk/index.js";

/** A piece of the values: the half-open index range `[from, to)`. Plain data, so it can be sent to a worker. */
export interface CreateSplit {
  /** Index of the first value (inclusive). */
  readonly from: number;
  /** Index after the last value (exclusive). */
  readonly to: number;
}

/**
 * A rough size of one element, to turn the runner's desired bundle size in bytes into a number of elements
 * without encoding anything. Precision does not matter: the desired size is only a hint.
 */
const APPROX_BYTES_PER_ELEMENT = 64;
/** Elements per batch yielded by `read`: big enough to avoid per-element overhead, small enough to stream. */
const READ_BATCH = 1024;

/**
 * A bounded source over an array: splits into contiguous index ranges of about the desired size.
 * @example
 * p.apply(read(createSource([1, 2, 3])));
 */
export function createSource<T>(values: readonly T[]): BoundedSource<T, CreateSplit> {
  return {
    description: `Create(${values.length} element${values.length === 1 ? "" : "s"})`,
    async estimateSizeBytes() {
      return values.length * APPROX_BYTES_PER_ELEMENT;
    },
    async split(desiredBundleSizeBytes) {
      // One (possibly empty) split even for no values, so that every source reads at least one piece.
      if (values.length === 0) return [{ from: 0, to: 0 }];
      const perSplit = Math.max(1, Math.floor(desiredBundleSizeBytes / APPROX_BYTES_PER_ELEMENT));
      const splits: CreateSplit[] = [];
      for (let from = 0; from < values.length; from += perSplit) {
        splits.push({ from, to: Math.min(values.length, from + perSplit) });
      }
      return splits;
    },
    async *read({ from, to }) {
      for (let i = from; i < to; i += READ_BATCH) yield values.slice(i, Math.min(to, i + READ_BATCH));
    },
  };
}

/**
 * A PCollection of the given values (copied when `create` is called), in the global window at the minimum
 * timestamp.
 * @example
 * const words: PCollection<string> = p.apply(create(["to", "be", "or", "not"]));
 */
export function create<T>(values: Iterable<T>): PTransform<PBegin, PCollection<T>> {
  const snapshot = Array.from(values);
  return {
    name: "Create",
    expand: (begin) => begin.pipeline.apply(read(createSource(snapshot))),
  };
}
