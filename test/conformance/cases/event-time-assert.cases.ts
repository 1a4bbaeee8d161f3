/**
 * Pane and window assertions, `withTimestamps` and `reify*` on bounded input (so every runner runs them): fixed
 * windows with the default trigger, whose panes are all ON_TIME and only; and the messages of failed pane
 * assertions. The streaming transcripts are in the other `event-time-*.cases.ts`.
 */
import { definePipeline, FixedWindows, GLOBAL_WINDOW, IntervalWindow, kv, windowInto, NO_FIRING, ON_TIME_AND_ONLY_FIRING } from "../../../sdk/index.js";
import { create, reifyTimestamps, reifyWindows, sumPerKey, withTimestamps } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { pane } from "./event-time-support.js";

const W0 = new IntervalWindow(0, 10_000);
const W1 = new IntervalWindow(10_000, 20_000);

/** Events at 1 s, 2 s (in [0, 10 s)) and 15 s (in [10 s, 20 s)), summed per key and window. */
function windowedSums(p: Parameters<Parameters<typeof definePipeline>[1]["build"]>[0]) {
  return p
    .apply(create([1_000, 2_000, 15_000]))
    .apply(withTimestamps((t: number) => t))
    .apply(windowInto(new FixedWindows(10_000)))
    .map((t) => kv("k", t), "Key")
    .apply(sumPerKey());
}

export const paneAssertionsOnBoundedWindows = definePipeline(import.meta, {
  name: "paneAssertionsOnBoundedWindows",
  build(p) {
    const sums = windowedSums(p);
    assertThat(sums, "all").containsInAnyOrder(kv("k", 3_000), kv("k", 15_000));
    assertThat(sums, "w0").inWindow(W0).containsInAnyOrder(kv("k", 3_000)).equals([kv("k", 3_000)]);
    assertThat(sums, "w1 by id").inWindow("10000:20000").containsInAnyOrder(kv("k", 15_000));
    assertThat(sums).inOnTimePane(W0).containsInAnyOrder(kv("k", 3_000));
    assertThat(sums).inFinalPane(W1).containsInAnyOrder(kv("k", 15_000));
    assertThat(sums).inCombinedNonLatePanes(W1).containsInAnyOrder(kv("k", 15_000));
    assertThat(sums).inEarlyPane(W0).empty();
    assertThat(sums).inLatePane(W0).empty();
    assertThat(sums, "no data").inWindow(new IntervalWindow(20_000, 30_000)).empty();
    assertThat(sums).inWindow(W0).satisfies((xs) => xs.length === 1 && xs[0]!.value === 3_000);
    assertThat(sums, "transcript").panes().containsInAnyOrder(
      pane("0:10000", kv("k", 3_000), 9_999, "ON_TIME 0/0 first last"),
      pane("10000:20000", kv("k", 15_000), 19_999, "ON_TIME 0/0 first last"),
    );
    assertThat(sums).panes().satisfies((rs) => rs.every((r) => r.timestamp === Number(r.window.split(":")[1]) - 1));
  },
});

export const ungroupedElementsHaveNoFiring = definePipeline(import.meta, {
  name: "ungroupedElementsHaveNoFiring",
  build(p) {
    const words = p.apply(create(["a", "b"]));
    assertThat(words).inWindow(GLOBAL_WINDOW).containsInAnyOrder("a", "b");
    // A PCollection that no grouping produced is in no pane kind but "all": UNKNOWN timing, first and last.
    assertThat(words).inOnTimePane(GLOBAL_WINDOW).empty();
    assertThat(words).inFinalPane(GLOBAL_WINDOW).containsInAnyOrder("a", "b");
  },
});

interface Event {
  readonly id: string;
  readonly at: number;
}

export const withTimestampsMovesTimestamps = definePipeline(import.meta, {
  name: "withTimestampsMovesTimestamps",
  build(p) {
    const stamped = p
      .apply(create<Event>([{ id: "a", at: 5_000 }, { id: "b", at: 12_000 }]))
      .apply("Late", withTimestamps((e: Event) => e.at))
      // Earlier than the previous step's timestamps: allowed within the declared skew (Beam's withAllowedTimestampSkew).
      .apply("Earlier", withTimestamps((e: Event) => e.at - 4_000, { allowedTimestampSkew: 4_000 }));
    assertThat(stamped.apply(reifyTimestamps()).map(({ value, timestamp }) => `${value.id}@${timestamp}`)).containsInAnyOrder("a@1000", "b@8000");
    const windowed = stamped.apply(windowInto(new FixedWindows(5_000))).apply(reifyWindows());
    assertThat(windowed.map(({ value, timestamp, window, pane: p }) => ({ id: value.id, timestamp, window, pane: p }))).containsInAnyOrder(
      { id: "a", timestamp: 1_000, window: { id: "0:5000", maxTimestamp: 4_999, start: 0, end: 5_000 }, pane: NO_FIRING },
      { id: "b", timestamp: 8_000, window: { id: "5000:10000", maxTimestamp: 9_999, start: 5_000, end: 10_000 }, pane: NO_FIRING },
    );
    const summed = windowed.map(({ value }) => kv(value.id, 1), "Key").apply(sumPerKey()).apply("ReifySums", reifyWindows());
    assertThat(summed.map(({ window, pane: p, timestamp }) => ({ window: window.id, pane: p, timestamp }))).containsInAnyOrder(
      { window: "0:5000", pane: ON_TIME_AND_ONLY_FIRING, timestamp: 4_999 },
      { window: "5000:10000", pane: ON_TIME_AND_ONLY_FIRING, timestamp: 9_999 },
    );
    assertThat(p.apply("Globals", create([1])).apply("Global", reifyWindows()).map((v) => v.window)).containsInAnyOrder({
      id: "global",
      maxTimestamp: GLOBAL_WINDOW.maxTimestamp(),
    });
  },
});

// ---- failures: the messages say which window and pane, and what the window had ----

export const inOnTimePaneFails = definePipeline(import.meta, {
  name: "inOnTimePaneFails",
  build(p) {
    assertThat(windowedSums(p), "sums").inOnTimePane(W0).containsInAnyOrder(kv("k", 4_000));
  },
});

export const inWindowWithoutElementsFails = definePipeline(import.meta, {
  name: "inWindowWithoutElementsFails",
  build(p) {
    assertThat(windowedSums(p)).inWindow(new IntervalWindow(20_000, 30_000)).containsInAnyOrder(kv("k", 25_000));
  },
});

export const inLatePaneEmptyFails = definePipeline(import.meta, {
  name: "inLatePaneEmptyFails",
  build(p) {
    assertThat(windowedSums(p)).inFinalPane(W1).empty();
  },
});

export const panesFail = definePipeline(import.meta, {
  name: "panesFail",
  build(p) {
    assertThat(windowedSums(p), "sums").panes().containsInAnyOrder(
      pane("0:10000", kv("k", 3_000), 9_999, "ON_TIME 0/0 first last"),
      pane("10000:20000", kv("k", 15_000), 19_999, "LATE 1/1 last"),
    );
  },
});

export const panesSatisfiesFails = definePipeline(import.meta, {
  name: "panesSatisfiesFails",
  build(p) {
    assertThat(windowedSums(p)).panes().satisfies((rs) => rs.every((r) => r.timing === "EARLY"));
  },
});

// ---- withTimestamps: invalid timestamps fail at the element, naming the step ----

export const withTimestampsNaN = definePipeline(import.meta, {
  name: "withTimestampsNaN",
  build(p) {
    p.apply(create([{ at: "10:00" }])).apply(withTimestamps((e: { at: string }) => Number(e.at)));
  },
});

export const withTimestampsFraction = definePipeline(import.meta, {
  name: "withTimestampsFraction",
  build(p) {
    p.apply(create([1.5])).apply("Stamp", withTimestamps((x: number) => x));
  },
});

export const withTimestampsOutOfRange = definePipeline(import.meta, {
  name: "withTimestampsOutOfRange",
  build(p) {
    p.apply(create([9e15])).apply(withTimestamps((x: number) => x));
  },
});

export const withTimestampsDate = definePipeline(import.meta, {
  name: "withTimestampsDate",
  build(p) {
    p.apply(create(["2026-01-01T00:00:00Z"])).apply(withTimestamps((s: string) => new Date(s) as unknown as number));
  },
});
