import { expect } from "chai";
import { Packr } from "msgpackr";
import {
  counter,
  FixedWindows,
  GLOBAL_WINDOW,
  StateSpecs,
  statefulDoFn,
  TimerSpecs,
  TIMESTAMP_MAX_VALUE,
  type ParDoNode,
  type WindowingStrategy,
} from "../../../sdk/index.js";
import { GLOBAL_WINDOWING } from "../../../sdk/model/windowing-strategy.js";
import { createGroupingSide, restoreGroupingSide, type GroupingSide, type GroupingSpec } from "../../../runners/core/grouping-side.js";
import { StatefulDoFnSide, type StatefulRootOutput } from "../../../runners/core/stateful-dofn-side.js";
import type { Receiver } from "../../../runners/core/receiver.js";
import { replayGroupWork } from "../../../runners/core/engine/group-work.js";
import { StepMetrics } from "../../../runners/core/metrics-container.js";

const packr = new Packr({ structuredClone: true });
const fixed = new FixedWindows(10);

function specOf(doFn: object, windowing: Partial<WindowingStrategy> = {}): GroupingSpec {
  const node = { kind: "ParDo", fullName: "Stateful", doFn, sideInputs: [], mainTag: "main", inputs: ["in"], outputs: { main: "out" } } as unknown as ParDoNode;
  return { step: "Stateful", windowing: { ...GLOBAL_WINDOWING, windowFn: fixed, ...windowing }, stateful: node };
}

function collector(): { out: StatefulRootOutput; lines: string[]; metrics: StepMetrics } {
  const lines: string[] = [];
  const metrics = new StepMetrics("Stateful");
  const out: StatefulRootOutput = {
    receive(value, timestamp, window) {
      lines.push(`${String(value)} @${timestamp} ${window.id}`);
    },
    tagged: (tag) => ({ receive: (value, timestamp) => lines.push(`${tag}: ${String(value)} @${timestamp}`) }),
    metrics,
  };
  return { out, lines, metrics };
}

/** Buffers per key and window; flushes at the window's end (event time) and 5 ms after the first element (processing time). */
const buffering = statefulDoFn<string, number, string, { note: string }>()({
  state: { buffer: StateSpecs.bag<number>(), total: StateSpecs.value<number>() },
  timers: { end: TimerSpecs.eventTime(), soon: TimerSpecs.processingTime() },
  process(e, ctx) {
    if (ctx.state.buffer.isEmpty()) ctx.timers.soon.setRelative(5);
    ctx.state.buffer.add(e.value);
    ctx.state.total.write((ctx.state.total.read() ?? 0) + e.value);
    ctx.timers.end.set(ctx.window.maxTimestamp(), { outputTimestamp: ctx.timestamp });
    counter("elements").inc();
  },
  onTimer: {
    end(ctx) {
      ctx.output(`end ${ctx.key} [${ctx.state.buffer.read().join(",")}]`);
      ctx.state.buffer.clear();
    },
    soon(ctx) {
      ctx.outputTo("note", `soon ${ctx.key} [${ctx.state.buffer.read().join(",")}]`);
      ctx.state.buffer.clear();
    },
  },
  onWindowExpiration(ctx) {
    ctx.output(`expired ${ctx.key} total ${ctx.state.total.read()}`);
  },
});

type Step = (g: GroupingSide, out: Receiver) => void;
const add = (key: string, ts: number): Step => (g) => {
  for (const w of fixed.assignWindows(ts)) g.add(key, w, ts, ts);
};
const wm = (t: number): Step => (g, out) => void g.advanceInputWatermark(t, out);
const pt = (t: number): Step => (g, out) => void g.advanceProcessingTime(t, out);

describe("StatefulDoFnSide", () => {
  it("is the side createGroupingSide picks for a stateful ParDo", () => {
    expect(createGroupingSide(specOf(buffering))).to.be.instanceOf(StatefulDoFnSide);
  });

  it("holds the output watermark at pending timers' output timestamps and window ends, and leaves nothing after expiry", () => {
    const g = createGroupingSide(specOf(buffering));
    const { out, lines } = collector();
    g.advanceProcessingTime(0, out);
    expect(g.hasPending).to.equal(false);
    expect(g.hold()).to.equal(TIMESTAMP_MAX_VALUE);
    g.add("a", fixed.assignWindows(3)[0]!, 3, 3);
    g.add("a", fixed.assignWindows(12)[0]!, 12, 12);
    expect(g.hold(), "the end timer's output timestamp").to.equal(3);
    expect(g.nextProcessingTimer()).to.equal(5);
    g.advanceInputWatermark(10, out); // [0, 10)'s end timer fires; its expiry (9) is passed too
    expect(lines).to.deep.equal(["end a [3] @3 0:10", "expired a total 3 @9 0:10"]);
    expect(g.hold(), "the end timer of [10, 20)").to.equal(12);
    expect(g.nextProcessingTimer(), "the processing-time timer of [10, 20)").to.equal(5);
    g.advanceInputWatermark(TIMESTAMP_MAX_VALUE, out);
    expect(lines.slice(2)).to.deep.equal(["end a [12] @12 10:20", "expired a total 12 @19 10:20"]);
    expect(g.hasPending).to.equal(false);
    expect(g.nextProcessingTimer()).to.equal(undefined);
    expect((g.snapshot() as { timers: { firing: Float64Array } }).timers.firing.length).to.equal(0);
  });

  it("drops elements of expired windows and counts them", () => {
    const g = createGroupingSide(specOf(buffering, { allowedLateness: 5 }));
    const { out, lines } = collector();
    g.advanceProcessingTime(0, out);
    g.advanceInputWatermark(14, out); // [0, 10) expires at 14: not yet
    g.add("a", fixed.assignWindows(1)[0]!, 1, 1);
    g.advanceInputWatermark(15, out);
    g.add("a", fixed.assignWindows(2)[0]!, 2, 2);
    expect(g.droppedLate).to.equal(1);
    expect(lines).to.deep.equal(["end a [1] @1 0:10", "expired a total 1 @9 0:10"]);
  });

  it("fires a user timer set at the window's expiry before onWindowExpiration", () => {
    const fn = statefulDoFn<string, number, string>()({
      timers: { last: TimerSpecs.eventTime() },
      process(_e, ctx) {
        ctx.timers.last.set(ctx.window.maxTimestamp());
      },
      onTimer: { last: (ctx) => ctx.output("last timer") },
      onWindowExpiration: (ctx) => ctx.output("expired"),
    });
    const g = createGroupingSide(specOf(fn));
    const { out, lines } = collector();
    g.advanceProcessingTime(0, out);
    g.add("k", fixed.assignWindows(1)[0]!, 1, 1);
    g.advanceInputWatermark(100, out);
    expect(lines).to.deep.equal(["last timer @9 0:10", "expired @9 0:10"]);
  });

  it("scopes the step's metrics around user code, and a replay discards outputs and metrics", () => {
    const spec = specOf(buffering, { windowFn: fixed });
    const g = createGroupingSide(spec);
    const { out, metrics } = collector();
    g.advanceProcessingTime(0, out);
    g.advanceInputWatermark(0, out);
    g.add("a", fixed.assignWindows(1)[0]!, 1, 1);
    g.advanceInputWatermark(0, out);
    expect(metrics.counters.get("elements")).to.equal(1);
    const replayed = createGroupingSide(spec);
    replayGroupWork(replayed, { processingTime: 0, arrivalWatermark: 0, watermark: 0 }, (addRecord) => addRecord("a", fixed.assignWindows(1)[0]!, 1, 1));
    replayGroupWork(replayed, { processingTime: 10, arrivalWatermark: 0, watermark: 0 }, () => {}); // fires "soon" into the discard
    expect(packr.pack(replayed.snapshot())).to.not.deep.equal(packr.pack(g.snapshot()));
    const later = collector();
    g.advanceProcessingTime(10, later.out);
    g.advanceInputWatermark(0, later.out);
    g.advanceInputWatermark(0, later.out);
    expect(later.lines).to.deep.equal(["note: soon a [1] @1"]);
    expect(packr.unpack(packr.pack(replayed.snapshot()))).to.deep.equal(packr.unpack(packr.pack(g.snapshot())));
  });

  it("round-trips mid-stream through msgpack (cells, timers, clocks): the same outputs at every cut", () => {
    const spec = specOf(buffering);
    const script: Step[] = [pt(0), add("a", 3), add("b", 4), add("a", 12), pt(6), add("a", 5), wm(10), add("a", 15), pt(20), wm(30)];
    const run = (cut?: number): string[] => {
      const { out, lines } = collector();
      let g = createGroupingSide(spec);
      script.forEach((step, i) => {
        if (i === cut) g = restoreGroupingSide(spec, packr.unpack(packr.pack(g.snapshot())));
        step(g, out);
      });
      return lines;
    };
    const straight = run();
    expect(straight).to.deep.equal([
      "note: soon a [3] @3",
      "note: soon b [4] @4",
      "note: soon a [12] @12",
      // Both end timers fire at 9, in the order set: a's was set again (replaced, output 5) after b's.
      "end b [] @4 0:10",
      "expired b total 4 @9 0:10",
      "end a [5] @5 0:10",
      "expired a total 8 @9 0:10",
      "note: soon a [15] @15",
      "end a [] @15 10:20",
      "expired a total 27 @19 10:20",
    ]);
    for (let cut = 1; cut < script.length; cut++) expect(run(cut), `cut at ${cut}`).to.deep.equal(straight);
  });

  it("a noOutputTimestamp timer holds no watermark, and its callback cannot output", () => {
    const fn = statefulDoFn<string, number, string>()({
      timers: { quiet: TimerSpecs.processingTime(), loud: TimerSpecs.eventTime() },
      process(e, ctx) {
        ctx.timers.quiet.setRelative(10, { noOutputTimestamp: true });
        if (e.value === 2) ctx.timers.loud.set(50, { noOutputTimestamp: true });
      },
      onTimer: { quiet: () => {}, loud: (ctx) => ctx.output("no") },
    });
    const g = createGroupingSide(specOf(fn, { windowFn: GLOBAL_WINDOWING.windowFn }));
    const { out, lines } = collector();
    g.advanceProcessingTime(0, out);
    g.add("k", GLOBAL_WINDOW, 1, 1);
    expect(g.hold()).to.equal(TIMESTAMP_MAX_VALUE);
    expect(g.nextProcessingTimer()).to.equal(10);
    g.advanceProcessingTime(11, out);
    expect(lines).to.deep.equal([]);
    g.add("k", GLOBAL_WINDOW, 2, 2);
    expect(() => g.advanceInputWatermark(60, out)).to.throw(/timer 'loud' was set with noOutputTimestamp: its callback cannot output/);
  });

  it("refuses timers in onWindowExpiration and state outside user code", () => {
    let captured: { timer: { set(t: number): void }; cell: { read(): unknown } } | undefined;
    const fn = statefulDoFn<string, number, string>()({
      state: { v: StateSpecs.value<number>() },
      timers: { t: TimerSpecs.eventTime() },
      process(_e, ctx) {
        captured = { timer: ctx.timers.t, cell: ctx.state.v };
      },
      onTimer: { t() {} },
      onWindowExpiration() {
        captured!.timer.set(5);
      },
    });
    const g = createGroupingSide(specOf(fn));
    const { out } = collector();
    g.advanceProcessingTime(0, out);
    g.add("k", fixed.assignWindows(1)[0]!, 1, 1);
    expect(() => captured!.cell.read()).to.throw(/state 'v' is only available in process, a timer callback or onWindowExpiration/);
    expect(() => g.advanceInputWatermark(TIMESTAMP_MAX_VALUE, out)).to.throw(/timers cannot be set or cleared in onWindowExpiration/);
  });
});
