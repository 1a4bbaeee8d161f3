/**
 * `reshuffle`: redistributes elements at random across workers, and breaks fusion (the steps before and after
 * run as separate stages). Use it after a step that fans out a lot (one file name → millions of lines) so the
 * work after it spreads out, or to checkpoint the output of an expensive or non-deterministic step.
 *
 * ```
 *  input ─ KeepWindows ─ PairWithRandomKey ─ GroupByKey ─ Ungroup ─ RestoreWindowing ─►
 * ```
 * As Beam's `Reshuffle`, it changes nothing but where elements are: each keeps its timestamp (carried through
 * the shuffle, since GroupByKey's outputs get the end of the window) and its window (the grouping uses the
 * windows as they are, merging none: the input may be in sessions, merged by a GroupByKey or not yet), and none
 * is dropped as late (on an unbounded input every element fires at once, with unbounded allowed lateness).
 * The input's windowing strategy is restored after it.
 * @module
 */
import {
  AfterCount,
  configureWindowing,
  groupByKey,
  kv,
  parDo,
  Repeatedly,
  TIMESTAMP_MAX_VALUE,
  type BoundedWindow,
  type Instant,
  type KV,
  type PCollection,
  type PTransform,
  type WindowCoder,
  type WindowFn,
} from "../sdk/index.js";

/** Enough keys to spread over any number of workers, few enough that groups are not all of size one. */
const KEY_SPACE = 1 << 16;

/**
 * The windows elements already have, as a non-merging windowing (Beam's `IdentityWindowFn`): a GroupByKey under
 * it groups by exactly those windows. Only named by `configureWindowing`, which assigns nothing.
 */
class KeptWindows implements WindowFn {
  readonly description: string;
  readonly windowCoder: WindowCoder<BoundedWindow> | undefined;
  constructor(original: WindowFn) {
    this.description = `KeptWindows(${original.description})`;
    this.windowCoder = original.windowCoder as WindowCoder<BoundedWindow> | undefined;
  }
  assignWindows(): never {
    throw new Error(`${this.description} assigns no windows: elements keep theirs`);
  }
}

/**
 * The same elements, redistributed.
 * @example
 * const lines = p.apply(create(fileNames)).flatMap(readLines).apply(reshuffle());
 */
export function reshuffle<T>(): PTransform<PCollection<T>, PCollection<T>> {
  return {
    name: "Reshuffle",
    expand: (input) => {
      const original = input.windowing;
      // A bounded input's watermark waits for all of it, so nothing can be late and the default trigger fires
      // each window once; an unbounded one fires every element as it arrives.
      const kept = input.apply(
        "KeepWindows",
        configureWindowing<T>(
          input.isBounded
            ? { windowFn: new KeptWindows(original.windowFn), trigger: { kind: "Default" }, accumulation: "DISCARDING", allowedLateness: 0, timestampCombiner: "EARLIEST" }
            : {
                windowFn: new KeptWindows(original.windowFn),
                trigger: Repeatedly(AfterCount(1)),
                accumulation: "DISCARDING",
                allowedLateness: TIMESTAMP_MAX_VALUE,
                timestampCombiner: "EARLIEST",
              },
        ),
      );
      return kept
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
            // The group's timestamp is its earliest element's: every original timestamp is that or later.
            allowedTimestampSkew: Infinity,
            process(group, ctx) {
              for (const [timestamp, element] of group.value) ctx.outputWithTimestamp(element, timestamp);
            },
          }),
        )
        .apply("RestoreWindowing", configureWindowing<T>(original));
    },
  };
}
