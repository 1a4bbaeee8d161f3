/**
 * Typed windows in user code: a PCollection windowed by fixed, sliding or session windows is a
 * `PCollection<T, IntervalWindow>`, and the primitives that keep windows (map, flatMap, filter, parDo and its
 * tagged outputs, groupByKey, combinePerKey, flatten) keep the type, so a DoFn reads `ctx.window.start` and
 * `ctx.window.end` without a cast. Nothing here casts a window: these pipelines type-check only because of that.
 * The runtime windows must then be what the types say, on every runner (windows cross threads and processes
 * through their coder and must come back as IntervalWindows).
 */
import {
  definePipeline,
  FixedWindows,
  flatten,
  groupByKey,
  IntervalWindow,
  kv,
  parDoWithOutputs,
  Sessions,
  SlidingWindows,
  timestamped,
  windowInto,
  configureWindowing,
  type PCollection,
} from "../../../sdk/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import {
  countPerElement,
  create,
  createTimestamped,
  keys,
  kvSwap,
  maxPerKey,
  meanPerKey,
  minPerKey,
  sumPerKey,
  values,
  withKeys,
  withTimestamps,
} from "../../../transforms/index.js";

/** Each element as `value [start, end)`, read from the typed window, checking it is a real IntervalWindow. */
function bounds<T>(pc: PCollection<T, IntervalWindow>, name: string): PCollection<string, IntervalWindow> {
  return pc.parDo(
    {
      process(value, ctx) {
        if (!(ctx.window instanceof IntervalWindow)) throw new TypeError(`not an IntervalWindow: ${String(ctx.window)}`);
        ctx.output(`${typeof value === "string" ? value : JSON.stringify(value)} [${ctx.window.start}, ${ctx.window.end})`);
      },
    },
    { name },
  );
}

/** Fixed windows: `ctx.window` is an IntervalWindow after windowInto and after map and filter. */
export const fixedWindowBounds = definePipeline(import.meta, {
  name: "fixedWindowBounds",
  build(p) {
    const windowed = p
      .apply(createTimestamped([timestamped("a", 1), timestamped("b", 12), timestamped("c", 15)]))
      .apply(windowInto(new FixedWindows(10)));
    const upper = windowed.map((s) => s.toUpperCase(), "Upper").filter((s) => s !== "B", "DropB");
    assertThat(bounds(upper, "Bounds")).containsInAnyOrder("A [0, 10)", "C [10, 20)");
  },
});

/** Sliding windows, through flatMap: one copy per window, each with its own bounds. */
export const slidingWindowBounds = definePipeline(import.meta, {
  name: "slidingWindowBounds",
  build(p) {
    const windowed = p.apply(createTimestamped([timestamped(7, 7)])).apply(windowInto(new SlidingWindows(10, 5)));
    const doubled = windowed.flatMap((n) => [n, n * 2], "Double");
    assertThat(bounds(doubled, "Bounds")).containsInAnyOrder("7 [0, 10)", "14 [0, 10)", "7 [5, 15)", "14 [5, 15)");
  },
});

/** Sessions: after groupByKey the window is the merged session, still an IntervalWindow. */
export const sessionBoundsAfterGroupByKey = definePipeline(import.meta, {
  name: "sessionBoundsAfterGroupByKey",
  build(p) {
    const grouped = p
      .apply(createTimestamped([timestamped(kv("u", 1), 0), timestamped(kv("u", 2), 5), timestamped(kv("u", 3), 30)]))
      .apply(windowInto(new Sessions(10)))
      .apply(groupByKey());
    const sums = grouped.map(({ key, value }) => `${key}=${value.reduce((a, b) => a + b, 0)}`, "Sum");
    assertThat(bounds(sums, "Bounds")).containsInAnyOrder("u=3 [0, 15)", "u=3 [30, 40)");
  },
});

/** combinePerKey (through sumPerKey) and countPerElement keep the window type. */
export const combineKeepsWindowType = definePipeline(import.meta, {
  name: "combineKeepsWindowType",
  build(p) {
    const windowed = p
      .apply(createTimestamped([timestamped(kv("x", 1), 1), timestamped(kv("x", 2), 2), timestamped(kv("x", 4), 11)]))
      .apply(windowInto(new FixedWindows(10)));
    assertThat(bounds(windowed.apply(sumPerKey()), "SumBounds"), "sums").containsInAnyOrder('{"key":"x","value":3} [0, 10)', '{"key":"x","value":4} [10, 20)');
    const counts = windowed.map(({ key }) => key, "Keys").apply(countPerElement());
    assertThat(bounds(counts, "CountBounds"), "counts").containsInAnyOrder('{"key":"x","value":2} [0, 10)', '{"key":"x","value":1} [10, 20)');
  },
});

/** The window-keeping composites of sluice/transforms keep the type as well. */
export const compositesKeepWindowType = definePipeline(import.meta, {
  name: "compositesKeepWindowType",
  build(p) {
    const windowed = p
      .apply(createTimestamped([timestamped(kv("x", 1), 1), timestamped(kv("x", 3), 2), timestamped(kv("y", 5), 12)]))
      .apply(windowInto(new FixedWindows(10)))
      .apply("Restamp", withTimestamps(({ value }: { value: number }) => (value === 5 ? 12 : 2))) // forward, within the windows
      .apply(configureWindowing({ allowedLateness: 0 }));
    assertThat(bounds(windowed.apply(maxPerKey()), "MaxBounds"), "max").containsInAnyOrder('{"key":"x","value":3} [0, 10)', '{"key":"y","value":5} [10, 20)');
    assertThat(bounds(windowed.apply(minPerKey()).apply(values()), "MinBounds"), "min").containsInAnyOrder("1 [0, 10)", "5 [10, 20)");
    assertThat(bounds(windowed.apply(meanPerKey()).apply(keys()), "MeanBounds"), "mean").containsInAnyOrder("x [0, 10)", "y [10, 20)");
    const swapped = windowed.apply(kvSwap()).apply("Rekey", withKeys(({ key }: { key: number }) => key % 2));
    assertThat(bounds(swapped.apply("Keys2", keys()), "SwapBounds"), "swapped").containsInAnyOrder("1 [0, 10)", "1 [0, 10)", "1 [10, 20)");
  },
});

/** Tagged outputs and flatten keep the window type too. */
export const taggedOutputsAndFlattenKeepWindowType = definePipeline(import.meta, {
  name: "taggedOutputsAndFlattenKeepWindowType",
  build(p) {
    const windowed = p.apply(createTimestamped([timestamped(1, 3), timestamped(2, 13)])).apply(windowInto(new FixedWindows(10)));
    const { main: odd, even } = windowed.apply(
      parDoWithOutputs<number, number, { even: number }, IntervalWindow>(
        {
          process(n, ctx) {
            // The DoFn itself sees the typed window.
            if (ctx.window.start >= 10) ctx.outputTo("even", n);
            else ctx.output(n);
          },
        },
        ["even"],
      ),
    );
    const both = p.apply(flatten([odd, even]));
    assertThat(bounds(both, "Bounds")).containsInAnyOrder("1 [0, 10)", "2 [10, 20)");
  },
});

/** Global windowing stays a BoundedWindow: no bounds to read (type-checked below, and the run still works). */
export const globalWindowStaysBounded = definePipeline(import.meta, {
  name: "globalWindowStaysBounded",
  build(p) {
    const global = p.apply(create(["g"]));
    const out = global.parDo({
      process(s, ctx) {
        // @ts-expect-error a PCollection not known to be interval-windowed has no window bounds
        const start: number | undefined = ctx.window.start;
        ctx.output(`${s} ${start === undefined ? ctx.window.id : "bounds?"}`);
      },
    });
    // @ts-expect-error and it is not assignable to an interval-windowed PCollection
    const wrong: PCollection<string, IntervalWindow> = out;
    void wrong;
    assertThat(out).containsInAnyOrder("g global");
  },
});
