/**
 * An interrupted run kills its worker processes before it cleans up: a task the engine retries meanwhile (its
 * worker was just killed) must not start a new worker, which would write into the run being removed and leave its
 * files behind (seen in CI as a writeText temporary directory left after SIGINT).
 */
import { expect } from "chai";
import { ProcessWorkerPool } from "../../../runners/process/process-pool.js";
import type { TaskEnvelope } from "../../../runners/shared/protocol.js";

describe("process runner: a killed worker pool", function () {
  this.timeout(30_000);

  it("starts no worker again: a task sent after the kill waits, unsettled, for the process's end", async () => {
    const pool = new ProcessWorkerPool(2, 64);
    expect(pool.pids()).to.have.length(2); // warmed at once
    await pool.kill();
    expect(pool.pids()).to.deep.equal([]);
    // Not failed either: the engine would retry it until the job failed, ending the process before its signal.
    // Held back before the envelope is looked at: any task would do.
    const task = pool.run({} as TaskEnvelope, 0).then(
      () => "settled",
      (e: unknown) => `failed: ${(e as Error).message}`,
    );
    const outcome = await Promise.race([task, new Promise((r) => setTimeout(() => r("pending"), 1000))]);
    expect(outcome).to.equal("pending");
    expect(pool.pids()).to.deep.equal([]);
  });
});
