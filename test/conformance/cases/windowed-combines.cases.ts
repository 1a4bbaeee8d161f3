/**
 * Transforms keep per-window semantics: GroupByKey and combines group per window, combineGlobally
 * `withoutDefaults` gives one value per window with data (with defaults it is refused on such input), and assertThat sees every window. Uses a test WindowFn (fixed windows
 * of 10 s) written against the public interface, and the timestamp combiners of grouped output.
 */
import {
  definePipeline,
  END_OF_GLOBAL_WINDOW,
  GlobalWindows,
  groupByKey,
  kv,
  windowInto,
  type KV,
  type ProcessContext,
} from "../../../sdk/index.js";
import { countGlobally, countPerElement, create, reshuffle, sumGlobally } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { stamped, TestFixedWindows } from "./support.js";

/** Each element as `element@window start` (or `@global`). */
function withWindow<T>() {
  return {
    process(element: T, ctx: ProcessContext<string>) {
      const start = (ctx.window as { start?: number }).start;
      ctx.output(`${JSON.stringify(element)}@${start ?? ctx.window.id}`);
    },
  };
}

export const combineGloballyPerWindow = definePipeline(import.meta, {
  name: "combineGloballyPerWindow",
  build(p) {
    const events = stamped(p.apply(create([1_000, 2_000, 15_000, 35_000])), (t) => t).apply(windowInto(new TestFixedWindows(10_000)));
    // One count per window that has data; no default (0) for the empty window [20s, 30s).
    assertThat(events.apply(countGlobally({ withoutDefaults: true })).parDo(withWindow<number>()), "count").containsInAnyOrder("2@0", "1@10000", "1@30000");
    assertThat(events.apply(sumGlobally({ withoutDefaults: true })), "sum").containsInAnyOrder(3_000, 15_000, 35_000);
    // assertThat sees all windows at once.
    assertThat(events, "elements").containsInAnyOrder(1_000, 2_000, 15_000, 35_000);
  },
});

export const groupByKeyPerWindow = definePipeline(import.meta, {
  name: "groupByKeyPerWindow",
  build(p) {
    const events = stamped(p.apply(create([1_000, 2_000, 15_000])), (t) => t).apply(windowInto(new TestFixedWindows(10_000)));
    const counted = events.map((t) => (t < 10_000 ? "early" : "late")).apply(countPerElement());
    assertThat(counted.parDo(withWindow<KV<string, number>>()), "per window").containsInAnyOrder(
      '{"key":"early","value":2}@0',
      '{"key":"late","value":1}@10000',
    );
    const sameKey = events.map((t) => kv("k", t)).apply(groupByKey());
    assertThat(sameKey.map((g) => g.value.length), "one group per window").containsInAnyOrder(2, 1);
  },
});

export const reshuffleKeepsWindows = definePipeline(import.meta, {
  name: "reshuffleKeepsWindows",
  build(p) {
    const events = stamped(p.apply(create([1_000, 15_000])), (t) => t).apply(windowInto(new TestFixedWindows(10_000)));
    assertThat(events.apply(reshuffle()).parDo(withWindow<number>())).containsInAnyOrder("1000@0", "15000@10000");
  },
});

/** Timestamps of grouped output: the end of the window by default, else the earliest or latest input's. */
export const groupedOutputTimestamps = definePipeline(import.meta, {
  name: "groupedOutputTimestamps",
  build(p) {
    const events = stamped(p.apply(create([5_000, 7_000])), (t) => t);
    const timestampOf = {
      process(_: KV<string, readonly number[]>, ctx: ProcessContext<number>) {
        ctx.output(ctx.timestamp);
      },
    };
    const grouped = (name: string, combiner?: "EARLIEST" | "LATEST") =>
      (combiner ? events.apply(`Window${name}`, windowInto(new GlobalWindows(), { timestampCombiner: combiner })) : events)
        .map((t) => kv("k", t), `Key${name}`)
        .apply(`Group${name}`, groupByKey())
        .parDo(timestampOf, { name: `Timestamp${name}` });
    assertThat(grouped("Default"), "END_OF_WINDOW").containsInAnyOrder(END_OF_GLOBAL_WINDOW);
    assertThat(grouped("Earliest", "EARLIEST"), "EARLIEST").containsInAnyOrder(5_000);
    assertThat(grouped("Latest", "LATEST"), "LATEST").containsInAnyOrder(7_000);
  },
});
