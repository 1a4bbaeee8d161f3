/**
 * Fault injection on the NATS runner: workers killed with SIGKILL (the whole `sluice worker` process tree, as a
 * crashed machine loses it) at seeded random points of a WordCount over a multi-file input (as the victim takes
 * its first or second task); each run must still succeed with the direct runner's output (lost tasks run
 * again elsewhere, lost key groups are rebuilt from their checkpoints), and the kills must cost tasks, or the test
 * proves nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { expect } from "chai";
import wordcount from "../../../samples/wordcount.js";
import { writeCorpus } from "../../../bench/corpus.js";
import { seededRandom } from "../../../runners/direct/seeded-random.js";
import { killWorker, natsUnavailable, passOn, sharedNats, startWorkers, TASK_LINE, waitForWorkers, workerRunning } from "./shared-cluster.js";

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
    /** Called with each task a victim takes but a teardown (whose loss costs nothing): the current trial's kill. */
    let onTask: (worker: ChildProcess) => void = () => undefined;
    // Workers of this test's own, beside the shared ones, so that killing them leaves the other tests theirs.
    const startVictims = (count: number) =>
      startWorkers(options, count, {
        env: { SLUICE_NATS_TRACE: "1" },
        onStderr: (line, w) => {
          const task = TASK_LINE.exec(line);
          if (!task) passOn(line);
          else if (task[1] !== "teardown") onTask(w);
        },
      });
    let victims: ChildProcess[] = startVictims(2);
    let retried = 0;
    let killedMidRun = 0;
    const log: string[] = [];
    try {
      for (let trial = 0; trial < 10; trial++) {
        // The killed worker's entry has gone stale and its replacement has registered: the job binds its slots to
        // workers that serve it, so its retries are the kill's.
        await waitForWorkers(options, shared.length + victims.length);
        const output = path.join(dir, `trial-${trial}`, "counts");
        const victim = victims[Math.floor(random() * victims.length)]!;
        // Killed as it takes its k-th task, so that the kill lands while the job runs and with a task in flight.
        const k = 1 + Math.floor(random() * 2);
        let taken = 0;
        let killedAt: number | undefined;
        let killed: Promise<void> | undefined;
        onTask = (w) => {
          if (w !== victim || ++taken !== k) return;
          killedAt = Date.now();
          killed = killWorker(victim);
        };
        const started = Date.now();
        const result = await wordcount.run({ runner: "nats", ...options, maxAttempts: 4, quiet: true, input: path.join(dir, "part-*.txt"), output });
        const ended = Date.now();
        onTask = () => undefined;
        await killed;
        if (result.stats!.retries > 0) retried++;
        if (killedAt !== undefined && killedAt < ended) killedMidRun++;
        log.push(`trial ${trial}: killed at task ${k} (${taken} taken), ${killedAt === undefined ? "-" : killedAt - started} ms, ran ${ended - started} ms, ${result.stats!.retries} retries`);
        expect(fs.readFileSync(`${output}-00000-of-00001.txt`, "utf8"), `trial ${trial}`).to.equal(expected);
        // Replace the killed worker (a worker added mid-run or between runs takes work).
        victims = victims.filter(workerRunning);
        victims.push(...startVictims(2 - victims.length));
      }
    } finally {
      await Promise.all(victims.map(killWorker));
      if (process.env.SLUICE_FAULT_LOG) console.error(log.join("\n"));
    }
    const summary = `trials:\n${log.join("\n")}`;
    // A victim may take fewer than k tasks (the others took them first: 1 of 10 in a local run), and a task may end
    // before its kill lands; every other kill loses a task in flight, which must run again.
    expect(killedMidRun, summary).to.be.greaterThanOrEqual(7);
    expect(retried, summary).to.be.greaterThanOrEqual(6);
  });
});
