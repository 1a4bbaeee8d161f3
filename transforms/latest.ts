/**
 * `latestGlobally` and `latestPerKey` (Beam's `Latest`): the element (or each key's value) with the latest
 * event timestamp, per window.
 * @module
 */
import { combinePerKey, kv, type CombineFn, type KV, type PCollection, type PTransform, type ProcessContext, type TimestampedValue } from "../sdk/index.js";
import { combineGlobally, type CombineGloballyOptions } from "./combine.js";

/**
 * A CombineFn keeping the latest-timestamped input: of equal timestamps, the one seen first in the combine
 * (which of equals that is, is up to the runner). `null` when nothing was combined.
 * @example
 * latestFn<string>().extractOutput(latestFn<string>().addInput(null, timestamped("a", 5))); // "a"
 */
export function latestFn<T>(): CombineFn<TimestampedValue<T>, TimestampedValue<T> | null, T | null> {
  const later = (a: TimestampedValue<T> | null, b: TimestampedValue<T> | null) => (a === null || (b !== null && b.timestamp > a.timestamp) ? b : a);
  return {
    createAccumulator: () => null,
    addInput: (acc, input) => later(acc, input),
    mergeAccumulators: (accs) => accs.reduce<TimestampedValue<T> | null>((a, b) => later(a, b), null),
    extractOutput: (acc) => (acc === null ? null : acc.value),
  };
}

/** Pairs each element with its timestamp (what `Latest` compares). */
function withTimestamp<T>(e: T, ctx: ProcessContext<TimestampedValue<T>>): void {
  ctx.output({ value: e, timestamp: ctx.timestamp });
}

/**
 * The element with the latest timestamp, per window; for an empty globally windowed input `null` (unless
 * `withoutDefaults`).
 * @example
 * const lastPrice: PCollection<number | null> = prices.apply(latestGlobally());
 */
export function latestGlobally<T>(options: CombineGloballyOptions = {}): PTransform<PCollection<T>, PCollection<T | null>> {
  return {
    name: "LatestGlobally",
    expand: (input) => input.parDo<TimestampedValue<T>>({ process: withTimestamp }, { name: "ReifyTimestamps" }).apply(combineGlobally(latestFn<T>(), options)),
  };
}

/**
 * Each key's value with the latest timestamp, per window.
 * @example
 * const lastPricePerItem: PCollection<KV<string, number>> = pricesByItem.apply(latestPerKey());
 */
export function latestPerKey<K, V>(): PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> {
  return {
    name: "LatestPerKey",
    expand: (input) =>
      input
        .parDo<KV<K, TimestampedValue<V>>>(
          {
            process(e: KV<K, V>, ctx: ProcessContext<KV<K, TimestampedValue<V>>>) {
              ctx.output(kv(e.key, { value: e.value, timestamp: ctx.timestamp }));
            },
          },
          { name: "ReifyTimestamps" },
        )
        .apply(combinePerKey<K, TimestampedValue<V>, TimestampedValue<V> | null, V | null>(latestFn<V>()))
        // A key has at least one value, so its latest is never null.
        .map((e) => kv(e.key, e.value as V), "Unwrap"),
  };
}
