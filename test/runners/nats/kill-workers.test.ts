/**
 * Fault injection on the NATS runner: workers killed with SIGKILL (the whole `sluice worker` process tree, as a
 * crashed machine loses it) at seeded random moments of a WordCount over a multi-file input; each run must still
 * succeed with the direct runner's output (lost tasks run again elsewhere, lost key groups are rebuilt from their
 * checkpoints), and the kills must cost tasks, or the test proves nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { expect } from "chai";
import wordcount from "../../../samples/wordcount.js";
import { writeCorpus } from "../../../bench/corpus.js";
import { seededRandom } from "../../../runners/direct/seeded-random.js";
import { killWorker, natsUnavailable, sharedNats, startWorkers, waitForWorkers, workerRunning } from "./shared-cluster.js";

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

  it("gives output identical to a clean run in 10 seeded trials", async () => {
    const { options, workers: shared } = await sharedNats();
    const random = seededRandom(7);
    // Workers of this test's own, beside the shared ones, so that killing them leaves the other tests theirs.
    let victims: ChildProcess[] = startWorkers(options, 2);
    let retried = 0;
    let killedMidRun = 0;
    const log: string[] = [];
    try {
      for (let trial = 0; trial < 10; trial++) {
        // The killed worker's entry has gone stale and its replacement has registered: the job binds its slots to
        // workers that serve it, so its retries are the kill's.
        await waitForWorkers(options, shared.length + victims.length);
        const output = path.join(dir, `trial-${trial}`, "counts");
        const started = Date.now();
        let killedAt: number | undefined;
        const run = wordcount.run({ runner: "nats", ...options, maxAttempts: 4, quiet: true, input: path.join(dir, "part-*.txt"), output });
        const victim = victims[Math.floor(random() * victims.length)]!;
        let killed: Promise<void> | undefined;
        const timer = setTimeout(() => {
          killedAt = Date.now();
          killed = killWorker(victim);
        }, 200 + Math.floor(random() * 800));
        const result = await run;
        const ended = Date.now();
        clearTimeout(timer);
        await killed;
        if (result.stats!.retries > 0) retried++;
        if (killedAt !== undefined && killedAt < ended) killedMidRun++;
        log.push(`trial ${trial}: killed at ${killedAt === undefined ? "-" : killedAt - started} ms, ran ${ended - started} ms, ${result.stats!.retries} retries`);
        expect(fs.readFileSync(`${output}-00000-of-00001.txt`, "utf8"), `trial ${trial}`).to.equal(expected);
        // Replace the killed worker (a worker added mid-run or between runs takes work).
        victims = victims.filter(workerRunning);
        victims.push(...startWorkers(options, 2 - victims.length));
      }
    } finally {
      await Promise.all(victims.map(killWorker));
      if (process.env.SLUICE_FAULT_LOG) console.error(log.join("\n"));
    }
    // Runs take ~0.8 s, so a kill at 0.2-1 s can land after the job or after the victim's last task (then its slots
    // are rebound and nothing re-runs: 0 retries in 3 of 7 mid-run kills in one CI run). Most kills must land
    // mid-run, and some of them must re-run a task.
    const summary = `trials:\n${log.join("\n")}`;
    expect(killedMidRun, summary).to.be.greaterThanOrEqual(5);
    expect(retried, summary).to.be.greaterThanOrEqual(3);
  });
});
