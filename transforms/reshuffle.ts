/**
 * `reshuffle`: redistributes elements at random across workers, and breaks fusion (the steps before and after
 * run as separate stages). Use it after a step that fans out a lot (one file name → millions of lines) so the
 * work after it spreads out, or to checkpoint the output of an expensive or non-deterministic step.
 *
 * ```
 *  input ─ PairWithRandomKey (keeps the timestamp in the value) ─ GroupByKey ─ Ungroup (restores it) ─►
 * ```
 * Elements keep their windows (GroupByKey groups per window) and their timestamps (carried through the shuffle,
 * since GroupByKey's outputs get the end of the window).
 * @module
 */
import { groupByKey, kv, parDo, type Instant, type KV, type PCollection, type PTransform } from "../sdk/index.js";

/** Enough keys to spread over any number of workers, few enough that groups are not all of size one. */
const KEY_SPACE = 1 << 16;

/**
 * The same elements, redistributed.
 * @example
 * const lines = p.apply(create(fileNames)).flatMap(readLines).apply(reshuffle());
 */
export function reshuffle<T>(): PTransform<PCollection<T>, PCollection<T>> {
  return {
    name: "Reshuffle",
    expand: (input) =>
      input
        .apply(
          "PairWithRandomKey",
          parDo<T, KV<number, [Instant, T]>>({
            process(element, ctx) {
              ctx.output(kv(Math.floor(Math.random() * KEY_SPACE), [ctx.timestamp, element]));
            },
          }),
        )
        .apply(groupByKey<number, [Instant, T]>())
        .apply(
          "Ungroup",
          parDo<KV<number, readonly [Instant, T][]>, T>({
            // The group's timestamp is the end of the window: every original timestamp is earlier.
            allowedTimestampSkew: Infinity,
            process(group, ctx) {
              for (const [timestamp, element] of group.value) ctx.outputWithTimestamp(element, timestamp);
            },
          }),
        ),
  };
}
