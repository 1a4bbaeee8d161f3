/**
 * The direct runner's streaming controls: `--maxDuration` and Ctrl-C (SIGINT) stop a run that reads unbounded
 * sources; with `--drain` the sources stop, the watermark advances to +∞ and open windows fire; without, the run
 * rejects at once. Runs are short (a few hundred ms each). SIGINT is simulated with `process.emit`, which calls
 * the listeners the run installed (and does nothing if none is installed, so a bug cannot kill mocha).
 */
import { expect } from "chai";
import {
  FixedWindows,
  Pipeline,
  PipelineError,
  UsageError,
  kv,
  parseOptions,
  windowInto,
  type KV,
  type PaneTiming,
  type PipelineOptions,
} from "../../../sdk/index.js";
import { countPerKey, create, generateSequence } from "../../../transforms/index.js";
import { StreamingStop } from "../../../runners/core/streaming-stop.js";

const DAY = 24 * 60 * 60 * 1000;

/** What the pipeline emitted: every pane of the per-window count, with its timing. */
interface Emitted {
  readonly window: string;
  readonly count: number;
  readonly timing: PaneTiming;
}

/**
 * An endless sequence (about 20 000 numbers a second), each number stamped `n` ms after the epoch, counted in
 * day-long fixed windows: the first window cannot close during a test, so whatever it fires, it fires because the
 * run was drained. `listeners` records how many SIGINT listeners were installed while elements flowed, and
 * `onFirstElement` runs when the first number flows (so after the run has installed its listener).
 */
function endlessCount(out: Emitted[], listeners: number[] = [], onFirstElement: () => void = () => {}): Pipeline {
  const p = new Pipeline();
  p.apply(generateSequence({ rate: 20_000, timestampFn: (n) => n }))
    .apply(windowInto(new FixedWindows(DAY)))
    .map((n) => {
      if (listeners.length === 0) {
        listeners.push(process.listenerCount("SIGINT"));
        onFirstElement();
      }
      return kv("all", n);
    }, "KeyAll")
    .apply(countPerKey())
    .parDo<never>(
      {
        process(e: KV<string, number>, ctx) {
          out.push({ window: ctx.window.id, count: e.value, timing: ctx.pane.timing });
        },
      },
      { name: "Collect" },
    );
  return p;
}

/** How many numbers the run read: the element count of the source's output. */
function elementsRead(result: { elementCounts: ReadonlyMap<string, number> }): number {
  for (const [pc, n] of result.elementCounts) if (pc.startsWith("GenerateSequence")) return n;
  throw new Error("no GenerateSequence output counted");
}

async function rejection(run: Promise<unknown>): Promise<Error> {
  const outcome = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome, "the run should have been rejected").to.be.instanceOf(Error);
  return outcome as Error;
}

describe("direct runner: stopping unbounded runs", function () {
  this.timeout(5000);
  const direct = (extra: Partial<PipelineOptions>): Partial<PipelineOptions> => ({ runner: "direct", quiet: true, ...extra });
  let baselineListeners: number;
  beforeEach(() => {
    baselineListeners = process.listenerCount("SIGINT");
  });
  afterEach(() => {
    expect(process.listenerCount("SIGINT"), "the SIGINT listener is removed after the run").to.equal(baselineListeners);
  });

  it("--maxDuration without --drain: rejects with one line saying why, and fires nothing", async () => {
    const out: Emitted[] = [];
    const t0 = Date.now();
    const error = await rejection(endlessCount(out).run(direct({ maxDuration: 0.25 })));
    expect(error).to.be.instanceOf(PipelineError);
    expect(error.message).to.equal("stopped by --maxDuration (0.25 s); run with --drain to fire open windows");
    expect(Date.now() - t0).to.be.within(250, 3000);
    expect(out).to.deep.equal([]);
  });

  it("--maxDuration with --drain: stops the source, fires the open window ON_TIME with everything read, completes", async () => {
    const out: Emitted[] = [];
    const t0 = Date.now();
    const result = await endlessCount(out).run(direct({ maxDuration: 0.25, drain: true }));
    expect(Date.now() - t0).to.be.within(250, 3000);
    const read = elementsRead(result);
    expect(read, "the source ran until stopped").to.be.greaterThan(0);
    expect(out).to.deep.equal([{ window: `0:${DAY}`, count: read, timing: "ON_TIME" }]);
  });

  it("SIGINT with --drain: drains like --maxDuration", async () => {
    const out: Emitted[] = [];
    const listeners: number[] = [];
    const result = await endlessCount(out, listeners, () => setTimeout(() => process.emit("SIGINT"), 100)).run(direct({ drain: true }));
    expect(listeners, "a listener is installed while the run reads its source").to.deep.equal([baselineListeners + 1]);
    expect(out).to.deep.equal([{ window: `0:${DAY}`, count: elementsRead(result), timing: "ON_TIME" }]);
  });

  it("SIGINT without --drain: rejects at once", async () => {
    const out: Emitted[] = [];
    const error = await rejection(endlessCount(out, [], () => setTimeout(() => process.emit("SIGINT"), 100)).run(direct({})));
    expect(error.message).to.equal("stopped by SIGINT (Ctrl-C); run with --drain to fire open windows");
    expect(out).to.deep.equal([]);
  });

  it("a finite sequence ends by itself before --maxDuration, with its windows fired", async () => {
    const out: Emitted[] = [];
    const p = new Pipeline();
    p.apply(generateSequence({ to: 3000, timestampFn: (n) => n }))
      .apply(windowInto(new FixedWindows(1000)))
      .map((n) => kv("all", n), "KeyAll")
      .apply(countPerKey())
      .parDo<never>({ process: (e: KV<string, number>, ctx) => void out.push({ window: ctx.window.id, count: e.value, timing: ctx.pane.timing }) });
    await p.run(direct({ maxDuration: 30 }));
    expect(out.sort((a, b) => (a.window < b.window ? -1 : 1))).to.deep.equal([
      { window: "0:1000", count: 1000, timing: "ON_TIME" },
      { window: "1000:2000", count: 1000, timing: "ON_TIME" },
      { window: "2000:3000", count: 1000, timing: "ON_TIME" },
    ]);
  });

  it("installs no SIGINT listener for a bounded run", async () => {
    const seen: number[] = [];
    const p = new Pipeline();
    p.apply(create([1, 2, 3])).map((x) => {
      seen.push(process.listenerCount("SIGINT"));
      return x;
    });
    await p.run(direct({ maxDuration: 0.01 }));
    expect(seen).to.deep.equal([baselineListeners, baselineListeners, baselineListeners]);
  });
});

describe("direct runner: StreamingStop", () => {
  it("a second SIGINT while draining aborts", () => {
    const stop = new StreamingStop({ maxDurationSec: undefined, drain: true, quiet: true });
    stop.install();
    try {
      expect(stop.action()).to.equal("run");
      process.emit("SIGINT");
      expect(stop.action()).to.equal("drain");
      process.emit("SIGINT");
      expect(stop.action()).to.equal("abort");
      expect(stop.abortError().message).to.equal("stopped by a second SIGINT (Ctrl-C) while draining; open windows were not all fired");
    } finally {
      stop.uninstall();
    }
  });

  it("the deadline stops the run; an idle run sleeps no longer than until it", () => {
    const stop = new StreamingStop({ maxDurationSec: 2, drain: true, quiet: true }, 10_000);
    expect(stop.msUntilDeadline(11_000)).to.equal(1000);
    expect(stop.action(11_999)).to.equal("run");
    expect(stop.action(12_000)).to.equal("drain");
    expect(stop.msUntilDeadline(12_000)).to.equal(Infinity);
  });
});

describe("options: --maxDuration and --drain", () => {
  it("parse from the command line", async () => {
    const o = await parseOptions(["--maxDuration", "1.5", "--drain"], {}, { scriptName: "t" });
    expect(o.maxDuration).to.equal(1.5);
    expect(o.drain).to.equal(true);
    expect((await parseOptions([], {}, { scriptName: "t" })).drain).to.equal(false);
  });

  it("reject a duration that is not a positive number of seconds", async () => {
    const p = new Pipeline();
    p.apply(create([1]));
    const error = await rejection(p.run({ runner: "direct", maxDuration: 0 }));
    expect(error).to.be.instanceOf(UsageError);
    expect(error.message).to.equal("--maxDuration must be a positive number of seconds, got 0");
  });
});
