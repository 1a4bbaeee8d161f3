import { PassThrough } from "node:stream";
import { expect } from "chai";
import { createProgressDisplay } from "../../../runners/shared/progress.js";

/** A fake terminal collecting what is written to it. */
function terminal(isTTY: boolean): NodeJS.WriteStream & { text(): string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { text(): string };
  let written = "";
  stream.on("data", (chunk: Buffer) => (written += chunk.toString()));
  Object.assign(stream, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  stream.text = () => written;
  return stream;
}

describe("progress display", () => {
  it("is off with --quiet and when stderr is not a terminal", () => {
    expect(createProgressDisplay({ quiet: true, stream: terminal(true) })).to.equal(undefined);
    expect(createProgressDisplay({ quiet: false, stream: terminal(false) })).to.equal(undefined);
  });

  it("shows elements read and bundles once the run has lasted past the delay", async () => {
    const tty = terminal(true);
    const display = createProgressDisplay({ quiet: false, stream: tty, delayMs: 10 })!;
    display.update({ tasksDone: 3, tasksRunning: 2, elementsRead: 12345, retries: 1 });
    await new Promise((r) => setTimeout(r, 50));
    display.update({ tasksDone: 4, tasksRunning: 1, elementsRead: 23456, retries: 1 });
    display.stop();
    expect(tty.text()).to.match(/read 23,456 elements \([\d,]+\/s\) \| bundles: 4 done, 1 running, 1 retried/);
  });

  it("shows nothing for a run shorter than the delay", () => {
    const tty = terminal(true);
    const display = createProgressDisplay({ quiet: false, stream: tty, delayMs: 10_000 })!;
    display.update({ tasksDone: 1, tasksRunning: 0, elementsRead: 1, retries: 0 });
    display.stop();
    expect(tty.text()).to.equal("");
  });
});
