/**
 * Which side window a main window reads (Beam's WindowMappingFn): by default the earliest side window containing
 * the end of the main window (for the same sliding windowing on both sides, the main window's own); a view's own
 * mapping; and the refusal of a merging-windowed view without one.
 */
import {
  asIterable,
  definePipeline,
  FixedWindows,
  IntervalWindow,
  Sessions,
  SlidingWindows,
  windowInto,
  type PCollectionView,
  type ProcessContext,
  type WindowMappingFn,
} from "../../../sdk/index.js";
import { create } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { stamped } from "./support.js";

/** Outputs `<main window start>:<sum of the side window it read>` for each main element. */
function sumOfSideWindow(view: PCollectionView<readonly number[]>) {
  return {
    process(_: string, ctx: ProcessContext<string>) {
      const w = ctx.window as IntervalWindow;
      ctx.output(`${w.start}:${ctx.sideInput(view).reduce((a, b) => a + b, 0)}`);
    },
  };
}

/** Side elements 1 @ 1 s, 10 @ 7 s, 100 @ 12 s. */
function sideNumbers(p: Parameters<Parameters<typeof definePipeline>[1]["build"]>[0]) {
  const at: Record<number, number> = { 1: 1_000, 10: 7_000, 100: 12_000 };
  return stamped(p.apply("Side", create([1, 10, 100])), (n) => at[n]!, "StampSide");
}

export const slidingSideInputReadsTheSameWindow = definePipeline(import.meta, {
  name: "slidingSideInputReadsTheSameWindow",
  build(p) {
    const sliding = () => windowInto<number>(new SlidingWindows(10_000, 5_000));
    const side = asIterable(sideNumbers(p).apply("WindowSide", sliding()));
    // "a" @ 7 s is in [0 s, 10 s) and [5 s, 15 s); each reads its own side window: 1 + 10 and 10 + 100.
    const main = stamped(p.apply("Main", create(["a"])), () => 7_000, "StampMain").apply(
      "WindowMain",
      windowInto<string>(new SlidingWindows(10_000, 5_000)),
    );
    assertThat(main.parDo(sumOfSideWindow(side), { sideInputs: [side] })).containsInAnyOrder("0:11", "5000:110");
  },
});

export const fixedMainReadsEarliestSlidingSideWindow = definePipeline(import.meta, {
  name: "fixedMainReadsEarliestSlidingSideWindow",
  build(p) {
    const side = asIterable(sideNumbers(p).apply("WindowSide", windowInto<number>(new SlidingWindows(10_000, 5_000))));
    // Main window [5 s, 10 s) ends at 9.999 s, in side windows [0 s, 10 s) and [5 s, 15 s): the earliest is read.
    const main = stamped(p.apply("Main", create(["a"])), () => 7_000, "StampMain").apply("WindowMain", windowInto<string>(new FixedWindows(5_000)));
    assertThat(main.parDo(sumOfSideWindow(side), { sideInputs: [side] })).containsInAnyOrder("5000:11");
  },
});

/** Every main window reads the 10 s side window after the one it ends in. */
const nextTenSeconds: WindowMappingFn = {
  getSideInputWindow(w) {
    const start = Math.floor(w.maxTimestamp() / 10_000) * 10_000 + 10_000;
    return new IntervalWindow(start, start + 10_000);
  },
  maximumLookahead: 20_000,
};

export const customWindowMappingFn = definePipeline(import.meta, {
  name: "customWindowMappingFn",
  build(p) {
    const side = asIterable(sideNumbers(p).apply("WindowSide", windowInto<number>(new FixedWindows(10_000))), { windowMappingFn: nextTenSeconds });
    // Main window [5 s, 10 s) reads side window [10 s, 20 s): 100.
    const main = stamped(p.apply("Main", create(["a"])), () => 7_000, "StampMain").apply("WindowMain", windowInto<string>(new FixedWindows(5_000)));
    assertThat(main.parDo(sumOfSideWindow(side), { sideInputs: [side] })).containsInAnyOrder("5000:100");
  },
});

export const sessionsSideInputWithoutMapping = definePipeline(import.meta, {
  name: "sessionsSideInputWithoutMapping",
  build(p) {
    asIterable(sideNumbers(p).apply("WindowSide", windowInto<number>(new Sessions(1_000))));
  },
});
