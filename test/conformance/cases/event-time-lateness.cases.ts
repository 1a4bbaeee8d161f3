/**
 * Streaming transcripts, lateness: data for windows whose end plus the allowed lateness the watermark has passed
 * is dropped (and counted in the GroupByKey step's `droppedDueToLateness` counter, which
 * `event-time-lateness.test.ts` checks); data within the lateness makes LATE panes.
 */
import { AfterWatermark, definePipeline, FixedWindows, groupByKey, kv, SlidingWindows, windowInto, type KV } from "../../../sdk/index.js";
import { coGroupByKey, countPerElement, create, sumPerKey, withTimestamps } from "../../../transforms/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";
import { at, groupedIn, pane } from "./event-time-support.js";

/** The step whose counters the tests read. */
export const GROUP_STEP = "Group";

/** Two elements dropped: one before any pane of the key, one after its window was garbage collected. */
export const droppedBeyondAllowedLateness = definePipeline(import.meta, {
  name: "droppedBeyondAllowedLateness",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .advanceWatermarkTo(20)
        .addElements(at(1)) // [0,10) expired: 9 + 5 < 20
        .addElements(at(12)) // [10,20) is late but within the lateness; nothing held the watermark for it: LATE
        .advanceWatermarkTo(25) // [10,20) garbage collected (19 + 5 < 25)
        .addElements(at(13)) // dropped
        .advanceWatermarkToInfinity(),
    );
    assertThat(groupedIn(events, "", new FixedWindows(10), { accumulation: "ACCUMULATING", allowedLateness: 5 })).panes().containsInAnyOrder(
      pane("10:20", kv("k", [12]), 19, "LATE 0/0 first"),
    );
  },
});

/** Without allowed lateness, every element behind the watermark is dropped, however it arrives. */
export const lateDataWithoutLatenessIsDropped = definePipeline(import.meta, {
  name: "lateDataWithoutLatenessIsDropped",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .advanceWatermarkTo(50)
        .addElements(at(1), at(12), at(33), at(49))
        .addElements(at(55))
        .advanceWatermarkTo(60)
        .advanceWatermarkToInfinity(),
    );
    assertThat(groupedIn(events, "", new FixedWindows(10))).panes().containsInAnyOrder(pane("50:60", kv("k", [55]), 59, "ON_TIME 0/0 first last"));
  },
});

/** The same in a combine: the counter is the combine's GroupByKey's. */
export const droppedInAWindowedCombine = definePipeline(import.meta, {
  name: "droppedInAWindowedCombine",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1, "a", 1), at(2, "b", 2))
        .advanceWatermarkTo(10)
        .addElements(at(3, "a", 100)) // late, no lateness allowed: dropped
        .addElements(at(12, "a", 3))
        .advanceWatermarkToInfinity(),
    );
    const sums = events.apply(windowInto(new FixedWindows(10))).apply("Sum", sumPerKey());
    assertThat(sums).panes().containsInAnyOrder(
      pane("0:10", kv("a", 1), 9, "ON_TIME 0/0 first last"),
      pane("0:10", kv("b", 2), 9, "ON_TIME 0/0 first last"),
      pane("10:20", kv("a", 3), 19, "ON_TIME 0/0 first last"),
    );
  },
});

/**
 * `AfterWatermark()` without lateness closes the window at the ON_TIME pane; later data for it is behind the
 * watermark beyond the (zero) lateness, so it is dropped as late, before the closed window is even looked at (as
 * Beam's LateDataDroppingDoFnRunner does). A window closed before garbage collection would need a trigger that
 * finishes early, which GroupByKey rejects as unsafe, so `droppedDueToClosedWindow` cannot happen here.
 */
export const droppedAfterTheOnTimePane = definePipeline(import.meta, {
  name: "droppedAfterTheOnTimePane",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1))
        .advanceWatermarkTo(10) // ON_TIME, and the trigger finishes
        .addElements(at(2)) // dropped
        .advanceWatermarkToInfinity(),
    );
    const trigger = AfterWatermark();
    assertThat(groupedIn(events, "", new FixedWindows(10), { trigger, accumulation: "DISCARDING", allowedLateness: 0 })).panes().containsInAnyOrder(
      pane("0:10", kv("k", [1]), 9, "ON_TIME 0/0 first last"),
    );
  },
});

interface Click {
  readonly user: string;
  readonly at: number;
}

/** withTimestamps in a stream: event time from the records (earlier than their arrival: a declared skew), arrival order irrelevant. */
export const withTimestampsInAStream = definePipeline(import.meta, {
  name: "withTimestampsInAStream",
  build(p) {
    const clicks = p.apply(
      testStream<Click>()
        .addElements({ value: { user: "a", at: 3 }, timestamp: 100 }, { value: { user: "b", at: 12 }, timestamp: 100 })
        .addElements({ value: { user: "a", at: 8 }, timestamp: 101 })
        .advanceWatermarkToInfinity(),
    );
    const counts = clicks
      .apply(withTimestamps((c: Click) => c.at, { allowedTimestampSkew: 100 }))
      .apply(windowInto(new FixedWindows(10)))
      .map((c) => c.user)
      .apply(countPerElement());
    assertThat(counts).panes().containsInAnyOrder(pane("0:10", kv("a", 2), 9, "ON_TIME 0/0 first last"), pane("10:20", kv("b", 1), 19, "ON_TIME 0/0 first last"));
  },
});

/** Users of the re-windowing case: enough keys to spread over every key group of the parallel runners. */
const REWINDOW_USERS = 64;

/**
 * Results re-stamped into windows that are long closed, then re-windowed: a global-window join of events with
 * names (it fires once, at the end of the input, its results stamped at the end of the global window, which
 * holds the watermark there), each joined result re-stamped back to its event's time, then sliding windows and a
 * grouping per user. Every re-stamped result is behind the watermark, beyond its sliding windows' lateness: all
 * of them are dropped and counted, on every runner, however many key groups the join has and in whatever order
 * they finish (Beam drops them too, given the same unlimited allowed skew for the move back).
 */
export const rewindowedJoinResultsAreLate = definePipeline(import.meta, {
  name: "rewindowedJoinResultsAreLate",
  build(p) {
    const users = Array.from({ length: REWINDOW_USERS }, (_, u) => u);
    const events = p
      .apply("Events", create(users.flatMap((u) => [kv(`u${u}`, { t: u * 1000, score: u }), kv(`u${u}`, { t: u * 1000 + 500, score: u + 2 })])))
      .apply("StampEvents", withTimestamps(({ value }) => value.t));
    const names = p.apply("Names", create(users.map((u) => kv(`u${u}`, `name ${u}`))));
    const grouped = p
      .apply("Join", coGroupByKey({ events, names }))
      .flatMap(({ key, value }) => value.events.map((e) => ({ key, t: e.t, score: e.score })), "Joined")
      .apply("Restamp", withTimestamps(({ t }) => t, { allowedTimestampSkew: Infinity }))
      .apply(windowInto(new SlidingWindows(2000, 1000)))
      .map(({ key, score }) => kv(key, score), "KeyByUser")
      .apply(GROUP_STEP, groupByKey<string, number>());
    assertThat(grouped).empty();
  },
});

/** Elements the re-windowing case drops: each of the 128 re-stamped results in its two sliding windows. */
export const REWINDOWED_DROPPED = 2 * 2 * REWINDOW_USERS;
