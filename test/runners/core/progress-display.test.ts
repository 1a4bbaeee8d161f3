import { PassThrough } from "node:stream";
import { expect } from "chai";
import { createProgressDisplay, formatProgressRows, type ProgressSnapshot } from "../../../runners/core/progress-display.js";
import type { StageProgress } from "../../../runners/core/engine/job-scheduler.js";
import { TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE } from "../../../sdk/model/time.js";

/** A fake terminal collecting what is written to it. */
function terminal(isTTY: boolean): NodeJS.WriteStream & { text(): string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { text(): string };
  let written = "";
  stream.on("data", (chunk: Buffer) => (written += chunk.toString()));
  Object.assign(stream, { isTTY, columns: 160, rows: 40, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true });
  stream.text = () => written;
  return stream;
}

function stage(id: string, step: string, over: Partial<StageProgress> = {}): StageProgress {
  return { stage: id, steps: [step], bundles: 0, retries: 0, elementsIn: 0, elementsOut: 0, shuffleBytesOut: 0, peakWaitingForSideInputs: 0, running: 0, outputWatermark: TIMESTAMP_MIN_VALUE, ...over };
}

const NONE: ProgressSnapshot = { stages: [], retries: 0 };

describe("progress display", () => {
  it("is off with --quiet and when stderr is not a terminal", () => {
    expect(createProgressDisplay({ quiet: true, stream: terminal(true), snapshot: () => NONE })).to.equal(undefined);
    expect(createProgressDisplay({ quiet: false, stream: terminal(false), snapshot: () => NONE })).to.equal(undefined);
  });

  it("formats one row per stage: elements, rates, bundles, and a stream's watermark with its lag", () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 10);
    const before = [stage("S0", "Read"), stage("S1", "Count/GroupByKey")];
    const after = [
      stage("S0", "Read", { elementsIn: 2_000, elementsOut: 2_000, bundles: 4, running: 1, outputWatermark: now - 2_500 }),
      stage("S1", "Count/GroupByKey", { elementsIn: 500, bundles: 1, outputWatermark: TIMESTAMP_MAX_VALUE }),
    ];
    const [read, count] = formatProgressRows(after, before, 2, now);
    expect(read).to.match(/^S0 +Read +in 2,000 \(1,000\/s\) +out 2,000 \(1,000\/s\) +bundles 4 done, 1 running +wm 2026-01-01T12:00:07\.500Z \(lag 2\.5s\)$/);
    expect(count).to.match(/^S1 +Count\/GroupByKey +in 500 \(250\/s\) +out 0 \(0\/s\) +bundles 1 done, 0 running +done$/);
  });

  it("draws the rows on a timer once the run has lasted past the delay, and notices above them", async () => {
    const tty = terminal(true);
    let n = 0;
    const display = createProgressDisplay({
      quiet: false,
      stream: tty,
      delayMs: 10,
      intervalMs: 10,
      snapshot: () => ({ stages: [stage("S0", "Read", { elementsIn: (n += 1000) })], retries: n > 2000 ? 1 : 0 }),
    })!;
    display.notice("draining: the sources stopped");
    await new Promise((r) => setTimeout(r, 80));
    display.stop();
    const text = tty.text();
    expect(text).to.include("draining: the sources stopped");
    expect(text).to.match(/S0 +Read +in [\d,]+/);
    expect(n, "redrawn on the timer").to.be.greaterThan(2000);
    expect(text).to.include("1 bundle(s) retried");
  });

  it("shows nothing for a run shorter than the delay", () => {
    const tty = terminal(true);
    const display = createProgressDisplay({ quiet: false, stream: tty, delayMs: 10_000, snapshot: () => NONE })!;
    display.refresh();
    display.stop();
    expect(tty.text()).to.equal("");
  });
});
