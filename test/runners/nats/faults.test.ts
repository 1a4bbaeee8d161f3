/**
 * Faults of the cluster under a running NATS job, on a private 3-node cluster (so that killing its servers leaves
 * the other tests' shared one alone): a worker added mid-run takes work; a NATS server killed mid-run (each node
 * once) costs nothing but time, and WordCount still gives the direct runner's output; an unbounded count adds up
 * exactly with a worker killed mid-run (its key groups are rebuilt from their checkpoints in the data stream).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { expect } from "chai";
import wordcount from "../../../samples/wordcount.js";
import { writeCorpus } from "../../../bench/corpus.js";
import { seededRandom } from "../../../runners/direct/seeded-random.js";
import streamingCount from "../process/fixtures/streaming-count.js";
import { startNatsCluster, type NatsCluster } from "./nats-cluster.js";
import { killWorker, natsUnavailable, optionsOf, passOn, startWorkers, TASK_LINE, waitForWorkers, workerRunning, type NatsTestOptions } from "./shared-cluster.js";


// Not tagged [nats]: this file runs its own cluster, and the tag would start the shared one too.
describe("NATS runner: faults of the cluster", function () {
  this.timeout(600_000);
  let cluster: NatsCluster | undefined;
  let options: NatsTestOptions;
  let dir: string;
  let expected: string;
  let workers: ChildProcess[] = [];
  /** Task lines of each traced worker. */
  const tasksOf = new Map<ChildProcess, string[]>();
  const start = (count: number): ChildProcess[] => {
    const started = startWorkers(options, count, {
      env: { SLUICE_NATS_TRACE: "1" },
      onStderr: (line, w) => {
        if (TASK_LINE.test(line)) tasksOf.get(w)?.push(line);
        else passOn(line);
      },
    });
    for (const w of started) tasksOf.set(w, []);
    workers.push(...started);
    return started;
  };
  const runWordCount = (output: string) =>
    wordcount.run({ runner: "nats", ...options, maxAttempts: 4, quiet: true, input: path.join(dir, "part-*.txt"), output });
  const outputOf = (output: string) => fs.readFileSync(`${output}-00000-of-00001.txt`, "utf8");

  before(async function () {
    if (natsUnavailable()) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-nats-faults-"));
    // 24 files: the reads, which any worker may take, outlast a worker's start (~1.5 s).
    for (let i = 0; i < 24; i++) writeCorpus(path.join(dir, `part-${i}.txt`), 60_000, i + 1);
    await wordcount.run({ input: path.join(dir, "part-*.txt"), output: path.join(dir, "clean", "counts"), runner: "direct", quiet: true });
    expected = outputOf(path.join(dir, "clean", "counts"));
    cluster = await startNatsCluster({ nodes: 3 });
    options = optionsOf(cluster);
  });
  after(async () => {
    await Promise.all(workers.map(killWorker));
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("gives work to a worker added mid-run", async () => {
    const [first] = start(1);
    await waitForWorkers(options, 1);
    const output = path.join(dir, "added", "counts");
    const run = runWordCount(output);
    // Added once the first worker has taken the job's first task: the job's slots are all bound to the first one,
    // so only tasks any worker may take (reads, bundles) can reach the new one.
    while (tasksOf.get(first!)!.length === 0) await new Promise((r) => setTimeout(r, 20));
    const [added] = start(1);
    await run;
    expect(outputOf(output)).to.equal(expected);
    expect(tasksOf.get(added!), "tasks the added worker ran").to.not.be.empty;
  });

  it("gives the direct runner's output with a NATS server killed mid-run (each node once)", async () => {
    start(3 - workers.length);
    const random = seededRandom(5);
    const log: string[] = [];
    for (let node = 0; node < 3; node++) {
      await waitForWorkers(options, 3);
      const output = path.join(dir, `server-${node}`, "counts");
      const started = Date.now();
      const run = runWordCount(output);
      const delay = 300 + Math.floor(random() * 1200);
      await new Promise((r) => setTimeout(r, delay));
      await cluster!.kill(node);
      try {
        const result = await run;
        log.push(`node ${node} killed at ${delay} ms: ran ${Date.now() - started} ms, ${result.stats!.retries} retries`);
      } finally {
        await cluster!.restart(node);
      }
      expect(outputOf(output), `node ${node} killed`).to.equal(expected);
    }
    if (process.env.SLUICE_FAULT_LOG) console.error(log.join("\n"));
  });

  it("adds up an unbounded count exactly with a worker killed mid-run", async () => {
    const random = seededRandom(9);
    let retried = 0;
    const log: string[] = [];
    for (let trial = 0; trial < 3; trial++) {
      workers = workers.filter(workerRunning);
      start(3 - workers.length);
      await waitForWorkers(options, 3);
      const started = Date.now();
      const run = streamingCount.run({ runner: "nats", ...options, maxAttempts: 4, quiet: true });
      const delay = 800 + Math.floor(random() * 1800);
      await new Promise((r) => setTimeout(r, delay));
      // Killed as it takes its next task (not a teardown), so that the kill lands with a task in flight: a moment
      // of wall-clock time alone often found the victim between tasks on a slow machine, and nothing was re-run.
      const victim = workers[Math.floor(random() * workers.length)]!;
      const taken = () => tasksOf.get(victim)!.filter((line) => TASK_LINE.exec(line)![1] !== "teardown").length;
      const before = taken();
      const deadline = Date.now() + 10_000;
      while (taken() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await killWorker(victim);
      const result = await run; // the pipeline's own assertion fails the run on a count lost or counted twice
      log.push(`trial ${trial}: killed after ${delay} ms, at its next task, ran ${Date.now() - started} ms, ${result.stats!.retries} retries`);
      if (result.stats!.retries > 0) retried++;
    }
    if (process.env.SLUICE_FAULT_LOG) console.error(log.join("\n"));
    expect(retried, `runs that re-ran a killed worker's tasks:\n${log.join("\n")}`).to.be.greaterThanOrEqual(2);
  });
});
