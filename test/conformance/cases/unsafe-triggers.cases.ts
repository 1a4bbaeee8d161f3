/**
 * Unsafe triggers accepted with `--allowUnsafeTriggers` (Beam Python's `allow_unsafe_triggers`): GroupByKey
 * refuses them at construction by default (`event-time-errors.cases.ts`); with the option the pipeline runs and
 * loses exactly the data the refusal warns about. `unsafe-triggers.test.ts` runs these with the option (and
 * checks the drop counters), and again without it, where construction fails.
 */
import { AfterCount, definePipeline, END_OF_GLOBAL_WINDOW, FixedWindows, groupByKey, kv, type KV } from "../../../sdk/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";
import { at, groupedIn, pane, sortedValues } from "./event-time-support.js";

/** The step whose counters the test reads. */
export const GROUP_STEP = "Group";

/**
 * A bare `AfterCount(2)` finishes at its first pane; the window stays until garbage collection (allowed lateness
 * 10), and the data arriving for it in between is dropped, counted as `droppedDueToClosedWindow` (Beam's
 * `ReduceFnRunner` does the same). Another window is not affected.
 */
export const finishingTriggerDropsLaterData = definePipeline(import.meta, {
  name: "finishingTriggerDropsLaterData",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1), at(2)) // [0,10): the count reaches 2, the pane fires and the trigger finishes
        .addElements(at(3)) // dropped: the window is closed
        .addElements(at(4), at(12)) // 4 dropped; 12 opens [10,20), whose count stays 1
        .advanceWatermarkToInfinity(), // [10,20) garbage collected: its final pane
    );
    const trigger = AfterCount(2);
    assertThat(groupedIn(events, "", new FixedWindows(10), { trigger, accumulation: "DISCARDING", allowedLateness: 10 })).panes().containsInAnyOrder(
      pane("0:10", kv("k", [1, 2]), 9, "EARLY 0/-1 first last"),
      pane("10:20", kv("k", [12]), 19, "ON_TIME 0/0 first last"),
    );
  },
});

/** Elements the finishing trigger drops. */
export const FINISHING_DROPPED = 2;

/**
 * The default trigger on an unbounded PCollection in the global window: nothing is emitted until the watermark
 * reaches the end of time (here the end of the TestStream; on a real source, `--drain`), then one pane per key.
 */
export const defaultTriggerOnUnboundedGlobalInput = definePipeline(import.meta, {
  name: "defaultTriggerOnUnboundedGlobalInput",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1), at(2, "j"))
        .advanceWatermarkTo(1_000_000)
        .addElements(at(3))
        .advanceWatermarkToInfinity(),
    );
    const grouped = sortedValues(events.apply(GROUP_STEP, groupByKey<string, number>()));
    assertThat(grouped).panes().containsInAnyOrder(
      pane("global", kv("k", [1, 3]), END_OF_GLOBAL_WINDOW, "ON_TIME 0/0 first last"),
      pane("global", kv("j", [2]), END_OF_GLOBAL_WINDOW, "ON_TIME 0/0 first last"),
    );
  },
});
