/**
 * Streaming transcripts, triggers: early, on-time and late firings, count and processing-time triggers, every
 * composite trigger, accumulating against discarding. Each is a TestStream script and the exact panes expected
 * (window, key, values, timestamp, PaneInfo), following Beam (docs/event-time-notes.md; where a case replays one
 * of Beam's, its comment names it). Processing time starts at TEST_CLOCK_START = 0, and a processing-time trigger
 * due at t fires only once the clock is past t.
 */
import {
  AfterAll,
  AfterAny,
  AfterCount,
  AfterEach,
  AfterProcessingTime,
  AfterWatermark,
  definePipeline,
  FixedWindows,
  GlobalWindows,
  kv,
  Never,
  OrFinally,
  Repeatedly,
  Sessions,
  END_OF_GLOBAL_WINDOW,
  windowInto,
  type AccumulationMode,
  type KV,
} from "../../../sdk/index.js";
import { sumPerKey } from "../../../transforms/index.js";
import { assertThat, testStream, type TestStreamBuilder } from "../../../sdk/testing/index.js";
import { at, groupedIn, pane } from "./event-time-support.js";

const MODES: readonly AccumulationMode[] = ["ACCUMULATING", "DISCARDING"];

/** `acc` when accumulating, else `disc`. */
function byMode<T>(mode: AccumulationMode, acc: T, disc: T): T {
  return mode === "ACCUMULATING" ? acc : disc;
}

/** Adds each timestamp as its own bundle (one TestStream event each). */
function oneByOne(s: TestStreamBuilder<KV<string, number>>, timestamps: readonly number[]): TestStreamBuilder<KV<string, number>> {
  for (const t of timestamps) s.addElements(at(t));
  return s;
}

export const earlyOnTimeAndLateFirings = definePipeline(import.meta, {
  name: "earlyOnTimeAndLateFirings",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1)) // processing time 0: the early trigger is due at 5
        .advanceProcessingTime(5) // now 5: not yet (strictly after)
        .addElements(at(2)) // so 2 joins the first pane
        .advanceProcessingTime(1) // now 6: EARLY
        .addElements(at(3)) // early trigger due at 11
        .advanceWatermarkTo(10) // ON_TIME
        .addElements(at(4)) // LATE, at once (late: AfterCount(1))
        .advanceProcessingTime(20) // the early trigger's timer: ignored after the watermark passed the end
        .addElements(at(5)) // LATE
        .advanceWatermarkTo(30) // garbage collection (9 + 20 < 30): nothing new, no final pane
        .addElements(at(6)) // dropped
        .advanceWatermarkToInfinity(),
    );
    for (const mode of MODES) {
      const panes = groupedIn(events, mode, new FixedWindows(10), {
        trigger: AfterWatermark({ early: AfterProcessingTime(5), late: AfterCount(1) }),
        accumulation: mode,
        allowedLateness: 20,
      });
      assertThat(panes, mode).panes().containsInAnyOrder(
        pane("0:10", kv("k", [1, 2]), 9, "EARLY 0/-1 first"),
        pane("0:10", kv("k", byMode(mode, [1, 2, 3], [3])), 9, "ON_TIME 1/0"),
        pane("0:10", kv("k", byMode(mode, [1, 2, 3, 4], [4])), 9, "LATE 2/1"),
        pane("0:10", kv("k", byMode(mode, [1, 2, 3, 4, 5], [5])), 9, "LATE 3/2"),
      );
      assertThat(panes, mode).inEarlyPane("0:10").containsInAnyOrder(kv("k", [1, 2]));
      assertThat(panes, mode).inOnTimePane("0:10").containsInAnyOrder(kv("k", byMode(mode, [1, 2, 3], [3])));
      assertThat(panes, mode).inLatePane("0:10").containsInAnyOrder(kv("k", byMode(mode, [1, 2, 3, 4], [4])), kv("k", byMode(mode, [1, 2, 3, 4, 5], [5])));
      assertThat(panes, mode).inFinalPane("0:10").empty();
    }
  },
});

/** Beam's `early_late_sessions`: a merged session that is a new window starts a fresh pane history. */
export const sessionsWithEarlyAndLateFirings = definePipeline(import.meta, {
  name: "sessionsWithEarlyAndLateFirings",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1), at(2), at(3)) // EARLY [1,13)
        .addElements(at(4)) // [1,14): count 1
        .addElements(at(5)) // [1,15), a new window: EARLY, first again
        .addElements(at(6))
        .advanceWatermarkTo(100) // ON_TIME [1,16)
        .addElements(at(1)) // late, merges into [1,16), which keeps its history
        .addElements(at(3), at(4)) // the third late element: LATE
        .advanceWatermarkTo(200)
        .advanceWatermarkToInfinity(),
    );
    const panes = groupedIn(events, "", new Sessions(10), {
      trigger: AfterWatermark({ early: AfterCount(2), late: AfterCount(3) }),
      accumulation: "ACCUMULATING",
      allowedLateness: 100,
    });
    assertThat(panes).panes().containsInAnyOrder(
      pane("1:13", kv("k", [1, 2, 3]), 12, "EARLY 0/-1 first"),
      pane("1:15", kv("k", [1, 2, 3, 4, 5]), 14, "EARLY 0/-1 first"),
      pane("1:16", kv("k", [1, 2, 3, 4, 5, 6]), 15, "ON_TIME 0/0 first"),
      pane("1:16", kv("k", [1, 1, 2, 3, 3, 4, 4, 5, 6]), 15, "LATE 1/1"),
    );
  },
});

/** Beam's `fireNonEmptyOnDrainInGlobalWindow`: a pane per three elements, the rest ON_TIME at the end. */
export const repeatedCountInTheGlobalWindow = definePipeline(import.meta, {
  name: "repeatedCountInTheGlobalWindow",
  build(p) {
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    const events = p.apply(oneByOne(testStream<KV<string, number>>().advanceWatermarkTo(0), twenty).advanceWatermarkToInfinity());
    const panes = groupedIn(events, "", new GlobalWindows(), { trigger: Repeatedly(AfterCount(3)), accumulation: "DISCARDING" });
    assertThat(panes).panes().equals([
      ...Array.from({ length: 6 }, (_, i) => pane("global", kv("k", [3 * i, 3 * i + 1, 3 * i + 2]), END_OF_GLOBAL, `EARLY ${i}/-1${i === 0 ? " first" : ""}`)),
      pane("global", kv("k", [18, 19]), END_OF_GLOBAL, "ON_TIME 6/0 last"),
    ]);
  },
});

/** A count trigger fires once per bundle, with everything in it (Beam checks triggers after each bundle). */
export const countTriggerPerBundle = definePipeline(import.meta, {
  name: "countTriggerPerBundle",
  build(p) {
    const events = p.apply(testStream<KV<string, number>>().addElements(at(1), at(2), at(3)).addElements(at(4)).addElements(at(5)).advanceWatermarkToInfinity());
    assertThat(groupedIn(events, "", new GlobalWindows(), { trigger: Repeatedly(AfterCount(2)), accumulation: "DISCARDING" })).panes().containsInAnyOrder(
      pane("global", kv("k", [1, 2, 3]), END_OF_GLOBAL, "EARLY 0/-1 first"),
      pane("global", kv("k", [4, 5]), END_OF_GLOBAL, "EARLY 1/-1"),
      pane("global", kv("k", []), END_OF_GLOBAL, "ON_TIME 2/0 last"),
    );
  },
});

/** Beam's `fireEmptyOnDrainInGlobalWindowIfRequested`: an element per ms, a pane 3 ms (strictly) after each pane's first. */
export const repeatedProcessingTimeInTheGlobalWindow = definePipeline(import.meta, {
  name: "repeatedProcessingTimeInTheGlobalWindow",
  build(p) {
    const s = testStream<KV<string, number>>().addElements(at(0));
    for (let i = 1; i < 20; i++) s.advanceProcessingTime(1).addElements(at(i));
    const events = p.apply(s.advanceProcessingTime(5).advanceWatermarkToInfinity());
    const panes = groupedIn(events, "", new GlobalWindows(), { trigger: Repeatedly(AfterProcessingTime(3)), accumulation: "DISCARDING" });
    assertThat(panes).panes().equals([
      ...Array.from({ length: 5 }, (_, i) => pane("global", kv("k", [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]), END_OF_GLOBAL, `EARLY ${i}/-1${i === 0 ? " first" : ""}`)),
      pane("global", kv("k", []), END_OF_GLOBAL, "ON_TIME 5/0 last"),
    ]);
  },
});

/** `AfterProcessingTime(0)` aligned to 10 ms: fires after the next multiple of 10, not after the delay alone. */
export const alignedProcessingTime = definePipeline(import.meta, {
  name: "alignedProcessingTime",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .advanceProcessingTime(3)
        .addElements(at(1)) // now 3: due at 10
        .advanceProcessingTime(2)
        .addElements(at(2)) // now 5: unaligned, the pane would have fired at 4 with [1] alone
        .advanceProcessingTime(5)
        .addElements(at(3)) // now 10: due, but not past due
        .advanceProcessingTime(1) // now 11: EARLY [1,2,3]
        .addElements(at(4)) // due at 20
        .advanceProcessingTime(10) // now 21: EARLY [4]
        .advanceWatermarkToInfinity(),
    );
    const trigger = Repeatedly(AfterProcessingTime(0, { alignTo: { period: 10 } }));
    assertThat(groupedIn(events, "", new GlobalWindows(), { trigger, accumulation: "DISCARDING" })).panes().containsInAnyOrder(
      pane("global", kv("k", [1, 2, 3]), END_OF_GLOBAL, "EARLY 0/-1 first"),
      pane("global", kv("k", [4]), END_OF_GLOBAL, "EARLY 1/-1"),
      pane("global", kv("k", []), END_OF_GLOBAL, "ON_TIME 2/0 last"),
    );
  },
});

export const afterAnyFiresOnTheFirst = definePipeline(import.meta, {
  name: "afterAnyFiresOnTheFirst",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1))
        .addElements(at(2))
        .advanceProcessingTime(11) // the processing-time branch: [1,2]
        .addElements(at(3))
        .addElements(at(4))
        .addElements(at(5)) // the count branch: [3,4,5], which restarts both
        .advanceProcessingTime(19) // nothing pending, no timer
        .advanceWatermarkToInfinity(),
    );
    const trigger = Repeatedly(AfterAny(AfterCount(3), AfterProcessingTime(10)));
    assertThat(groupedIn(events, "", new GlobalWindows(), { trigger, accumulation: "DISCARDING" })).panes().containsInAnyOrder(
      pane("global", kv("k", [1, 2]), END_OF_GLOBAL, "EARLY 0/-1 first"),
      pane("global", kv("k", [3, 4, 5]), END_OF_GLOBAL, "EARLY 1/-1"),
      pane("global", kv("k", []), END_OF_GLOBAL, "ON_TIME 2/0 last"),
    );
  },
});

export const afterAllWaitsForEvery = definePipeline(import.meta, {
  name: "afterAllWaitsForEvery",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1))
        .advanceProcessingTime(11) // the delay passed, but one element only
        .addElements(at(2)) // both: [1,2]
        .addElements(at(3), at(4)) // two elements, no delay yet
        .advanceProcessingTime(11) // now 22: [3,4]
        .advanceWatermarkToInfinity(),
    );
    const trigger = Repeatedly(AfterAll(AfterCount(2), AfterProcessingTime(10)));
    assertThat(groupedIn(events, "", new GlobalWindows(), { trigger, accumulation: "DISCARDING" })).panes().containsInAnyOrder(
      pane("global", kv("k", [1, 2]), END_OF_GLOBAL, "EARLY 0/-1 first"),
      pane("global", kv("k", [3, 4]), END_OF_GLOBAL, "EARLY 1/-1"),
      pane("global", kv("k", []), END_OF_GLOBAL, "ON_TIME 2/0 last"),
    );
  },
});

export const afterEachRunsItsTriggersInTurn = definePipeline(import.meta, {
  name: "afterEachRunsItsTriggersInTurn",
  build(p) {
    const events = p.apply(oneByOne(testStream<KV<string, number>>(), [1, 2, 3, 4]).advanceWatermarkTo(100).advanceWatermarkToInfinity());
    const trigger = AfterEach(AfterCount(2), Repeatedly(AfterCount(1)));
    assertThat(groupedIn(events, "", new FixedWindows(100), { trigger, accumulation: "DISCARDING", allowedLateness: 0 })).panes().containsInAnyOrder(
      pane("0:100", kv("k", [1, 2]), 99, "EARLY 0/-1 first"),
      pane("0:100", kv("k", [3]), 99, "EARLY 1/-1"),
      pane("0:100", kv("k", [4]), 99, "EARLY 2/-1"),
      pane("0:100", kv("k", []), 99, "ON_TIME 3/0 last"),
    );
  },
});

/**
 * Beam's `ReduceFnRunnerTest.testProcessingTime`: `OrFinally` ends the speculative phase of an `AfterEach` at the
 * watermark; then late panes every 25 ms of processing time; a sum per key, EARLIEST timestamps, accumulating.
 */
export const orFinallyInAfterEach = definePipeline(import.meta, {
  name: "orFinallyInAfterEach",
  build(p) {
    const ones = (...ts: number[]) => ts.map((t) => at(t, "k", 1));
    const events = p.apply(
      testStream<KV<string, number>>()
        .advanceWatermarkTo(0)
        .addElements(...ones(1, 3, 7, 5)) // now 0: due at 5
        .advanceProcessingTime(6) // EARLY 4 @1
        .addElements(...ones(8, 4))
        .advanceWatermarkTo(11) // AfterWatermark ends the OrFinally: ON_TIME 6 @4
        .addElements(...ones(8, 4, 5)) // late: now Repeatedly(AfterProcessingTime(25)), due at 31
        .advanceWatermarkTo(12)
        .addElements(...ones(3))
        .advanceProcessingTime(9) // now 15
        .addElements(...ones(5))
        .advanceProcessingTime(17) // now 32: LATE 11
        .addElements(...ones(3))
        .advanceWatermarkTo(125) // garbage collection (9 + 100 < 125): the final LATE 12
        .advanceWatermarkToInfinity(),
    );
    const sums = events
      .apply(
        windowInto(new FixedWindows(10), {
          trigger: AfterEach(OrFinally(Repeatedly(AfterProcessingTime(5)), AfterWatermark()), Repeatedly(AfterProcessingTime(25))),
          timestampCombiner: "EARLIEST",
          accumulation: "ACCUMULATING",
          allowedLateness: 100,
        }),
      )
      .apply(sumPerKey());
    assertThat(sums).panes().containsInAnyOrder(
      pane("0:10", kv("k", 4), 1, "EARLY 0/-1 first"),
      pane("0:10", kv("k", 6), 4, "ON_TIME 1/0"),
      pane("0:10", kv("k", 11), 9, "LATE 2/1"),
      pane("0:10", kv("k", 12), 9, "LATE 3/2 last"),
    );
  },
});

/**
 * Beam's `testEmptyOnTimeWithOnTimeBehaviorFireIfNonEmpty`: under on-time behaviour FIRE_IF_NON_EMPTY the empty
 * ON_TIME pane is skipped (and takes no index); closing behaviour FIRE_ALWAYS emits the final pane at garbage
 * collection even though nothing new arrived.
 */
export const onTimeAndClosingBehaviours = definePipeline(import.meta, {
  name: "onTimeAndClosingBehaviours",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .advanceWatermarkTo(0)
        .addElements(...[1, 3, 7, 5].map((t) => at(t, "k", 1)))
        .advanceProcessingTime(6) // EARLY 4 @1
        .advanceWatermarkTo(11) // the ON_TIME pane would be empty: skipped
        .advanceWatermarkTo(110) // garbage collection (9 + 100 < 110): the final pane, LATE
        .advanceWatermarkToInfinity(),
    );
    const sums = events
      .apply(
        windowInto(new FixedWindows(10), {
          trigger: AfterEach(OrFinally(Repeatedly(AfterProcessingTime(5)), AfterWatermark()), Repeatedly(AfterProcessingTime(25))),
          timestampCombiner: "EARLIEST",
          accumulation: "ACCUMULATING",
          allowedLateness: 100,
          closingBehavior: "FIRE_ALWAYS",
          onTimeBehavior: "FIRE_IF_NON_EMPTY",
        }),
      )
      .apply(sumPerKey());
    assertThat(sums).panes().containsInAnyOrder(pane("0:10", kv("k", 4), 1, "EARLY 0/-1 first"), pane("0:10", kv("k", 4), 9, "LATE 1/0 last"));
    assertThat(sums).inOnTimePane("0:10").empty();
  },
});

/** `Never()` fires only the final pane, when the window is garbage collected (end + allowed lateness). */
export const neverFiresAtGarbageCollection = definePipeline(import.meta, {
  name: "neverFiresAtGarbageCollection",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1), at(2))
        .advanceWatermarkTo(15) // past the end, not the garbage-collection time 9 + 10
        .addElements(at(3)) // late, within the lateness
        .advanceWatermarkTo(20)
        .advanceWatermarkToInfinity(),
    );
    assertThat(groupedIn(events, "", new FixedWindows(10), { trigger: Never(), accumulation: "DISCARDING", allowedLateness: 10 })).panes().containsInAnyOrder(
      pane("0:10", kv("k", [1, 2, 3]), 9, "ON_TIME 0/0 first last"),
    );
  },
});

/** `AfterWatermark()` without late firings closes the window at the ON_TIME pane: later data is dropped. */
export const afterWatermarkClosesTheWindow = definePipeline(import.meta, {
  name: "afterWatermarkClosesTheWindow",
  build(p) {
    const events = p.apply(testStream<KV<string, number>>().addElements(at(1)).advanceWatermarkTo(10).addElements(at(2)).advanceWatermarkToInfinity());
    assertThat(groupedIn(events, "", new FixedWindows(10), { trigger: AfterWatermark(), accumulation: "DISCARDING", allowedLateness: 0 })).panes().containsInAnyOrder(
      pane("0:10", kv("k", [1]), 9, "ON_TIME 0/0 first last"),
    );
  },
});

/** The default trigger with allowed lateness: one LATE pane per late bundle, accumulating or discarding. */
export const defaultTriggerLatePanes = definePipeline(import.meta, {
  name: "defaultTriggerLatePanes",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(...[1, 2, 3, 10, 11, 25].map((t) => at(t)))
        .advanceWatermarkTo(100)
        .addElements(at(7))
        .addElements(at(4), at(5))
        .advanceWatermarkTo(200)
        .advanceWatermarkToInfinity(),
    );
    for (const mode of MODES) {
      assertThat(groupedIn(events, mode, new FixedWindows(10), { accumulation: mode, allowedLateness: 100 }), mode).panes().containsInAnyOrder(
        pane("0:10", kv("k", [1, 2, 3]), 9, "ON_TIME 0/0 first"),
        pane("10:20", kv("k", [10, 11]), 19, "ON_TIME 0/0 first"),
        pane("20:30", kv("k", [25]), 29, "ON_TIME 0/0 first"),
        pane("0:10", kv("k", byMode(mode, [1, 2, 3, 7], [7])), 9, "LATE 1/1"),
        pane("0:10", kv("k", byMode(mode, [1, 2, 3, 4, 5, 7], [4, 5])), 9, "LATE 2/2"),
      );
    }
  },
});

/** The end of the global window, where its panes are stamped (END_OF_WINDOW). */
const END_OF_GLOBAL = END_OF_GLOBAL_WINDOW;
