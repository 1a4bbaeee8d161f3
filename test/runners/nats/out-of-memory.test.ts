/**
 * A NATS worker's serving process that runs out of heap: its heap is capped by `--memoryMb` (the job's, for
 * `--localWorkers`), and a DoFn that outgrows it fails the run with one line saying so and what to raise, naming
 * the step, not V8's crash report and not a lost worker retried for ever.
 */
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { privateNats, runPipelineOn } from "./shared-cluster.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/hoarding-element.ts", import.meta.url));

// Not tagged [nats]: a cluster of its own, so that the job's one slot is bound to the worker it starts.
describe("NATS runner: a worker out of memory", function () {
  this.timeout(180_000);
  const cluster = privateNats({ nodes: 1 });

  it("fails the run naming the cause and the option to raise, without V8's report", async () => {
    const { code, stderr } = await runPipelineOn(cluster(), FIXTURE, ["--localWorkers", "1", "--memoryMb", "16", "--maxAttempts", "1", "--quiet"]);
    expect(code, stderr).to.not.equal(0);
    expect(stderr).to.match(/ran out of memory: its heap is capped at 144 MiB/);
    expect(stderr).to.match(/raise the workers' --memoryMb/);
    expect(stderr).to.include("Hoard");
    expect(stderr).to.not.include("Last few GCs");
    expect(stderr).to.not.include("Native stack trace");
  });
});
