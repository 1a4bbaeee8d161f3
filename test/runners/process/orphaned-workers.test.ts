/**
 * Worker processes never outlive their coordinator: killed with SIGKILL, it cannot tell them to stop, and a worker
 * busy in user code does not see its IPC channel close, so each worker watches its parent itself.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const FIXTURE = fileURLToPath(new URL("./fixtures/busy-worker.ts", import.meta.url));

/** Whether `pid` is a live process (a zombie, dead but not yet reaped by its new parent, counts as gone). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return fs.existsSync(`/proc/${pid}`) || process.platform !== "linux";
  }
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("process runner: workers of a coordinator killed with SIGKILL", function () {
  this.timeout(90_000);
  let dir: string;
  let pids: number[] = [];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-orphans-"));
  });
  after(() => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("exit within a few seconds, even while busy in a DoFn", async () => {
    const pidDir = path.join(dir, "pids");
    fs.mkdirSync(pidDir);
    // --taskTimeout 0: no pool deadline, so only the workers' own watch can stop them.
    const args = ["--import", "tsx", FIXTURE, "--runner", "process", "--parallelism", "2", "--taskTimeout", "0", "--quiet"];
    const coordinator = spawn(process.execPath, [...args, "--tempDir", path.join(dir, "tmp"), "--pidDir", pidDir], { stdio: "ignore" });
    const exited = new Promise((resolve) => coordinator.once("exit", resolve));
    try {
      await waitFor("two busy workers", () => fs.readdirSync(pidDir).length >= 2, 60_000);
    } catch (e) {
      coordinator.kill("SIGKILL");
      throw e;
    }
    pids = fs.readdirSync(pidDir).map(Number);
    expect(pids.every(isAlive), "busy workers alive before the kill").to.equal(true);
    coordinator.kill("SIGKILL");
    await exited;
    const killedAt = Date.now();
    await waitFor(`workers ${pids.join(", ")} to exit`, () => !pids.some(isAlive), 5_000);
    expect(Date.now() - killedAt).to.be.below(5_000);
  });
});
