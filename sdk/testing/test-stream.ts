/**
 * TestStream: a scripted unbounded source for tests. The script adds elements, advances the watermark and
 * advances processing time; the runner applies each event and runs until nothing more can happen before the
 * next, with processing time on a test clock. So streaming behaviour — early, on-time and late panes, late data,
 * processing-time triggers — is deterministic and testable on every runner.
 * @module
 */
import type { TestStreamNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PBegin, PTransform } from "../ptransform.js";
import { GLOBAL_WINDOWING } from "../model/windowing-strategy.js";
import { formatInstant, isValidTimestamp, TIMESTAMP_MIN_VALUE, type Instant } from "../model/time.js";
import type { TimestampedValue } from "../model/unbounded-source.js";

/** One step of a TestStream script. */
export type TestStreamEvent =
  /** Elements arrive (as one bundle). */
  | {
      /** Discriminant. */
      readonly kind: "elements";
      /** The elements, with their event timestamps. */
      readonly elements: readonly TimestampedValue<unknown>[];
    }
  /** The source's watermark moves to `to`. */
  | {
      /** Discriminant. */
      readonly kind: "watermark";
      /** The new watermark. */
      readonly to: Instant;
    }
  /** The test clock moves forward by `by` ms. */
  | {
      /** Discriminant. */
      readonly kind: "processingTime";
      /** Milliseconds the test clock advances. */
      readonly by: number;
    };

/** Where a TestStream's processing-time clock starts: the epoch, so scripts and expected panes are stable. */
export const TEST_CLOCK_START: Instant = 0;

/**
 * Builds a TestStream script. End it with {@link TestStreamBuilder.advanceWatermarkToInfinity}, which returns
 * the transform to apply to the pipeline.
 */
export class TestStreamBuilder<T> {
  private readonly events: TestStreamEvent[] = [];
  private watermark: Instant = TIMESTAMP_MIN_VALUE;

  /**
   * Elements arrive: values with timestamps (`timestamped(v, t)`), or plain values at the minimum timestamp.
   * Elements behind the watermark are allowed: they are late data.
   */
  addElements(...elements: readonly (TimestampedValue<T> | T)[]): this {
    const stamped = elements.map((e) => (isTimestamped(e) ? e : { value: e, timestamp: TIMESTAMP_MIN_VALUE }));
    for (const e of stamped) {
      if (!isValidTimestamp(e.timestamp)) {
        throw new RangeError(`TestStream.addElements: invalid timestamp ${String(e.timestamp)} (integer ms within the Date range)`);
      }
    }
    this.events.push({ kind: "elements", elements: stamped });
    return this;
  }

  /** The watermark moves to `t` (it may not move backwards). */
  advanceWatermarkTo(t: Instant): this {
    if (!isValidTimestamp(t)) throw new RangeError(`TestStream.advanceWatermarkTo: invalid timestamp ${String(t)}`);
    if (t < this.watermark) {
      throw new RangeError(`TestStream.advanceWatermarkTo: the watermark cannot move backwards (from ${formatInstant(this.watermark)} to ${formatInstant(t)})`);
    }
    this.watermark = t;
    this.events.push({ kind: "watermark", to: t });
    return this;
  }

  /** Processing time moves forward by `ms` milliseconds. */
  advanceProcessingTime(ms: number): this {
    if (!(Number.isInteger(ms) && ms > 0)) throw new RangeError(`TestStream.advanceProcessingTime: needs a positive integer of ms, got ${ms}`);
    this.events.push({ kind: "processingTime", by: ms });
    return this;
  }

  /** Ends the script: the watermark moves to +∞, and the transform reading the stream is returned. */
  advanceWatermarkToInfinity(): PTransform<PBegin, PCollection<T>> {
    const events = Object.freeze([...this.events]);
    return {
      name: "TestStream",
      expand: (begin) =>
        begin.pipeline.applyPrimitive<TestStreamNode>({
          node: { kind: "TestStream", events },
          inputs: [],
          outputs: [{ tag: "main", isBounded: false, windowing: GLOBAL_WINDOWING }],
        }).main as PCollection<T>,
    };
  }
}

function isTimestamped<T>(e: TimestampedValue<T> | T): e is TimestampedValue<T> {
  return typeof e === "object" && e !== null && "timestamp" in e && "value" in e && Object.keys(e).length === 2;
}

/**
 * Starts a TestStream script.
 * @example
 * const scores = p.apply(
 *   testStream<number>()
 *     .addElements(timestamped(3, 1_000), timestamped(5, 2_000))
 *     .advanceWatermarkTo(60_000)
 *     .addElements(timestamped(7, 3_000)) // late
 *     .advanceProcessingTime(10_000)
 *     .advanceWatermarkToInfinity(),
 * );
 */
export function testStream<T>(): TestStreamBuilder<T> {
  return new TestStreamBuilder<T>();
}
