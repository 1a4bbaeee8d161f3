/**
 * `createTimestamped` (Beam's `Create.timestamped`): a PCollection of given values, each at its own event time.
 * @module
 */
import { timestamped, type PBegin, type PCollection, type PTransform, type TimestampedValue } from "../sdk/index.js";
import { create } from "./create.js";

/**
 * The given values, each at its timestamp, in the global window (window them with `windowInto`). Accepts
 * `timestamped(value, t)` pairs or `[value, t]` tuples. Timestamps are checked when the pipeline runs, as every
 * output timestamp is.
 * @example
 * const clicks = p.apply(createTimestamped([timestamped("home", 1_000), timestamped("cart", 61_000)]));
 */
export function createTimestamped<T>(values: Iterable<TimestampedValue<T> | readonly [T, number]>): PTransform<PBegin, PCollection<T>> {
  const pairs = Array.from(values, (v) => (Array.isArray(v) ? timestamped((v as readonly [T, number])[0], (v as readonly [T, number])[1]) : (v as TimestampedValue<T>)));
  return {
    name: "CreateTimestamped",
    expand: (begin) =>
      begin.pipeline.apply(create(pairs)).parDo<T>(
        {
          process(e: TimestampedValue<T>, ctx) {
            ctx.outputWithTimestamp(e.value, e.timestamp);
          },
        },
        { name: "Stamp" },
      ),
  };
}
