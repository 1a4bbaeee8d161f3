/**
 * Places where Beam's model says exactly what happens and a simpler reading would differ: distinct under
 * triggers (each value once per window), reshuffle (changes nothing but placement: windows, timestamps and late
 * data kept, sessions not re-merged, after a merging GroupByKey too), configureWindowing (new trigger, same
 * windows) and flatten of compatible windowings; and Beam's small transforms: createTimestamped, latest,
 * sampleAny, distinct by representative.
 */
import {
  AfterCount,
  combinePerKey,
  configureWindowing,
  flatten,
  definePipeline,
  FixedWindows,
  groupByKey,
  IntervalWindow,
  kv,
  Repeatedly,
  Sessions,
  SlidingWindows,
  timestamped,
  windowInto,
  type KV,
  type ProcessContext,
} from "../../../sdk/index.js";
import { countFn, create, createTimestamped, distinct, latestGlobally, latestPerKey, reshuffle, sampleAny, sumFn } from "../../../transforms/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";
import { stamped } from "./support.js";

/** `<value>@<timestamp>[<window start>,<window end>)`: what reshuffle must keep. */
function placed<T>(name: string) {
  return {
    name,
    fn: {
      process(v: T, ctx: ProcessContext<string>) {
        const w = ctx.window as IntervalWindow;
        ctx.output(`${JSON.stringify(v)}@${ctx.timestamp}[${w.start},${w.end})`);
      },
    },
  };
}

export const distinctOncePerWindowUnderTriggers = definePipeline(import.meta, {
  name: "distinctOncePerWindowUnderTriggers",
  build(p) {
    const words = p
      .apply(
        testStream<string>()
          .addElements(timestamped("a", 1))
          .addElements(timestamped("b", 2))
          .addElements(timestamped("a", 3)) // fires "a" again in a later pane of [0, 10)
          .addElements(timestamped("a", 12))
          .advanceWatermarkToInfinity(),
      )
      .apply(windowInto(new FixedWindows(10), { trigger: Repeatedly(AfterCount(1)), accumulation: "DISCARDING", allowedLateness: 0 }));
    const out = placed<string>("Placed");
    assertThat(words.apply(distinct()).parDo(out.fn, { name: out.name })).containsInAnyOrder('"a"@9[0,10)', '"b"@9[0,10)', '"a"@19[10,20)');
  },
});

export const reshuffleKeepsSlidingWindowsAndTimestamps = definePipeline(import.meta, {
  name: "reshuffleKeepsSlidingWindowsAndTimestamps",
  build(p) {
    const events = stamped(p.apply(create([1_000, 7_000, 12_000])), (t) => t).apply(windowInto(new SlidingWindows(10_000, 5_000)));
    const before = placed<number>("Before");
    const after = placed<number>("After");
    const expected = ["1000@1000[-5000,5000)", "1000@1000[0,10000)", "7000@7000[0,10000)", "7000@7000[5000,15000)", "12000@12000[5000,15000)", "12000@12000[10000,20000)"];
    assertThat(events.parDo(before.fn, { name: before.name }), "before").containsInAnyOrder(...expected);
    assertThat(events.apply(reshuffle()).parDo(after.fn, { name: after.name }), "after").containsInAnyOrder(...expected);
  },
});

export const reshuffleDoesNotMergeSessions = definePipeline(import.meta, {
  name: "reshuffleDoesNotMergeSessions",
  build(p) {
    // Two keys' overlapping sessions: a GroupByKey by a random key must not merge them into one window.
    const events = stamped(p.apply(create([kv("x", 1_000), kv("y", 1_500)])), (e) => e.value).apply(windowInto(new Sessions(1_000)));
    const out = placed<KV<string, number>>("Placed");
    assertThat(events.apply(reshuffle()).parDo(out.fn, { name: out.name })).containsInAnyOrder(
      '{"key":"x","value":1000}@1000[1000,2000)',
      '{"key":"y","value":1500}@1500[1500,2500)',
    );
  },
});

export const reshuffleAfterMergingGroupByKey = definePipeline(import.meta, {
  name: "reshuffleAfterMergingGroupByKey",
  build(p) {
    const sessions = stamped(p.apply(create([kv("x", 1_000), kv("x", 1_500), kv("y", 9_000)])), (e) => e.value)
      .apply(windowInto(new Sessions(1_000)))
      .apply(groupByKey<string, number>())
      .map((g) => `${g.key}:${[...g.value].sort((a, b) => a - b).join("+")}`, "Label");
    const out = placed<string>("Placed");
    assertThat(sessions.apply(reshuffle()).parDo(out.fn, { name: out.name })).containsInAnyOrder('"x:1000+1500"@2499[1000,2500)', '"y:9000"@9999[9000,10000)');
  },
});

export const reshuffleKeepsLateData = definePipeline(import.meta, {
  name: "reshuffleKeepsLateData",
  build(p) {
    const events = p
      .apply(testStream<number>().addElements(timestamped(1, 1)).advanceWatermarkTo(50).addElements(timestamped(5, 5)).advanceWatermarkToInfinity())
      .apply(windowInto(new FixedWindows(10)));
    // 5 arrives 40 ms after its window closed: a GroupByKey would drop it, reshuffle moves it on.
    const out = placed<number>("Placed");
    assertThat(events.apply(reshuffle()).parDo(out.fn, { name: out.name })).containsInAnyOrder("1@1[0,10)", "5@5[0,10)");
  },
});

export const configureWindowingKeepsWindows = definePipeline(import.meta, {
  name: "configureWindowingKeepsWindows",
  build(p) {
    const events = stamped(p.apply(create([kv("k", 1), kv("k", 2), kv("k", 15)])), (e) => e.value)
      .apply(windowInto(new FixedWindows(10)))
      .apply(configureWindowing({ trigger: Repeatedly(AfterCount(2)), accumulation: "DISCARDING", allowedLateness: 0 }));
    const counts = events.apply(groupByKey<string, number>()).map((g) => `${g.key}:${[...g.value].sort((a, b) => a - b).join("+")}`, "Label");
    // Windows [0, 10) and [10, 20) as assigned: the count trigger fires [0, 10) early with both, then its end
    // fires an empty ON_TIME pane (Beam's FIRE_ALWAYS); [10, 20) fires once, at its end.
    assertThat(counts).containsInAnyOrder("k:1+2", "k:", "k:15");
  },
});

export const flattenSessionsWithDifferentGaps = definePipeline(import.meta, {
  name: "flattenSessionsWithDifferentGaps",
  build(p) {
    // Sessions of any gap are compatible (Beam): [1 s, 4 s) and [3 s, 4 s) overlap and merge downstream.
    const long = stamped(p.apply("Long", create([kv("x", 1_000)])), (e) => e.value, "StampLong").apply("Gap3s", windowInto(new Sessions(3_000)));
    const short = stamped(p.apply("Short", create([kv("x", 3_000)])), (e) => e.value, "StampShort").apply("Gap1s", windowInto(new Sessions(1_000)));
    const groups = p
      .apply(flatten([long, short]))
      .apply(groupByKey<string, number>())
      .map((g) => `${g.key}:${[...g.value].sort((a, b) => a - b).join("+")}`, "Label");
    const out = placed<string>("Placed");
    assertThat(groups.parDo(out.fn, { name: out.name })).containsInAnyOrder('"x:1000+3000"@3999[1000,4000)');
  },
});

export const flattenIncompatibleWindowFns = definePipeline(import.meta, {
  name: "flattenIncompatibleWindowFns",
  build(p) {
    const a = p.apply("A", create([1])).apply("Fixed10", windowInto(new FixedWindows(10)));
    const b = p.apply("B", create([2])).apply("Fixed20", windowInto(new FixedWindows(20)));
    p.apply(flatten([a, b]));
  },
});

export const flattenIncompatibleTriggers = definePipeline(import.meta, {
  name: "flattenIncompatibleTriggers",
  build(p) {
    const a = p.apply("A", create([1])).apply("Count", windowInto(new FixedWindows(10), { trigger: Repeatedly(AfterCount(2)), accumulation: "DISCARDING", allowedLateness: 0 }));
    const b = p.apply("B", create([2])).apply("Default", windowInto(new FixedWindows(10)));
    p.apply(flatten([a, b]));
  },
});

export const createTimestampedAndLatest = definePipeline(import.meta, {
  name: "createTimestampedAndLatest",
  build(p) {
    const prices = p.apply(createTimestamped([timestamped(kv("apple", 3), 5_000), [kv("apple", 4), 9_000] as const, timestamped(kv("pear", 7), 2_000), timestamped(kv("apple", 1), 1_000)]));
    assertThat(prices.apply(latestPerKey()), "per key").containsInAnyOrder(kv("apple", 4), kv("pear", 7));
    assertThat(prices.map((e) => e.value, "Price").apply(latestGlobally()), "globally").containsInAnyOrder(4);
    assertThat(p.apply("None", create<number>([])).apply("LatestOfNone", latestGlobally()), "empty input: the default").containsInAnyOrder(null);
    const windowed = prices.map((e) => e.value, "Price2").apply(windowInto(new FixedWindows(4_000)));
    assertThat(windowed.apply("LatestPerWindow", latestGlobally({ withoutDefaults: true })), "per window").containsInAnyOrder(7, 3, 4);
  },
});

export const sampleAnyAndRepresentatives = definePipeline(import.meta, {
  name: "sampleAnyAndRepresentatives",
  build(p) {
    const numbers = p.apply(create(Array.from({ length: 100 }, (_, i) => i)));
    const sample = numbers.apply(sampleAny(7));
    assertThat(sample, "at most 7 of the input, no repeats").satisfies((xs) => xs.length === 7 && new Set(xs).size === 7 && xs.every((x) => Number.isInteger(x) && x >= 0 && x < 100));
    assertThat(numbers.apply("SampleMore", sampleAny(500)), "a limit above the size keeps everything").satisfies((xs) => xs.length === 100);
    const visits = p.apply("Visits", create([{ user: "u1", page: "a" }, { user: "u2", page: "b" }, { user: "u1", page: "c" }]));
    const oneEach = visits.apply(distinct({ representative: (v: { user: string }) => v.user })).map((v) => v.user, "User");
    assertThat(oneEach, "one visit per user").containsInAnyOrder("u1", "u2");
  },
});

export const hotKeyFanout = definePipeline(import.meta, {
  name: "hotKeyFanout",
  build(p) {
    const clicks = p.apply(create(Array.from({ length: 1_000 }, (_, i) => kv(i % 10 === 0 ? "cold" : "hot", 1))));
    const counts = clicks.apply(combinePerKey(sumFn(), { hotKeyFanout: (k: string) => (k === "hot" ? 8 : 1) }));
    assertThat(counts, "global window").containsInAnyOrder(kv("hot", 900), kv("cold", 100));
    // Sessions split over shards merge back per key: 0, 5 and 10 with a gap of 6 are one session.
    const sessions = stamped(p.apply("Events", create([0, 5, 10, 30].map((t) => kv("k", t)))), (e) => e.value, "StampEvents").apply(windowInto(new Sessions(6)));
    const perSession = sessions.apply("CountSessions", combinePerKey(countFn(), { hotKeyFanout: 4 }));
    const out = placed<KV<string, number>>("Placed");
    assertThat(perSession.parDo(out.fn, { name: out.name }), "sessions").containsInAnyOrder('{"key":"k","value":3}@15[0,16)', '{"key":"k","value":1}@35[30,36)');
  },
});
