/**
 * Streaming transcript, merging and holds: late data that merges into a session which already fired ON_TIME.
 * The merge result is a new, longer window (a fresh pane history, Beam: "gets to start fresh if it is new"), and
 * under the END_OF_WINDOW timestamp combiner it holds the output watermark at its own end (Beam's
 * `WatermarkHold.onMerge` re-derives the window's hold; the late element's own hold is the same one). So when the
 * watermark passes the merged window's end before its trigger fires, the pane is still ON_TIME, as in Beam Java.
 * Under EARLIEST nothing can hold for it (the fired session's holds were released with its pane, and the late
 * element is behind the output watermark), so the same pane is LATE, as in Beam.
 */
import { AfterProcessingTime, definePipeline, kv, Repeatedly, Sessions, type KV } from "../../../sdk/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";
import { at, groupedIn, pane } from "./event-time-support.js";

export const lateDataMergedIntoAFiredSessionKeepsTheEndOfWindowHold = definePipeline(import.meta, {
  name: "lateDataMergedIntoAFiredSessionKeepsTheEndOfWindowHold",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1)) // [1,11), held at its end (END_OF_WINDOW) or at 1 (EARLIEST)
        .advanceWatermarkTo(11) // past its end, but the trigger waits for processing time; the hold keeps it on time
        .advanceProcessingTime(6) // [1,11) fires ON_TIME
        .addElements(at(5)) // late: [5,15) merges with [1,11) into the new window [1,15)
        .advanceWatermarkTo(20) // past [1,15)'s end: only its END_OF_WINDOW hold keeps the output watermark at 14
        .advanceProcessingTime(6) // [1,15) fires
        .advanceWatermarkToInfinity(),
    );
    const options = { trigger: Repeatedly(AfterProcessingTime(5)), allowedLateness: 100, accumulation: "ACCUMULATING" } as const;
    const endOfWindow = groupedIn(events, "EndOfWindow", new Sessions(10), { ...options, timestampCombiner: "END_OF_WINDOW" });
    assertThat(endOfWindow, "END_OF_WINDOW").panes().containsInAnyOrder(
      pane("1:11", kv("k", [1]), 10, "ON_TIME 0/0 first"),
      pane("1:15", kv("k", [1, 5]), 14, "ON_TIME 0/0 first"),
    );
    const earliest = groupedIn(events, "Earliest", new Sessions(10), { ...options, timestampCombiner: "EARLIEST" });
    assertThat(earliest, "EARLIEST").panes().containsInAnyOrder(
      pane("1:11", kv("k", [1]), 1, "ON_TIME 0/0 first"),
      pane("1:15", kv("k", [1, 5]), 14, "LATE 0/0 first"),
    );
  },
});
