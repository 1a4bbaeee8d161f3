/**
 * A run waiting on user code that can never settle (with `--taskTimeout 0`, so no timer bounds it) used to let
 * the process exit 0 with no output once the event loop drained. It must fail, naming the step and the method.
 * Each test spawns the pipeline as a process of its own: mocha's timers would keep this one's event loop busy.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const FIXTURE = fileURLToPath(new URL("./fixtures/never-settles.ts", import.meta.url));

function runFixture(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", FIXTURE, "--taskTimeout", "0", "--quiet", ...args], { timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stderr });
    });
  });
}

describe("a run whose event loop drains before it finishes", function () {
  this.timeout(90_000);

  it("fails naming the step and the method it awaited (direct runner, a DoFn's setup)", async () => {
    const { code, stderr } = await runFixture(["--runner", "direct", "--what", "setup"]);
    expect(code, stderr).to.equal(1);
    expect(stderr).to.match(/^error: step 'Connect' failed: TaskTimeoutError: setup never settled: it returned a promise, but nothing is left that could settle it/);
    expect(stderr).to.match(/step applied at .*never-settles\.ts/);
  });

  it("fails naming the step and the method it awaited (threads runner, a source's split on the coordinator)", async () => {
    const { code, stderr } = await runFixture(["--runner", "threads", "--parallelism", "1", "--what", "split"]);
    expect(code, stderr).to.equal(1);
    expect(stderr).to.match(/^error: step 'Stuck' failed: TaskTimeoutError: split never settled/);
  });
});
