import { expect } from "chai";
import streamingCount from "./fixtures/streaming-count.js";
import streamingStatefulCount from "./fixtures/streaming-stateful-count.js";
import { seededRandom } from "../../../runners/direct/seeded-random.js";
import { killIdleLater, killLater } from "./kill-later.js";


describe("process runner: a streaming count with workers killed with SIGKILL", function () {
  this.timeout(120_000);
  const options = { runner: "process", parallelism: 2, maxAttempts: 4, quiet: true };

  it("adds up exactly: the killed worker's key groups are rebuilt from checkpoints and replayed, not lost or repeated", async () => {
    const random = seededRandom(11);
    let retried = 0;
    for (let trial = 0; trial < 3; trial++) {
      const run = streamingCount.run(options);
      // The run lasts ~3 s: kill after the first checkpoints (every ~2 s of a key group's life) in some trials.
      const kill = killLater(800 + Math.floor(random() * 1800), random);
      const result = await run; // the pipeline's own assertion fails the run on a wrong total
      await kill;
      if (result.stats!.retries > 0) retried++;
    }
    expect(retried, "runs that re-ran a killed worker's task").to.be.greaterThanOrEqual(2);
  });

  it("keeps a stateful DoFn's state and timers exact: its key groups are restored from checkpoints and replayed", async () => {
    const random = seededRandom(12);
    let retried = 0;
    for (let trial = 0; trial < 3; trial++) {
      const run = streamingStatefulCount.run(options);
      const kill = killLater(800 + Math.floor(random() * 1800), random);
      const result = await run; // the pipeline's own assertion fails the run on a wrong or repeated count
      await kill;
      if (result.stats!.retries > 0) retried++;
    }
    expect(retried, "runs that re-ran a killed worker's task").to.be.greaterThanOrEqual(2);
  });

  it("restores the state of a worker that died between tasks (replaced before its next task, not failing one)", async () => {
    const random = seededRandom(13);
    let killed = 0;
    for (let trial = 0; trial < 3; trial++) {
      const run = streamingStatefulCount.run(options);
      const kill = killIdleLater(800 + Math.floor(random() * 1200));
      await run; // a worker that grouped without the state it lost fails the pipeline's assertion
      if (await kill) killed++;
    }
    expect(killed, "runs with an idle worker killed").to.be.greaterThanOrEqual(2);
  });
});
