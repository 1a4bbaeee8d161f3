/**
 * Streaming transcripts, default trigger: every window type, sessions merging across out-of-order data, the
 * timestamp combiners, and windowed combines, each fed by a TestStream and checked pane by pane (window, key,
 * values, timestamp, PaneInfo). Expected panes follow Beam (see docs/event-time-notes.md and the grouping
 * transcripts in test/runners/core/transcripts.test.ts, which these replay through a whole runner).
 */
import { AfterCount, AfterWatermark, definePipeline, FixedWindows, IntervalWindow, kv, Sessions, SlidingWindows, windowInto, type KV } from "../../../sdk/index.js";
import { countPerElement, sumPerKey } from "../../../transforms/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";
import { at, groupedIn, pane } from "./event-time-support.js";

export const fixedWindowsDefaultTrigger = definePipeline(import.meta, {
  name: "fixedWindowsDefaultTrigger",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1), at(2), at(3), at(10), at(11), at(4, "j"))
        .advanceWatermarkTo(9) // the end of [0,10) is 9: a window fires once the watermark is past it
        .addElements(at(5)) // not late yet
        .advanceWatermarkTo(25)
        .advanceWatermarkToInfinity(),
    );
    const panes = groupedIn(events, "", new FixedWindows(10));
    assertThat(panes, "fixed").panes().containsInAnyOrder(
      pane("0:10", kv("k", [1, 2, 3, 5]), 9, "ON_TIME 0/0 first last"),
      pane("0:10", kv("j", [4]), 9, "ON_TIME 0/0 first last"),
      pane("10:20", kv("k", [10, 11]), 19, "ON_TIME 0/0 first last"),
    );
    assertThat(panes).inOnTimePane(new IntervalWindow(10, 20)).containsInAnyOrder(kv("k", [10, 11]));
    assertThat(panes).inFinalPane("0:10").containsInAnyOrder(kv("k", [1, 2, 3, 5]), kv("j", [4]));
    assertThat(panes).inEarlyPane("0:10").empty();
    assertThat(panes).inLatePane("0:10").empty();
  },
});

export const slidingWindowsDefaultTrigger = definePipeline(import.meta, {
  name: "slidingWindowsDefaultTrigger",
  build(p) {
    const events = p.apply(testStream<KV<string, number>>().addElements(at(7)).addElements(at(12)).advanceWatermarkTo(100).advanceWatermarkToInfinity());
    assertThat(groupedIn(events, "", new SlidingWindows(10, 5))).panes().containsInAnyOrder(
      pane("0:10", kv("k", [7]), 9, "ON_TIME 0/0 first last"),
      pane("5:15", kv("k", [7, 12]), 14, "ON_TIME 0/0 first last"),
      pane("10:20", kv("k", [12]), 19, "ON_TIME 0/0 first last"),
    );
  },
});

/** Beam's sessions merging: out-of-order elements bridge sessions, a late one is dropped. */
export const sessionsMergeOutOfOrder = definePipeline(import.meta, {
  name: "sessionsMergeOutOfOrder",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1))
        .addElements(at(30))
        .addElements(at(9)) // [1,11) + [9,19) -> [1,19)
        .addElements(at(25)) // [25,35) + [30,40) -> [25,40)
        .addElements(at(50, "j"))
        .addElements(at(17)) // [17,27) bridges [1,19) and [25,40) -> [1,40)
        .advanceWatermarkTo(39)
        .advanceWatermarkTo(40)
        .addElements(at(5)) // its window [5,15) ended long ago, no lateness allowed: dropped
        .advanceWatermarkToInfinity(),
    );
    assertThat(groupedIn(events, "", new Sessions(10))).panes().containsInAnyOrder(
      pane("1:40", kv("k", [1, 9, 17, 25, 30]), 39, "ON_TIME 0/0 first last"),
      pane("50:60", kv("j", [50]), 59, "ON_TIME 0/0 first last"),
    );
  },
});

/** Each combiner stamps the panes of the same input: the end of the window, the earliest or the latest element. */
export const timestampCombiners = definePipeline(import.meta, {
  name: "timestampCombiners",
  build(p) {
    const events = p.apply(testStream<KV<string, number>>().addElements(...[1, 2, 3, 10, 11, 25].map((t) => at(t))).advanceWatermarkToInfinity());
    for (const [combiner, stamps] of [
      ["END_OF_WINDOW", [9, 19, 29]],
      ["EARLIEST", [1, 10, 25]],
      ["LATEST", [3, 11, 25]],
    ] as const) {
      assertThat(groupedIn(events, combiner, new FixedWindows(10), { timestampCombiner: combiner }), combiner).panes().containsInAnyOrder(
        pane("0:10", kv("k", [1, 2, 3]), stamps[0], "ON_TIME 0/0 first last"),
        pane("10:20", kv("k", [10, 11]), stamps[1], "ON_TIME 0/0 first last"),
        pane("20:30", kv("k", [25]), stamps[2], "ON_TIME 0/0 first last"),
      );
    }
  },
});

/** Beam's `known_late_data_watermark` / `..._no_watermark_hold_possible`: elements behind the watermark cannot hold it. */
export const earliestIgnoresElementsBehindTheWatermark = definePipeline(import.meta, {
  name: "earliestIgnoresElementsBehindTheWatermark",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .advanceWatermarkTo(5)
        .addElements(at(2), at(3), at(7), at(8), at(2, "j"), at(3, "j"))
        .advanceWatermarkTo(11)
        .advanceWatermarkToInfinity(),
    );
    assertThat(groupedIn(events, "", new FixedWindows(10), { timestampCombiner: "EARLIEST" })).panes().containsInAnyOrder(
      pane("0:10", kv("k", [2, 3, 7, 8]), 7, "ON_TIME 0/0 first last"),
      pane("0:10", kv("j", [2, 3]), 9, "ON_TIME 0/0 first last"),
    );
  },
});

/** Session holds merge with the sessions: EARLIEST and LATEST over the merged elements, END_OF_WINDOW of the merged window. */
export const sessionTimestampCombiners = definePipeline(import.meta, {
  name: "sessionTimestampCombiners",
  build(p) {
    const events = p.apply(testStream<KV<string, number>>().addElements(at(5)).addElements(at(2)).advanceWatermarkTo(100).advanceWatermarkToInfinity());
    for (const [combiner, stamp] of [
      ["END_OF_WINDOW", 14],
      ["EARLIEST", 2],
      ["LATEST", 5],
    ] as const) {
      assertThat(groupedIn(events, combiner, new Sessions(10), { timestampCombiner: combiner }), combiner).panes().containsInAnyOrder(
        pane("2:15", kv("k", [2, 5]), stamp, "ON_TIME 0/0 first last"),
      );
    }
  },
});

/** A sum per key per fixed window, over out-of-order data (a lifted combine). */
export const windowedSumPerKey = definePipeline(import.meta, {
  name: "windowedSumPerKey",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1, "a", 1), at(2, "b", 2), at(12, "a", 3))
        .advanceWatermarkTo(5)
        .addElements(at(4, "a", 4), at(15, "b", 5), at(9, "b", 6))
        .advanceWatermarkTo(20)
        .addElements(at(21, "a", 7))
        .advanceWatermarkToInfinity(),
    );
    const sums = events.apply(windowInto(new FixedWindows(10))).apply(sumPerKey());
    assertThat(sums).panes().containsInAnyOrder(
      pane("0:10", kv("a", 5), 9, "ON_TIME 0/0 first last"),
      pane("0:10", kv("b", 8), 9, "ON_TIME 0/0 first last"),
      pane("10:20", kv("a", 3), 19, "ON_TIME 0/0 first last"),
      pane("10:20", kv("b", 5), 19, "ON_TIME 0/0 first last"),
      pane("20:30", kv("a", 7), 29, "ON_TIME 0/0 first last"),
    );
    assertThat(sums).inWindow(new IntervalWindow(0, 10)).containsInAnyOrder(kv("a", 5), kv("b", 8));
  },
});

/** `countPerElement` under fixed windows with early firings per two occurrences, accumulating. */
export const windowedCountPerElementWithTrigger = definePipeline(import.meta, {
  name: "windowedCountPerElementWithTrigger",
  build(p) {
    const words = p.apply(
      testStream<string>()
        .addElements({ value: "a", timestamp: 1 }, { value: "b", timestamp: 2 })
        .addElements({ value: "a", timestamp: 3 }) // "a" reaches 2 in [0,10): an EARLY pane for it alone
        .advanceWatermarkTo(10)
        .addElements({ value: "c", timestamp: 15 }, { value: "c", timestamp: 16 })
        .advanceWatermarkToInfinity(),
    );
    const counts = words
      .apply(windowInto(new FixedWindows(10), { trigger: AfterWatermark({ early: AfterCount(2) }), accumulation: "ACCUMULATING", allowedLateness: 0 }))
      .apply(countPerElement());
    assertThat(counts).panes().containsInAnyOrder(
      pane("0:10", kv("a", 2), 9, "EARLY 0/-1 first"),
      pane("0:10", kv("a", 2), 9, "ON_TIME 1/0 last"),
      pane("0:10", kv("b", 1), 9, "ON_TIME 0/0 first last"),
      pane("10:20", kv("c", 2), 19, "EARLY 0/-1 first"),
      pane("10:20", kv("c", 2), 19, "ON_TIME 1/0 last"),
    );
    assertThat(counts).inEarlyPane("0:10").containsInAnyOrder(kv("a", 2));
    assertThat(counts).inOnTimePane("0:10").containsInAnyOrder(kv("a", 2), kv("b", 1));
  },
});
