/**
 * A job leaves none of its messages in the shared streams, even when a worker answers after its coordinator
 * stopped waiting (a DoFn's teardown slower than the 15 s it is given): the answer lands after the job's messages
 * were purged, and the worker that published it purges it.
 */
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { startNatsCluster, type NatsCluster } from "./nats-cluster.js";
import { natsUnavailable, runPipelineOn, startWorkers, waitForWorkers } from "./shared-cluster.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/slow-teardown.ts", import.meta.url));

/** The subjects of jobs' messages left in the shared streams. */
async function leftSubjects(cluster: NatsCluster): Promise<string[]> {
  const nc = await connect({ servers: [...cluster.servers], user: cluster.user, pass: cluster.password });
  try {
    const jsm = await jetstreamManager(nc);
    const subjects: string[] = [];
    for (const stream of ["SLUICE_WORK", "SLUICE_DATA"]) {
      const info = await jsm.streams.info(stream, { subjects_filter: "sluice.>" });
      subjects.push(...Object.keys(info.state.subjects ?? {}));
    }
    return subjects;
  } finally {
    await nc.close();
  }
}

// Not tagged [nats]: a cluster of its own, whose streams no other test's job writes to meanwhile.
describe("NATS runner: a job's messages", function () {
  this.timeout(120_000);
  let cluster: NatsCluster | undefined;

  before(async function () {
    if (natsUnavailable()) this.skip();
    cluster = await startNatsCluster({ nodes: 1 });
    const options = { servers: cluster.servers.join(","), user: cluster.user, password: cluster.password };
    // Workers of their own, not --localWorkers: those stop with the run, before its slow task could answer.
    startWorkers(options, 2);
    await waitForWorkers(options, 2);
  });
  after(async () => cluster?.stop());

  it("are all purged, a teardown answered after the job ended too", async () => {
    const { code, stderr } = await runPipelineOn(cluster!, FIXTURE, ["--parallelism", "2", "--quiet"]);
    expect(code, stderr).to.equal(0);
    // The teardown answers about 2 s after the job ended: what it leaves, it leaves by then.
    await new Promise((r) => setTimeout(r, 5000));
    let left = await leftSubjects(cluster!);
    for (const deadline = Date.now() + 10_000; left.length > 0 && Date.now() < deadline; left = await leftSubjects(cluster!)) {
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(left).to.deep.equal([]);
  });
});
