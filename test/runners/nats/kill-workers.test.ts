/**
 * Fault injection on the NATS runner: workers killed with SIGKILL at seeded random moments of a WordCount over a
 * multi-file input; each run must still succeed with the direct runner's output (lost tasks run again elsewhere,
 * lost key groups are rebuilt from their checkpoints), and the kills must cost tasks, or the test proves nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { expect } from "chai";
import wordcount from "../../../samples/wordcount.js";
import { writeCorpus } from "../../../bench/corpus.js";
import { seededRandom } from "../../../runners/direct/seeded-random.js";
import { natsUnavailable, sharedNats, startWorkers } from "./shared-cluster.js";

describe("NATS runner: workers killed with SIGKILL [nats]", function () {
  this.timeout(300_000);
  let dir: string;
  let expected: string;

  before(async function () {
    if (natsUnavailable()) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-nats-kill-"));
    for (let i = 0; i < 6; i++) writeCorpus(path.join(dir, `part-${i}.txt`), 60_000, i + 1);
    await wordcount.run({ input: path.join(dir, "part-*.txt"), output: path.join(dir, "clean", "counts"), runner: "direct", quiet: true });
    expected = fs.readFileSync(path.join(dir, "clean", "counts-00000-of-00001.txt"), "utf8");
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("gives output identical to a clean run in 6 seeded trials", async () => {
    const { options } = await sharedNats();
    const random = seededRandom(7);
    // Workers of this test's own, beside the shared ones, so that killing them leaves the other tests theirs.
    let victims: ChildProcess[] = startWorkers(options, 2);
    await new Promise((r) => setTimeout(r, 3000));
    let retried = 0;
    for (let trial = 0; trial < 6; trial++) {
      const output = path.join(dir, `trial-${trial}`, "counts");
      const run = wordcount.run({ runner: "nats", ...options, maxAttempts: 4, quiet: true, input: path.join(dir, "part-*.txt"), output });
      const victim = victims[Math.floor(random() * victims.length)]!;
      const timer = setTimeout(() => victim.kill("SIGKILL"), 200 + Math.floor(random() * 800));
      const result = await run;
      clearTimeout(timer);
      if (result.stats!.retries > 0) retried++;
      expect(fs.readFileSync(`${output}-00000-of-00001.txt`, "utf8"), `trial ${trial}`).to.equal(expected);
      // Replace the killed worker (a worker added mid-run or between runs takes work).
      victims = victims.filter((v) => v.exitCode === null && v.signalCode === null);
      victims.push(...startWorkers(options, 2 - victims.length));
    }
    for (const v of victims) v.kill("SIGKILL");
    expect(retried, "runs that re-ran a killed worker's tasks").to.be.greaterThanOrEqual(2);
  });
});
