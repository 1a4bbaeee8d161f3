/**
 * Grouping-side transcripts: every window type, trigger, accumulation mode, lateness rule and timestamp
 * combiner, driven directly (no runner). Expected panes follow Beam's Java `ReduceFnRunner` (see
 * docs/event-time-notes.md); where a case ports one of Beam's, `beam` names it. Pane notation:
 * `[start,end) values @timestamp TIMING index/nonSpeculativeIndex first? last?`.
 */
import {
  AfterAll,
  AfterAny,
  AfterCount,
  AfterEach,
  AfterProcessingTime,
  AfterWatermark,
  FixedWindows,
  GlobalWindows,
  Never,
  OrFinally,
  Repeatedly,
  Sessions,
  SlidingWindows,
  TIMESTAMP_MAX_VALUE,
  type AccumulationMode,
} from "../../../sdk/index.js";
import { describeTranscript, type Step } from "./transcript.js";

const fixed10 = new FixedWindows(10);

describe("grouping transcripts", () => {
  describe("default trigger, each window type", () => {
    describeTranscript({
      name: "fixed windows fire when the watermark passes their end",
      beam: "fixed_default",
      windowFn: fixed10,
      script: [
        { input: [1, 2, 3, 10, 11] },
        { hold: 9 },
        { watermark: 9 },
        { expect: [] },
        { watermark: 25 },
        { expect: ["[0,10) [1,2,3] @9 ON_TIME 0/0 first last", "[10,20) [10,11] @19 ON_TIME 0/0 first last"] },
        { hold: "none" },
        { pending: false },
      ],
    });

    describeTranscript({
      name: "the global window fires per key at the end of time",
      windowFn: new GlobalWindows(),
      script: [
        { input: [{ key: "a", ts: 1 }, { key: "b", ts: 2 }, { key: "a", ts: 3 }] },
        { watermark: TIMESTAMP_MAX_VALUE },
        { expect: ["a: global [1,3] @EOGW ON_TIME 0/0 first last", "b: global [2] @EOGW ON_TIME 0/0 first last"] },
      ],
    });

    describeTranscript({
      name: "sliding windows put an element in each overlapping window",
      windowFn: new SlidingWindows(10, 5),
      script: [
        { input: [7, 12] },
        { watermark: 100 },
        { expect: ["[0,10) [7] @9 ON_TIME 0/0 first last", "[5,15) [7,12] @14 ON_TIME 0/0 first last", "[10,20) [12] @19 ON_TIME 0/0 first last"] },
      ],
    });

    describeTranscript({
      name: "sessions merge across out-of-order bundles, three windows at once",
      windowFn: new Sessions(10),
      script: [
        { input: [1] },
        { input: [30] },
        { input: [9] }, // [1,11) + [9,19) -> [1,19)
        { input: [25] }, // [25,35) + [30,40) -> [25,40)
        { hold: 19 - 1 },
        { input: [17] }, // [17,27) bridges [1,19) and [25,40) -> [1,40)
        { hold: 39 },
        { watermark: 39 },
        { expect: [] },
        { watermark: 40 },
        { expect: ["[1,40) [1,9,17,25,30] @39 ON_TIME 0/0 first last"] },
        { input: [5] },
        { dropped: { late: 1 } },
        { pending: false },
      ],
    });
  });

  describe("timestamp combiners and watermark holds", () => {
    for (const [combiner, stamps] of [
      ["EARLIEST", [1, 10, 25]],
      ["LATEST", [3, 11, 25]],
      ["END_OF_WINDOW", [9, 19, 29]],
    ] as const) {
      describeTranscript({
        name: `${combiner} stamps each pane`,
        beam: `output_time_fn_${combiner === "END_OF_WINDOW" ? "eow (fixed_default_late_data)" : combiner.toLowerCase()}`,
        windowFn: fixed10,
        options: { timestampCombiner: combiner },
        script: [
          { input: [1, 2, 3, 10, 11, 25] },
          ...(combiner === "EARLIEST" ? [{ hold: 1 }] : combiner === "END_OF_WINDOW" ? [{ hold: 9 }] : []),
          { watermark: 100 },
          {
            expect: [
              `[0,10) [1,2,3] @${stamps[0]} ON_TIME 0/0 first last`,
              `[10,20) [10,11] @${stamps[1]} ON_TIME 0/0 first last`,
              `[20,30) [25] @${stamps[2]} ON_TIME 0/0 first last`,
            ],
          },
        ],
      });
    }

    describeTranscript({
      name: "elements behind the output watermark cannot hold it, so they do not set the EARLIEST timestamp",
      beam: "known_late_data_watermark",
      windowFn: fixed10,
      options: { timestampCombiner: "EARLIEST" },
      script: [{ watermark: 5 }, { input: [2, 3, 7, 8] }, { hold: 7 }, { watermark: 11 }, { expect: ["[0,10) [2,3,7,8] @7 ON_TIME 0/0 first last"] }],
    });

    describeTranscript({
      name: "a pane of only such elements is stamped at the end of the window",
      beam: "known_late_data_no_watermark_hold_possible",
      windowFn: fixed10,
      options: { timestampCombiner: "EARLIEST" },
      script: [{ watermark: 8 }, { input: [2, 3, 7] }, { hold: 9 }, { watermark: 11 }, { expect: ["[0,10) [2,3,7] @9 ON_TIME 0/0 first last"] }],
    });

    for (const [combiner, stamp] of [
      ["EARLIEST", 2],
      ["LATEST", 5],
      ["END_OF_WINDOW", 14],
    ] as const) {
      describeTranscript({
        name: `session holds merge under ${combiner}`,
        windowFn: new Sessions(10),
        options: { timestampCombiner: combiner },
        script: [
          { input: [5] },
          { input: [2] },
          ...(combiner === "LATEST" ? [] : [{ hold: combiner === "EARLIEST" ? 2 : 14 }]),
          { watermark: 100 },
          { expect: [`[2,15) [2,5] @${stamp} ON_TIME 0/0 first last`] },
        ],
      });
    }

    describeTranscript({
      name: "late elements get a garbage-collection hold until their late pane fires",
      beam: "setGarbageCollectionHoldOnLateElements",
      windowFn: fixed10,
      options: { trigger: AfterWatermark({ late: AfterCount(2) }), accumulation: "DISCARDING", allowedLateness: 100 },
      script: [
        { watermark: 0 },
        { input: [1] },
        { hold: 9 },
        { watermark: 10 },
        { expect: ["[0,10) [1] @9 ON_TIME 0/0 first"] },
        { hold: "none" },
        { input: [2] },
        { hold: 109 },
        { input: [3] },
        { expect: ["[0,10) [2,3] @9 LATE 1/1"] },
        { hold: "none" },
        { watermark: 110 },
        { expect: [] },
        { pending: false },
      ],
    });
  });

  describe("early, on-time and late firings", () => {
    for (const mode of ["ACCUMULATING", "DISCARDING"] as AccumulationMode[]) {
      const acc = mode === "ACCUMULATING";
      describeTranscript({
        name: `AfterWatermark with early processing-time and late count firings, ${mode}`,
        windowFn: fixed10,
        options: { trigger: AfterWatermark({ early: AfterProcessingTime(5), late: AfterCount(1) }), accumulation: mode, allowedLateness: 20 },
        script: [
          { processingTime: 0 },
          { input: [1] },
          { processingTime: 5 },
          { expect: [] }, // strictly after the delay, as in Beam
          { processingTime: 6 },
          { expect: ["[0,10) [1] @9 EARLY 0/-1 first"] },
          { input: [2] },
          { watermark: 10 },
          { expect: [`[0,10) ${acc ? "[1,2]" : "[2]"} @9 ON_TIME 1/0`] },
          { input: [3] },
          { expect: [`[0,10) ${acc ? "[1,2,3]" : "[3]"} @9 LATE 2/1`] },
          { processingTime: 12 }, // the early trigger's timer: ignored once the watermark passed
          { expect: [] },
          { input: [4] },
          { expect: [`[0,10) ${acc ? "[1,2,3,4]" : "[4]"} @9 LATE 3/2`] },
          { watermark: 30 },
          { expect: [] }, // garbage collection: nothing new, no final pane
          { pending: false },
          { input: [5] },
          { dropped: { late: 1, closed: 0 } },
        ],
      });
    }

    describeTranscript({
      name: "an empty ON_TIME pane fires after early panes (on-time behaviour FIRE_ALWAYS)",
      beam: "testEmptyOnTimeFromOrFinally",
      windowFn: fixed10,
      sum: true,
      options: {
        trigger: AfterEach(OrFinally(Repeatedly(AfterProcessingTime(5)), AfterWatermark()), Repeatedly(AfterProcessingTime(25))),
        timestampCombiner: "EARLIEST",
        accumulation: "ACCUMULATING",
        allowedLateness: 100,
      },
      script: [
        { watermark: 0 },
        { processingTime: 0 },
        { input: [1, 3, 7, 5].map((ts) => ({ ts, value: 1 })) },
        { processingTime: 6 },
        { expect: ["[0,10) 4 @1 EARLY 0/-1 first"] },
        { watermark: 11 },
        { expect: ["[0,10) 4 @9 ON_TIME 1/0"] },
      ],
    });

    describeTranscript({
      name: "no empty ON_TIME pane under FIRE_IF_NON_EMPTY; the final pane under closing FIRE_ALWAYS",
      beam: "testEmptyOnTimeWithOnTimeBehaviorFireIfNonEmpty",
      windowFn: fixed10,
      sum: true,
      options: {
        trigger: AfterEach(OrFinally(Repeatedly(AfterProcessingTime(5)), AfterWatermark()), Repeatedly(AfterProcessingTime(25))),
        timestampCombiner: "EARLIEST",
        accumulation: "ACCUMULATING",
        allowedLateness: 100,
        closingBehavior: "FIRE_ALWAYS",
        onTimeBehavior: "FIRE_IF_NON_EMPTY",
      },
      script: [
        { watermark: 0 },
        { processingTime: 0 },
        { input: [1, 3, 7, 5].map((ts) => ({ ts, value: 1 })) },
        { processingTime: 6 },
        { expect: ["[0,10) 4 @1 EARLY 0/-1 first"] },
        { hold: 109 }, // closing FIRE_ALWAYS keeps a garbage-collection hold for the final pane
        { watermark: 11 },
        { expect: [] },
        { watermark: 110 },
        { expect: ["[0,10) 4 @9 LATE 1/0 last"] },
      ],
    });

    describeTranscript({
      name: "late data after a skipped ON_TIME pane",
      beam: "testEmptyOnTimeWithOnTimeBehaviorFireIfNonEmptyAndLateData",
      windowFn: fixed10,
      sum: true,
      options: {
        trigger: AfterEach(OrFinally(Repeatedly(AfterProcessingTime(5)), AfterWatermark()), Repeatedly(AfterProcessingTime(25))),
        timestampCombiner: "EARLIEST",
        accumulation: "ACCUMULATING",
        allowedLateness: 100,
        onTimeBehavior: "FIRE_IF_NON_EMPTY",
      },
      script: [
        { watermark: 0 },
        { processingTime: 0 },
        { input: [1, 3, 7, 5].map((ts) => ({ ts, value: 1 })) },
        { processingTime: 6 },
        { expect: ["[0,10) 4 @1 EARLY 0/-1 first"] },
        { watermark: 11 },
        { input: [{ ts: 9, value: 1 }] },
        { processingTime: 32 },
        { expect: ["[0,10) 5 @9 LATE 1/0"] },
      ],
    });

    describeTranscript({
      name: "speculative, on-time and late panes from processing-time triggers",
      beam: "testProcessingTime",
      windowFn: fixed10,
      sum: true,
      options: {
        trigger: AfterEach(OrFinally(Repeatedly(AfterProcessingTime(5)), AfterWatermark()), Repeatedly(AfterProcessingTime(25))),
        timestampCombiner: "EARLIEST",
        accumulation: "ACCUMULATING",
        allowedLateness: 100,
      },
      script: [
        { watermark: 0 },
        { processingTime: 0 },
        { input: [1, 3, 7, 5].map((ts) => ({ ts, value: 1 })) },
        { processingTime: 6 },
        { input: [8, 4].map((ts) => ({ ts, value: 1 })) },
        { watermark: 11 },
        { input: [8, 4, 5].map((ts) => ({ ts, value: 1 })) },
        { watermark: 12 },
        { input: [{ ts: 3, value: 1 }] },
        { processingTime: 15 },
        { input: [{ ts: 5, value: 1 }] },
        { processingTime: 32 },
        { input: [{ ts: 3, value: 1 }] },
        { watermark: 125 },
        { expect: ["[0,10) 4 @1 EARLY 0/-1 first", "[0,10) 6 @4 ON_TIME 1/0", "[0,10) 11 @9 LATE 2/1", "[0,10) 12 @9 LATE 3/2 last"] },
      ],
    });

    describeTranscript({
      name: "an empty ON_TIME final pane after early count firings with no lateness",
      beam: "testEmptyOnTimeWithOnTimeBehaviorBackwardCompatibility",
      windowFn: fixed10,
      sum: true,
      options: { trigger: AfterWatermark({ early: AfterCount(1) }), timestampCombiner: "EARLIEST", accumulation: "ACCUMULATING", allowedLateness: 0 },
      script: [
        { watermark: 0 },
        { processingTime: 0 },
        { input: [{ ts: 1, value: 1 }] },
        { expect: ["[0,10) 1 @1 EARLY 0/-1 first"] },
        { watermark: 11 },
        { expect: ["[0,10) 1 @9 ON_TIME 1/0 last"] },
      ],
    });

    describeTranscript({
      name: "a watermark jump past the end and the garbage-collection time gives one final ON_TIME pane",
      beam: "testFixedWindowsEowAndGcTogether",
      windowFn: fixed10,
      options: { accumulation: "ACCUMULATING", allowedLateness: 50, closingBehavior: "FIRE_ALWAYS" },
      script: [{ watermark: 0 }, { input: [1] }, { watermark: 100 }, { expect: ["[0,10) [1] @9 ON_TIME 0/0 first last"] }, { pending: false }],
    });

    describeTranscript({
      name: "the same for a session",
      beam: "testSessionEowAndGcTogether",
      windowFn: new Sessions(10),
      options: { accumulation: "ACCUMULATING", allowedLateness: 50, closingBehavior: "FIRE_ALWAYS" },
      script: [{ watermark: 0 }, { input: [1] }, { watermark: 100 }, { expect: ["[1,11) [1] @10 ON_TIME 0/0 first last"] }],
    });
  });

  describe("accumulating vs discarding, late data and lateness", () => {
    for (const mode of ["ACCUMULATING", "DISCARDING"] as AccumulationMode[]) {
      const acc = mode === "ACCUMULATING";
      describeTranscript({
        name: `the default trigger fires once per late bundle, ${mode}`,
        beam: "fixed_default_late_data; testOnlyOneOnTimePane",
        windowFn: fixed10,
        options: { accumulation: mode, allowedLateness: 100 },
        script: [
          { input: [1, 2, 3, 10, 11, 25] },
          { watermark: 100 },
          { expect: ["[0,10) [1,2,3] @9 ON_TIME 0/0 first", "[10,20) [10,11] @19 ON_TIME 0/0 first", "[20,30) [25] @29 ON_TIME 0/0 first"] },
          { input: [7] },
          { expect: [`[0,10) ${acc ? "[1,2,3,7]" : "[7]"} @9 LATE 1/1`] },
          { input: [4, 5] },
          { expect: [`[0,10) ${acc ? "[1,2,3,4,5,7]" : "[4,5]"} @9 LATE 2/2`] },
          { watermark: 200 },
          { expect: [] },
          { pending: false },
        ],
      });
    }

    describeTranscript({
      name: "data for windows expired beyond the allowed lateness is dropped and counted",
      windowFn: fixed10,
      options: { accumulation: "ACCUMULATING", allowedLateness: 5 },
      script: [
        { watermark: 20 },
        { input: [1] }, // [0,10) expired at 9 + 5 < 20
        { input: [12] }, // [10,20) is late but within lateness; nothing held it, so its first pane is LATE
        { expect: ["[10,20) [12] @19 LATE 0/0 first"] },
        { dropped: { late: 1 } },
        { watermark: 25 },
        { expect: [] },
        { pending: false },
        { input: [13] },
        { dropped: { late: 2 } },
      ],
    });

    describeTranscript({
      name: "without allowed lateness every late element is dropped",
      windowFn: fixed10,
      script: [{ watermark: 50 }, { input: [1, 12, 33, 49] }, { input: [55] }, { dropped: { late: 4 } }, { watermark: 60 }, { expect: ["[50,60) [55] @59 ON_TIME 0/0 first last"] }],
    });
  });

  describe("count and processing-time triggers", () => {
    describeTranscript({
      name: "a finished trigger closes its window until garbage collection",
      beam: "garbage_collection",
      windowFn: fixed10,
      options: { trigger: AfterCount(2), accumulation: "DISCARDING", allowedLateness: 10 },
      script: [
        { input: [1, 2, 3, 10, 11, 25] },
        { expect: ["[0,10) [1,2,3] @9 EARLY 0/-1 first last", "[10,20) [10,11] @19 EARLY 0/-1 first last"] },
        { input: [4] },
        { dropped: { closed: 1, late: 0 } },
        { watermark: 100 },
        { expect: ["[20,30) [25] @29 ON_TIME 0/0 first last"] },
        { pending: false },
      ],
    });

    const twenty: Step[] = Array.from({ length: 20 }, (_, i) => ({ input: [i] }));
    describeTranscript({
      name: "Repeatedly(AfterCount(3)) in the global window, then the rest ON_TIME at the end",
      beam: "fireNonEmptyOnDrainInGlobalWindow",
      windowFn: new GlobalWindows(),
      options: { trigger: Repeatedly(AfterCount(3)), accumulation: "DISCARDING" },
      script: [
        { watermark: 0 },
        ...twenty,
        { expect: Array.from({ length: 6 }, (_, i) => `global [${[3 * i, 3 * i + 1, 3 * i + 2].join(",")}] @EOGW EARLY ${i}/-1${i === 0 ? " first" : ""}`) },
        { watermark: TIMESTAMP_MAX_VALUE },
        { expect: ["global [18,19] @EOGW ON_TIME 6/0 last"] },
      ],
    });

    describeTranscript({
      name: "a count trigger fires once per bundle, with everything in it",
      windowFn: new GlobalWindows(),
      options: { trigger: Repeatedly(AfterCount(2)), accumulation: "DISCARDING" },
      script: [
        { input: [1, 2, 3] },
        { expect: ["global [1,2,3] @EOGW EARLY 0/-1 first"] },
        { input: [4] },
        { expect: [] },
        { input: [5] },
        { expect: ["global [4,5] @EOGW EARLY 1/-1"] },
        { watermark: TIMESTAMP_MAX_VALUE },
        { expect: ["global [] @EOGW ON_TIME 2/0 last"] },
      ],
    });

    const stepsOfFour: Step[] = Array.from({ length: 20 }, (_, i): Step[] => [{ processingTime: i }, { input: [i] }]).flat();
    describeTranscript({
      name: "Repeatedly(AfterProcessingTime(3)) in the global window, and an empty ON_TIME pane at the end",
      beam: "fireEmptyOnDrainInGlobalWindowIfRequested",
      windowFn: new GlobalWindows(),
      options: { trigger: Repeatedly(AfterProcessingTime(3)), accumulation: "DISCARDING" },
      script: [
        ...stepsOfFour,
        { processingTime: 24 },
        { expect: Array.from({ length: 5 }, (_, i) => `global [${[4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3].join(",")}] @EOGW EARLY ${i}/-1${i === 0 ? " first" : ""}`) },
        { watermark: TIMESTAMP_MAX_VALUE },
        { expect: ["global [] @EOGW ON_TIME 5/0 last"] },
      ],
    });

    describeTranscript({
      name: "a processing-time timer does not garbage-collect the window",
      beam: "testProcessingTimeTimerDoesNotGc",
      windowFn: new FixedWindows(100),
      sum: true,
      options: { trigger: Repeatedly(AfterProcessingTime(10)), timestampCombiner: "EARLIEST", accumulation: "ACCUMULATING", allowedLateness: 0 },
      script: [{ processingTime: 5000 }, { input: [2, 5] }, { processingTime: 10000 }, { expect: ["[0,100) 7 @2 EARLY 0/-1 first"] }, { pending: true }],
    });

    describeTranscript({
      name: "processing-time timers of an expired window are ignored",
      beam: "testCombiningAccumulatingProcessingTime; testLateProcessingTimeTimer",
      windowFn: new FixedWindows(100),
      sum: true,
      options: { trigger: Repeatedly(AfterProcessingTime(10)), timestampCombiner: "EARLIEST", accumulation: "ACCUMULATING", allowedLateness: 0 },
      script: [
        { processingTime: 5000 },
        { input: [2, 5] },
        { watermark: 100 },
        { expect: ["[0,100) 7 @2 ON_TIME 0/0 first last"] },
        { processingTime: 6000 },
        { expect: [] },
        { pending: false },
      ],
    });

    describeTranscript({
      name: "AfterProcessingTime aligned to a period fires after the next boundary",
      windowFn: new GlobalWindows(),
      options: { trigger: Repeatedly(AfterProcessingTime(0, { alignTo: { period: 10 } })), accumulation: "DISCARDING" },
      script: [
        { processingTime: 3 },
        { input: [1] },
        { processingTime: 10 },
        { expect: [] },
        { processingTime: 11 },
        { expect: ["global [1] @EOGW EARLY 0/-1 first"] },
        { processingTime: 12 },
        { input: [2] },
        { processingTime: 21 },
        { expect: ["global [2] @EOGW EARLY 1/-1"] },
      ],
    });
  });

  describe("composite triggers", () => {
    describeTranscript({
      name: "AfterAny fires on whichever comes first and restarts the other",
      windowFn: new GlobalWindows(),
      options: { trigger: Repeatedly(AfterAny(AfterCount(3), AfterProcessingTime(10))), accumulation: "DISCARDING" },
      script: [
        { processingTime: 0 },
        { input: [1] },
        { input: [2] },
        { processingTime: 11 },
        { expect: ["global [1,2] @EOGW EARLY 0/-1 first"] },
        { input: [3] },
        { input: [4] },
        { input: [5] },
        { expect: ["global [3,4,5] @EOGW EARLY 1/-1"] },
        { processingTime: 30 },
        { expect: [] },
      ],
    });

    describeTranscript({
      name: "AfterAll waits for every sub-trigger",
      windowFn: new GlobalWindows(),
      options: { trigger: Repeatedly(AfterAll(AfterCount(2), AfterProcessingTime(10))), accumulation: "DISCARDING" },
      script: [
        { processingTime: 0 },
        { input: [1] },
        { processingTime: 11 },
        { expect: [] },
        { input: [2] },
        { expect: ["global [1,2] @EOGW EARLY 0/-1 first"] },
        { input: [3, 4] },
        { expect: [] },
        { processingTime: 22 },
        { expect: ["global [3,4] @EOGW EARLY 1/-1"] },
      ],
    });

    describeTranscript({
      name: "AfterEach runs its triggers in turn and closes the window after the last",
      windowFn: new FixedWindows(100),
      options: { trigger: AfterEach(AfterCount(2), AfterCount(1)), accumulation: "DISCARDING", allowedLateness: 0 },
      script: [
        { input: [1] },
        { input: [2] },
        { expect: ["[0,100) [1,2] @99 EARLY 0/-1 first"] },
        { input: [3] },
        { expect: ["[0,100) [3] @99 EARLY 1/-1 last"] },
        { input: [4] },
        { dropped: { closed: 1 } },
        { watermark: 200 },
        { expect: [] },
        { pending: false },
      ],
    });

    describeTranscript({
      name: "OrFinally fires like its trigger until the other one fires the last pane",
      windowFn: new FixedWindows(100),
      options: { trigger: OrFinally(Repeatedly(AfterCount(1)), AfterCount(3)), accumulation: "DISCARDING", allowedLateness: 0 },
      script: [
        { input: [1] },
        { expect: ["[0,100) [1] @99 EARLY 0/-1 first"] },
        { input: [2] },
        { expect: ["[0,100) [2] @99 EARLY 1/-1"] },
        { input: [3] },
        { expect: ["[0,100) [3] @99 EARLY 2/-1 last"] },
        { input: [4] },
        { dropped: { closed: 1 } },
      ],
    });

    describeTranscript({
      name: "Never fires only the final pane at garbage collection",
      windowFn: fixed10,
      options: { trigger: Never(), accumulation: "DISCARDING", allowedLateness: 0 },
      script: [{ input: [1, 2] }, { expect: [] }, { watermark: 10 }, { expect: ["[0,10) [1,2] @9 ON_TIME 0/0 first last"] }],
    });

    describeTranscript({
      name: "AfterWatermark without late firings closes the window at the ON_TIME pane",
      windowFn: fixed10,
      options: { trigger: AfterWatermark(), accumulation: "DISCARDING", allowedLateness: 10 },
      script: [
        { input: [1] },
        { watermark: 10 },
        { expect: ["[0,10) [1] @9 ON_TIME 0/0 first last"] },
        { input: [2] },
        { dropped: { closed: 1, late: 0 } },
        { watermark: 20 },
        { expect: [] },
        { pending: false },
      ],
    });

    describeTranscript({
      name: "early firings with a composite sub-trigger restart the whole sub-trigger",
      windowFn: new FixedWindows(100),
      options: {
        trigger: AfterWatermark({ early: AfterAll(AfterCount(2), AfterProcessingTime(5)) }),
        accumulation: "DISCARDING",
        allowedLateness: 0,
      },
      script: [
        { processingTime: 0 },
        { input: [1, 2] },
        { processingTime: 6 },
        { expect: ["[0,100) [1,2] @99 EARLY 0/-1 first"] },
        { input: [3] }, // AfterAll restarted: needs 2 elements and 5 ms again
        { expect: [] },
        { processingTime: 20 },
        { expect: [] },
        { input: [4] },
        { expect: ["[0,100) [3,4] @99 EARLY 1/-1"] },
        { watermark: 100 },
        { expect: ["[0,100) [] @99 ON_TIME 2/0 last"] },
      ],
    });
  });

  describe("merging windows with triggers", () => {
    describeTranscript({
      name: "sessions with early and late count firings",
      beam: "early_late_sessions",
      windowFn: new Sessions(10),
      options: { trigger: AfterWatermark({ early: AfterCount(2), late: AfterCount(3) }), accumulation: "ACCUMULATING", allowedLateness: 100 },
      script: [
        { input: [1, 2, 3] },
        { expect: ["[1,13) [1,2,3] @12 EARLY 0/-1 first"] },
        { input: [4] },
        { expect: [] },
        { input: [5] },
        // The merged window is a new window, so its pane history starts over (Beam: "the merge result window
        // gets to start fresh if it is new").
        { expect: ["[1,15) [1,2,3,4,5] @14 EARLY 0/-1 first"] },
        { input: [6] },
        { watermark: 100 },
        { expect: ["[1,16) [1,2,3,4,5,6] @15 ON_TIME 0/0 first"] },
        { input: [1] }, // late: merges into the existing session, which keeps its history
        { input: [3, 4] },
        { expect: ["[1,16) [1,1,2,3,3,4,4,5,6] @15 LATE 1/1"] },
        { watermark: 200 },
        { expect: [] },
        { pending: false },
      ],
    });

    describeTranscript({
      name: "merged sessions sum their trigger counts",
      windowFn: new Sessions(10),
      options: { trigger: Repeatedly(AfterCount(2)), accumulation: "DISCARDING", allowedLateness: 0 },
      script: [
        { input: [1] },
        { input: [5] },
        { expect: ["[1,15) [1,5] @14 EARLY 0/-1 first"] },
        { input: [20] },
        { expect: [] },
        { input: [12] }, // [12,22) joins [1,15) (count 0 after its pane) and [20,30) (count 1)
        { expect: ["[1,30) [12,20] @29 EARLY 0/-1 first"] },
        { watermark: 100 },
        { expect: ["[1,30) [] @29 ON_TIME 1/0 last"] },
      ],
    });

    describeTranscript({
      name: "merged sessions keep the earliest processing-time deadline",
      windowFn: new Sessions(10),
      options: { trigger: Repeatedly(AfterProcessingTime(10)), accumulation: "DISCARDING", allowedLateness: 0 },
      script: [
        { processingTime: 0 },
        { input: [1] }, // deadline 10
        { processingTime: 5 },
        { input: [5] }, // merges into [1,15), keeping deadline 10 (the merged-away window's timer goes with it)
        { processingTime: 10 },
        { expect: [] },
        { processingTime: 11 },
        { expect: ["[1,15) [1,5] @14 EARLY 0/-1 first"] },
        { watermark: 100 },
        { expect: ["[1,15) [] @14 ON_TIME 1/0 last"] },
      ],
    });

    describeTranscript({
      name: "AfterEach with merging windows keeps every sub-trigger's state",
      windowFn: new Sessions(10),
      options: { trigger: AfterEach(AfterCount(2), Repeatedly(AfterCount(1))), accumulation: "DISCARDING", allowedLateness: 0 },
      script: [
        { input: [1] },
        { expect: [] },
        { input: [5] }, // [1,15): the first sub-trigger reaches 2
        { expect: ["[1,15) [1,5] @14 EARLY 0/-1 first"] },
        { input: [8] }, // [8,18) extends the session to a new window [1,18) (fresh pane history); now AfterCount(1)
        { expect: ["[1,18) [8] @17 EARLY 0/-1 first"] },
        { input: [20] }, // a new session starts the sequence over
        { expect: [] },
        { input: [21] },
        { expect: ["[20,31) [20,21] @30 EARLY 0/-1 first"] },
      ],
    });

    describeTranscript({
      name: "late data merged into a session that fired ON_TIME: the new window holds at its end, its pane is ON_TIME",
      windowFn: new Sessions(10),
      options: { trigger: Repeatedly(AfterProcessingTime(5)), accumulation: "ACCUMULATING", allowedLateness: 100 },
      script: [
        { processingTime: 0 },
        { input: [1] },
        { watermark: 11 },
        { hold: 10 },
        { processingTime: 6 },
        { expect: ["[1,11) [1] @10 ON_TIME 0/0 first"] },
        { hold: "none" },
        { input: [5] }, // late: [5,15) + [1,11) -> [1,15), a new window; WatermarkHold.onMerge re-derives its hold
        { hold: 14 },
        { watermark: 20 },
        { hold: 14 },
        { processingTime: 12 },
        { expect: ["[1,15) [1,5] @14 ON_TIME 0/0 first"] },
      ],
    });

    describeTranscript({
      name: "a late element overlapping a closed session starts a new one; its own closed window drops it",
      windowFn: new Sessions(10),
      options: { trigger: AfterWatermark(), accumulation: "DISCARDING", allowedLateness: 100 },
      script: [
        { input: [1, 5] },
        { watermark: 20 },
        { expect: ["[1,15) [1,5] @14 ON_TIME 0/0 first last"] },
        // [3,13) overlaps the closed [1,15) but closed windows do not merge: a new session, whose end the watermark
        // has passed, so AfterWatermark fires it at once (LATE: nothing held the output watermark for it).
        { input: [3] },
        { expect: ["[3,13) [3] @12 LATE 0/0 first last"] },
        { input: [3] }, // the same window, now closed: dropped
        { dropped: { closed: 1, late: 0 } },
        { watermark: 200 },
        { pending: false },
      ],
    });
  });
});
