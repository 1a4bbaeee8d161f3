/**
 * Small helpers shared by the conformance cases (no test framework here: workers re-import the cases).
 * @module
 */
import {
  IntervalWindow,
  kv,
  type BoundedSource,
  type Instant,
  type KV,
  type PCollection,
  type ProcessContext,
  type WindowFn,
} from "../../../sdk/index.js";

/** Numbers in numeric order (`Array.prototype.sort` sorts by text). */
export function byNumber(a: number, b: number): number {
  return a - b;
}

/** Each group with its values sorted, since GroupByKey promises no order within a group. */
export function sortedGroups<K, V>(groups: PCollection<KV<K, readonly V[]>>, name = "SortGroups"): PCollection<KV<K, V[]>> {
  return groups.map(({ key, value }) => kv(key, [...value].sort(compareAny)), name);
}

/** An order for numbers and strings alike, for sorting test output. */
export function compareAny(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = typeof a === "string" ? a : JSON.stringify(a);
  const sb = typeof b === "string" ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** The integers `[from, to)`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/**
 * A source with the given splits, each read in batches of `batchSize` (some of them empty, to check that a
 * runner copes with empty batches).
 */
export function listSource<T>(splits: readonly (readonly T[])[], batchSize = 3): BoundedSource<T, number> {
  return {
    description: `ListSource(${splits.length} splits)`,
    async split() {
      return splits.map((_, i) => i);
    },
    async *read(i) {
      const items = splits[i]!;
      yield [];
      for (let j = 0; j < items.length; j += batchSize) yield items.slice(j, j + batchSize);
    },
  };
}

/**
 * The values as a source of `splits` splits, so that a runner reads them as several bundles and a lifted combine
 * merges several accumulators per key (a single bundle would never call `mergeAccumulators`).
 */
export function inSplits<T>(values: readonly T[], splits: number): BoundedSource<T, number> {
  const size = Math.ceil(values.length / splits);
  return listSource(
    Array.from({ length: splits }, (_, i) => values.slice(i * size, (i + 1) * size)),
    1000,
  );
}

/**
 * Fixed windows of `sizeMs`, written against the public WindowFn interface (the SDK ships only global
 * windowing so far): enough to check that transforms keep per-window semantics.
 */
export class TestFixedWindows implements WindowFn<IntervalWindow> {
  readonly description: string;
  constructor(private readonly sizeMs: number) {
    this.description = `TestFixedWindows(${sizeMs}ms)`;
  }
  assignWindows(timestamp: Instant): readonly IntervalWindow[] {
    const start = timestamp - (((timestamp % this.sizeMs) + this.sizeMs) % this.sizeMs);
    return [new IntervalWindow(start, start + this.sizeMs)];
  }
}

/** Re-stamps each element with the timestamp `fn` gives it (later than the source's minimum timestamp). */
export function stamped<T>(pc: PCollection<T>, fn: (element: T) => Instant, name = "Stamp"): PCollection<T> {
  return pc.parDo<T>(
    {
      process(element: T, ctx: ProcessContext<T>) {
        ctx.outputWithTimestamp(element, fn(element));
      },
    },
    { name },
  );
}
