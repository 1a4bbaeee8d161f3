/**
 * A job leaves none of its messages in the shared streams, even when a worker answers after its coordinator
 * stopped waiting (a DoFn's teardown slower than the 15 s it is given): the answer lands after the job's messages
 * were purged, and the worker that published it purges it.
 */
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { killWorker, leftSubjects, optionsOf, privateNats, runPipelineOn, startWorkers, waitForWorkers } from "./shared-cluster.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/slow-teardown.ts", import.meta.url));

// Not tagged [nats]: a cluster of its own, whose streams no other test's job writes to meanwhile.
describe("NATS runner: a job's messages", function () {
  this.timeout(120_000);
  const cluster = privateNats({ nodes: 1 });
  let workers: ChildProcess[] = [];

  before(async () => {
    // Workers of their own, not --localWorkers: those stop with the run, before its slow task could answer.
    workers = startWorkers(optionsOf(cluster()), 2);
    await waitForWorkers(optionsOf(cluster()), 2);
  });
  after(async () => Promise.all(workers.map(killWorker)));

  it("are all purged, a teardown answered after the job ended too", async () => {
    const { code, stderr } = await runPipelineOn(cluster(), FIXTURE, ["--parallelism", "2", "--quiet"]);
    expect(code, stderr).to.equal(0);
    // The teardown answers about 2 s after the job ended: what it leaves, it leaves by then.
    await new Promise((r) => setTimeout(r, 5000));
    const options = optionsOf(cluster());
    let left = await leftSubjects(options);
    for (const deadline = Date.now() + 10_000; left.length > 0 && Date.now() < deadline; left = await leftSubjects(options)) {
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(left).to.deep.equal([]);
  });
});
