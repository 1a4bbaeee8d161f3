import { expect } from "chai";
import { Packr } from "msgpackr";
import {
  AfterCount,
  AfterProcessingTime,
  AfterWatermark,
  FixedWindows,
  GLOBAL_WINDOW,
  GlobalWindows,
  IntervalWindow,
  Repeatedly,
  Sessions,
  SlidingWindows,
  TIMESTAMP_MAX_VALUE,
  type BoundedWindow,
  type CombineFn,
  type WindowFn,
  type WindowingStrategy,
} from "../../../sdk/index.js";
import { GLOBAL_WINDOWING } from "../../../sdk/model/windowing-strategy.js";
import { createGroupingSide, restoreGroupingSide, type GroupingSide, type GroupingSpec } from "../../../runners/core/grouping-side.js";
import { GroupAlsoByWindow } from "../../../runners/core/group-also-by-window.js";
import { ReduceFnRunner } from "../../../runners/core/reduce-fn-runner.js";
import type { Receiver } from "../../../runners/core/receiver.js";
import { renderPane, sumFn } from "./transcript.js";
import { checkedGroupingSide } from "../../../runners/direct/checked-grouping-side.js";

const packr = new Packr({ structuredClone: true });

function collector(): { out: Receiver; panes: string[] } {
  const panes: string[] = [];
  return {
    panes,
    out: {
      receive(value, timestamp, window, pane) {
        const { key, value: v } = value as { key: unknown; value: unknown };
        panes.push(renderPane(key, v, timestamp, window, pane));
      },
    },
  };
}

const windowing = (w: Partial<WindowingStrategy>): WindowingStrategy => ({ ...GLOBAL_WINDOWING, ...w });

describe("createGroupingSide", () => {
  it("picks the lean GroupAlsoByWindow for the default trigger without lateness on non-merging windows", () => {
    expect(createGroupingSide({ step: "s", windowing: GLOBAL_WINDOWING })).to.be.instanceOf(GroupAlsoByWindow);
    expect(createGroupingSide({ step: "s", windowing: windowing({ windowFn: new FixedWindows(10) }) })).to.be.instanceOf(GroupAlsoByWindow);
  });

  it("picks the general driver for triggers, lateness and merging windows", () => {
    for (const w of [
      windowing({ trigger: Repeatedly(AfterCount(2)) }),
      windowing({ windowFn: new FixedWindows(10), allowedLateness: 1 }),
      windowing({ windowFn: new Sessions(10) }),
    ]) {
      expect(createGroupingSide({ step: "s", windowing: w })).to.be.instanceOf(ReduceFnRunner);
    }
  });

  it("keeps fire() as an alias of advanceInputWatermark on the fast path", () => {
    const g = new GroupAlsoByWindow({ step: "s", windowing: GLOBAL_WINDOWING });
    const { out, panes } = collector();
    g.add("k", GLOBAL_WINDOW, 0, 1);
    expect(g.fire(TIMESTAMP_MAX_VALUE, out)).to.equal(1);
    expect(panes).to.deep.equal(["global [1] @EOGW ON_TIME 0/0 first last"]);
    expect(g.nextProcessingTimer()).to.equal(undefined);
    expect(g.advanceProcessingTime()).to.equal(0);
  });
});

describe("grouping side snapshots", () => {
  /** Runs `script` on one side, or on a side snapshotted and restored at step `cut`; returns the panes. */
  function run(spec: GroupingSpec, script: ((g: GroupingSide, out: Receiver) => void)[], cut?: number): string[] {
    const { out, panes } = collector();
    let g = createGroupingSide(spec);
    script.forEach((step, i) => {
      if (i === cut) g = restoreGroupingSide(spec, packr.unpack(packr.pack(g.snapshot())));
      step(g, out);
    });
    return panes;
  }

  const fixed = new FixedWindows(10);
  const add = (key: string, ts: number, value: unknown = ts) => (g: GroupingSide) => {
    for (const w of fixed.assignWindows(ts)) g.add(key, w, ts, value);
  };
  const wm = (t: number) => (g: GroupingSide, out: Receiver) => void g.advanceInputWatermark(t, out);
  const pt = (t: number) => (g: GroupingSide, out: Receiver) => void g.advanceProcessingTime(t, out);

  it("round-trip the general driver mid-stream (trigger state, timers, holds, panes) through msgpack", () => {
    const spec: GroupingSpec = {
      step: "s",
      windowing: windowing({
        windowFn: fixed,
        trigger: AfterWatermark({ early: AfterProcessingTime(5), late: AfterCount(2) }),
        accumulationMode: "ACCUMULATING",
        allowedLateness: 50,
        timestampCombiner: "EARLIEST",
      }),
    };
    const script = [pt(0), add("a", 3), add("b", 4), add({ x: 1 } as never, 5), pt(6), add("a", 1), wm(10), add("a", 2), add("a", 7), wm(100)];
    const straight = run(spec, script);
    expect(straight).to.include("a: [0,10) [3] @3 EARLY 0/-1 first");
    expect(straight).to.include("a: [0,10) [1,2,3,7] @9 LATE 2/1");
    for (let cut = 1; cut < script.length; cut++) expect(run(spec, script, cut), `cut at ${cut}`).to.deep.equal(straight);
  });

  it("round-trip the fast path and lifted accumulators", () => {
    const spec: GroupingSpec = {
      step: "s",
      windowing: windowing({ windowFn: fixed, timestampCombiner: "LATEST" }),
      combineFn: sumFn as CombineFn<unknown, unknown, unknown>,
    };
    const script = [add("a", 1), add("a", 2), add("b", 12), wm(10), add("b", 15), wm(30)];
    const straight = run(spec, script);
    expect(straight).to.deep.equal(["a: [0,10) 3 @2 ON_TIME 0/0 first last", "b: [10,20) 27 @15 ON_TIME 0/0 first last"]);
    for (let cut = 1; cut < script.length; cut++) expect(run(spec, script, cut), `cut at ${cut}`).to.deep.equal(straight);
  });

  it("round-trip merging session state", () => {
    const sessions = new Sessions(10);
    const spec: GroupingSpec = {
      step: "s",
      windowing: windowing({ windowFn: sessions, trigger: Repeatedly(AfterCount(3)), accumulationMode: "DISCARDING" }),
    };
    const addS = (ts: number) => (g: GroupingSide) => g.add("k", sessions.assignWindows(ts)[0]!, ts, ts);
    const script = [addS(1), addS(30), addS(9), wm(0), addS(18), wm(100)];
    const straight = run(spec, script);
    expect(straight).to.deep.equal(["[1,28) [1,9,18] @27 EARLY 0/-1 first", "[1,28) [] @27 ON_TIME 1/0 last", "[30,40) [30] @39 ON_TIME 0/0 first last"]);
    for (let cut = 1; cut < script.length; cut++) expect(run(spec, script, cut), `cut at ${cut}`).to.deep.equal(straight);
  });

  it("round-trip a custom merging window class (an IntervalWindow subclass) through its windowCoder", () => {
    class TaggedWindow extends IntervalWindow {
      override readonly id: string;
      constructor(start: number, end: number, readonly tag: string) {
        super(start, end);
        this.id = `${start}:${end}#${tag}`;
      }
    }
    const sessions = new Sessions(10);
    const tagged: WindowFn<TaggedWindow> = {
      description: "TaggedSessions",
      isMerging: true,
      assignWindows: (ts, e) => [new TaggedWindow(ts, ts + 10, (e as { value: string }).value)],
      mergeWindows: (ws) =>
        ["a", "b"].flatMap((tag) =>
          sessions.mergeWindows(ws.filter((w) => w.tag === tag)).map((m) => ({ merged: m.merged as TaggedWindow[], result: new TaggedWindow(m.result.start, m.result.end, tag) })),
        ),
      windowCoder: {
        encode: (w) => [w.start, w.end, w.tag],
        decode: (d) => new TaggedWindow(...(d as [number, number, string])),
      },
    };
    const spec: GroupingSpec = {
      step: "s",
      windowing: windowing({ windowFn: tagged as WindowFn, trigger: Repeatedly(AfterCount(2)), accumulationMode: "DISCARDING" }),
    };
    const addT = (ts: number, tag: string) => (g: GroupingSide) => g.add("k", tagged.assignWindows(ts, { value: tag })[0]!, ts, tag);
    const script = [addT(1, "a"), addT(3, "b"), addT(8, "a"), wm(0), addT(9, "b"), addT(30, "a"), wm(100)];
    /** The panes with their windows' ids and classes (the rendering shows only the bounds). */
    const runTagged = (cut?: number): string[] => {
      const seen: string[] = [];
      const out: Receiver = {
        receive: (value, timestamp, window, pane) =>
          seen.push(`${window.id} ${window instanceof TaggedWindow ? "tagged" : "plain"} ${renderPane("", (value as { value: unknown }).value, timestamp, window, pane)}`),
      };
      let g = createGroupingSide(spec);
      script.forEach((step, i) => {
        if (i === cut) g = restoreGroupingSide(spec, packr.unpack(packr.pack(g.snapshot())));
        step(g, out);
      });
      return seen;
    };
    const straight = runTagged();
    expect(straight.map((p) => p.split(" :")[0])).to.deep.equal(["1:18#a tagged", "3:19#b tagged", "1:18#a tagged", "3:19#b tagged", "30:40#a tagged"]);
    for (let cut = 1; cut < script.length; cut++) expect(runTagged(cut), `cut at ${cut}`).to.deep.equal(straight);
    // Without the coder the snapshot refuses the subclass instead of dropping its tag.
    const uncoded: GroupingSpec = { ...spec, windowing: windowing({ ...spec.windowing, windowFn: { ...tagged, windowCoder: undefined } as WindowFn }) };
    const g = createGroupingSide(uncoded);
    addT(1, "a")(g);
    expect(() => g.snapshot()).to.throw(/of class TaggedWindow, a subclass of IntervalWindow.*give TaggedSessions a windowCoder/);
  });

  it("need a windowCoder for custom window types, and say so", () => {
    class OddWindow implements BoundedWindow {
      readonly id = "odd";
      maxTimestamp(): number {
        return 5;
      }
    }
    const custom: WindowFn = { description: "Odd", assignWindows: () => [new OddWindow()] };
    const g = createGroupingSide({ step: "s", windowing: windowing({ windowFn: custom }) });
    g.add("k", new OddWindow(), 1, 1);
    expect(() => g.snapshot()).to.throw(/give Odd a windowCoder/);
    const coded: WindowFn = { ...custom, windowCoder: { encode: () => 7, decode: () => new OddWindow() } };
    const spec = { step: "s", windowing: windowing({ windowFn: coded }) };
    const h = createGroupingSide(spec);
    h.add("k", new OddWindow(), 1, 1);
    const { out, panes } = collector();
    restoreGroupingSide(spec, packr.unpack(packr.pack(h.snapshot()))).advanceInputWatermark(10, out);
    expect(panes).to.deep.equal(["k: odd [1] @5 ON_TIME 0/0 first last".replace("k: ", "")]);
  });

  it("refuse a snapshot of the other driver", () => {
    const fast = createGroupingSide({ step: "s", windowing: GLOBAL_WINDOWING });
    const general = windowing({ trigger: Repeatedly(AfterCount(2)) });
    expect(() => restoreGroupingSide({ step: "s", windowing: general }, fast.snapshot())).to.throw(/not a ReduceFnRunner snapshot/);
  });
});

describe("the general driver's outputs", () => {
  it("stay usable when frozen in accumulating mode (bags are copied; frozen accumulators are thawed)", () => {
    const listFn: CombineFn<number, number[], number[]> = {
      createAccumulator: () => [],
      addInput: (a, x) => (a.push(x), a),
      mergeAccumulators: (as) => as.reduce((a, b) => (a.push(...b), a)),
      extractOutput: (a) => a, // hands out the accumulator itself
    };
    for (const combineFn of [undefined, listFn as CombineFn<unknown, unknown, unknown>]) {
      // Frozen as the direct runner's check freezes them: by the receiver, as the driver hands each pane over.
      const g = checkedGroupingSide(
        createGroupingSide({
          step: "s",
          windowing: windowing({ trigger: Repeatedly(AfterCount(1)), accumulationMode: "ACCUMULATING" }),
          ...(combineFn ? { combineFn } : {}),
        }),
        { freeze: true, combine: combineFn !== undefined },
      );
      const { out, panes } = collector();
      g.add("k", GLOBAL_WINDOW, 1, combineFn ? [1] : 1);
      g.advanceInputWatermark(0, out);
      g.add("k", GLOBAL_WINDOW, 2, combineFn ? [2] : 2);
      g.advanceInputWatermark(0, out);
      expect(panes).to.deep.equal(["global [1] @EOGW EARLY 0/-1 first", "global [1,2] @EOGW EARLY 1/-1"]);
    }
  });

  it("name the step when user code fails", () => {
    const bad: CombineFn<unknown, unknown, unknown> = { ...sumFn, mergeAccumulators: () => { throw new Error("boom"); } } as never;
    const g = createGroupingSide({ step: "Sum/Combine", windowing: windowing({ trigger: Repeatedly(AfterCount(5)), accumulationMode: "DISCARDING" }), combineFn: bad });
    g.add("k", GLOBAL_WINDOW, 1, 1);
    expect(() => g.add("k", GLOBAL_WINDOW, 2, 2)).to.throw(/Sum\/Combine/);
  });

  it("release all state of garbage-collected windows", () => {
    const g = createGroupingSide({ step: "s", windowing: windowing({ windowFn: new FixedWindows(10), allowedLateness: 5, accumulationMode: "DISCARDING" }) });
    const { out } = collector();
    for (let t = 0; t < 10_000; t++) {
      g.add(`k${t % 7}`, new IntervalWindow(Math.floor(t / 10) * 10, Math.floor(t / 10) * 10 + 10), t, t);
      if (t % 10 === 9) g.advanceInputWatermark(t - 20, out);
    }
    g.advanceInputWatermark(TIMESTAMP_MAX_VALUE, out);
    expect(g.hasPending).to.equal(false);
    const left = g.snapshot() as { state: { keys: unknown[] }; timers: { keys: unknown[]; firing: Float64Array } };
    expect(left.state.keys).to.deep.equal([]);
    expect([left.timers.keys, left.timers.firing.length]).to.deep.equal([[], 0]);
    expect(g.hold()).to.equal(TIMESTAMP_MAX_VALUE);
  });

  it("report when to wake for processing time", () => {
    const g = createGroupingSide({ step: "s", windowing: windowing({ windowFn: new GlobalWindows(), trigger: Repeatedly(AfterProcessingTime(100)), accumulationMode: "DISCARDING" }) });
    const { out, panes } = collector();
    g.advanceProcessingTime(1000, out);
    expect(g.nextProcessingTimer()).to.equal(undefined);
    g.add("k", GLOBAL_WINDOW, 0, "x");
    expect(g.nextProcessingTimer()).to.equal(1100);
    expect(g.advanceProcessingTime(1100, out)).to.equal(0);
    expect(g.advanceProcessingTime(1101, out)).to.equal(1);
    expect(panes).to.deep.equal(["global [x] @EOGW EARLY 0/-1 first"]);
    expect(g.nextProcessingTimer()).to.equal(undefined);
  });
});

describe("the fast path and the general driver", () => {
  it("agree on random streams under the default trigger (any window fn, combiner, out-of-order data, late data)", () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const windowFn = [new FixedWindows(10), new SlidingWindows(10, 5), new GlobalWindows()][round % 3]!;
      const timestampCombiner = (["END_OF_WINDOW", "EARLIEST", "LATEST"] as const)[Math.floor(round / 3) % 3]!;
      const spec: GroupingSpec = { step: "s", windowing: windowing({ windowFn, timestampCombiner }) };
      const fast = new GroupAlsoByWindow(spec);
      const general = new ReduceFnRunner(spec);
      const a = collector();
      const b = collector();
      let wm = 0;
      for (let step = 0; step < 30; step++) {
        if (random() < 0.3) {
          wm += Math.floor(random() * 15);
          expect(fast.advanceInputWatermark(wm, a.out)).to.equal(general.advanceInputWatermark(wm, b.out));
        } else {
          for (let n = Math.floor(random() * 4); n >= 0; n--) {
            const ts = wm + Math.floor(random() * 30) - 10; // some behind the watermark
            const key = `k${Math.floor(random() * 3)}`;
            for (const w of windowFn.assignWindows(ts)) {
              fast.add(key, w, ts, ts);
              general.add(key, w, ts, ts);
            }
          }
          // A runner's check after the bundle.
          expect(fast.advanceInputWatermark(wm, a.out)).to.equal(general.advanceInputWatermark(wm, b.out));
        }
        expect(fast.hold(), `round ${round} step ${step}: hold`).to.equal(general.hold());
      }
      fast.advanceInputWatermark(TIMESTAMP_MAX_VALUE, a.out);
      general.advanceInputWatermark(TIMESTAMP_MAX_VALUE, b.out);
      expect(a.panes.sort(), `round ${round}`).to.deep.equal(b.panes.sort());
      expect(fast.droppedLate).to.equal(general.droppedLate);
    }
  });
});

describe("general driver snapshots under random streams", () => {
  it("restore to a driver that behaves the same (sessions and fixed windows, every trigger kind)", () => {
    let seed = 777;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const triggers = [
      AfterWatermark({ early: AfterProcessingTime(5), late: AfterCount(2) }),
      Repeatedly(AfterCount(3)),
      AfterWatermark({ early: AfterCount(2) }),
      Repeatedly(AfterProcessingTime(7)),
    ];
    for (let round = 0; round < 60; round++) {
      const windowFn = round % 2 === 0 ? new Sessions(10) : new FixedWindows(10);
      const spec: GroupingSpec = {
        step: "s",
        windowing: windowing({
          windowFn,
          trigger: triggers[round % triggers.length]!,
          accumulationMode: round % 3 === 0 ? "ACCUMULATING" : "DISCARDING",
          allowedLateness: 20,
          timestampCombiner: (["END_OF_WINDOW", "EARLIEST", "LATEST"] as const)[round % 3]!,
        }),
      };
      const straight: GroupingSide = createGroupingSide(spec);
      let moved: GroupingSide = createGroupingSide(spec);
      const a = collector();
      const b = collector();
      let wm = 0;
      let now = 0;
      for (let step = 0; step < 40; step++) {
        const r = random();
        const both = (f: (g: GroupingSide, out: Receiver) => void): void => {
          f(straight, a.out);
          f(moved, b.out);
        };
        if (r < 0.2) {
          wm += Math.floor(random() * 12);
          both((g, out) => g.advanceInputWatermark(wm, out));
        } else if (r < 0.35) {
          now += Math.floor(random() * 8);
          both((g, out) => g.advanceProcessingTime(now, out));
        } else {
          const ts = wm + Math.floor(random() * 30) - 15;
          const key = `k${Math.floor(random() * 2)}`;
          both((g, out) => {
            for (const w of windowFn.assignWindows(ts)) g.add(key, w, ts, ts);
            g.advanceInputWatermark(wm, out);
          });
        }
        moved = restoreGroupingSide(spec, packr.unpack(packr.pack(moved.snapshot())));
        expect(moved.hold(), `round ${round} step ${step}`).to.equal(straight.hold());
        expect(moved.nextProcessingTimer()).to.equal(straight.nextProcessingTimer());
        expect(moved.hasPending).to.equal(straight.hasPending);
      }
      straight.advanceInputWatermark(TIMESTAMP_MAX_VALUE, a.out);
      moved.advanceInputWatermark(TIMESTAMP_MAX_VALUE, b.out);
      expect(b.panes.sort(), `round ${round}`).to.deep.equal(a.panes.sort());
      expect([moved.droppedLate, moved.droppedClosedWindow]).to.deep.equal([straight.droppedLate, straight.droppedClosedWindow]);
      expect(straight.hasPending).to.equal(false);
    }
  });
});
