/**
 * A worker that runs out of heap: streaming state spills a key group at a time, so a key group whose state
 * outgrows the heap fails the run, with one clear line saying so and what to do, not V8's crash report.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const FIXTURE = fileURLToPath(new URL("./fixtures/growing-state.ts", import.meta.url));

describe("process runner: a worker out of memory", function () {
  this.timeout(120_000);

  it("fails the run naming the cause and the options to raise, without V8's report", async () => {
    const args = ["--import", "tsx", FIXTURE, "--runner", "process", "--parallelism", "1", "--memoryMb", "16", "--maxAttempts", "1", "--quiet"];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, stderr).to.not.equal(0);
    expect(stderr).to.match(/ran out of memory: its heap is capped at 144 MiB/);
    expect(stderr).to.match(/raise --memoryMb/);
    expect(stderr).to.include("Hoard");
    expect(stderr).to.not.include("Last few GCs");
    expect(stderr).to.not.include("Native stack trace");
  });
});
