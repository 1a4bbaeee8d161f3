/**
 * A job whose data outgrows the cluster's JetStream storage fails with a message that says so, instead of
 * waiting for ever on writes the servers refuse.
 */
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { privateNats, runPipelineOn } from "./shared-cluster.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/large-shuffle.ts", import.meta.url));

// Not tagged [nats]: a cluster of its own, with little storage.
describe("NATS runner: a cluster out of storage", function () {
  this.timeout(240_000);
  const cluster = privateNats({ nodes: 1, maxFileStore: "32MB" });

  it("fails the run naming JetStream's refusal", async () => {
    const { code, stderr } = await runPipelineOn(cluster(), FIXTURE, ["--localWorkers", "1", "--maxAttempts", "1", "--quiet"]);
    expect(code, stderr).to.not.equal(0);
    expect(stderr).to.match(/^error: .*the NATS cluster refused to store it: insufficient resources \(JetStream error \d+; see the servers' max_file_store/m);
  });
});
