/**
 * `deduplicate` and `deduplicatePerKey` (stateful DoFns): repeats within the duration are dropped, in processing
 * time (the default, as Beam's Deduplicate) or event time; after the duration an element is new again.
 */
import { definePipeline, kv, type KV } from "../../../sdk/index.js";
import { create, deduplicate, deduplicatePerKey } from "../../../transforms/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";
import { at } from "./event-time-support.js";

const MINUTE = 60_000;

/** In one batch run, every element once (equal objects in another property order are one element). */
export const deduplicateBatch = definePipeline(import.meta, {
  name: "deduplicateBatch",
  build(p) {
    const input = p.apply(create([{ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 2, b: 2 }, { a: 1, b: 2 }]));
    assertThat(input.apply(deduplicate<{ a: number; b: number }>()).map((o) => `${o.a}${o.b}`)).containsInAnyOrder("12", "22");
  },
});

/** Processing time: a repeat within the duration is dropped; one after it is emitted again. */
export const deduplicateProcessingTime = definePipeline(import.meta, {
  name: "deduplicateProcessingTime",
  build(p) {
    const events = p.apply(
      testStream<string>()
        .addElements("a", "b")
        .advanceProcessingTime(5 * MINUTE)
        .addElements("a") // within 10 minutes: dropped
        .advanceProcessingTime(6 * MINUTE) // 11 minutes after the first: forgotten
        .addElements("a", "b")
        .addElements("b") // dropped again
        .advanceWatermarkToInfinity(),
    );
    assertThat(events.apply(deduplicate<string>())).containsInAnyOrder("a", "b", "a", "b");
  },
});

/** Event time, per key: the duration counts on the input watermark. */
export const deduplicatePerKeyEventTime = definePipeline(import.meta, {
  name: "deduplicatePerKeyEventTime",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .advanceWatermarkTo(0)
        .addElements(at(1, "k", 1), at(2, "j", 2)) // remembered until the watermark passes 10
        .advanceWatermarkTo(5)
        .addElements(at(6, "k", 6)) // dropped
        .advanceWatermarkTo(11) // forgotten
        .addElements(at(12, "k", 12), at(13, "j", 13))
        .advanceWatermarkToInfinity(),
    );
    const firsts = events.apply(deduplicatePerKey<string, number>({ durationMs: 10, timeDomain: "EVENT_TIME" }));
    assertThat(firsts).containsInAnyOrder(kv("k", 1), kv("j", 2), kv("k", 12), kv("j", 13));
  },
});
