/**
 * The direct runner's watchdog for user code that never returns: a synchronous endless loop in `process` cannot
 * be interrupted from the runner's one thread, so a small thread of its own watches it. The runner marks each work
 * item's start and end (with the steps it runs) in shared memory; if one item runs longer than `--taskTimeout`
 * plus a grace (so that a timeout of async user code, which names the method, fires first), the watchdog writes
 * one line naming the steps to stderr and kills the process (SIGKILL: no handler could run on the busy thread)
 * — the only way out of a loop that never yields. The parallel runners' pools do the same by replacing the worker (`runners/shared/hung-tasks.ts`).
 * @module
 */
import { Worker } from "node:worker_threads";

/** Bytes kept of the running work item's description. */
const DESCRIPTION_BYTES = 1024;

/** The watchdog thread: plain JavaScript, so that it starts in a few milliseconds. */
const WATCHDOG_SOURCE = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const state = new Int32Array(workerData.state);
const description = new Uint8Array(workerData.description);
let seen = -1, since = Date.now();
setInterval(() => {
  const now = Date.now();
  const beat = Atomics.load(state, 0);
  if (beat !== seen) { seen = beat; since = now; return; }
  if ((beat & 1) === 0 || now - since < workerData.limitMs) return;
  const length = Atomics.load(state, 1);
  const what = Buffer.from(description.subarray(0, length)).toString("utf8");
  fs.writeSync(2, "error: " + what + " did not finish within " + workerData.timeoutText + " (--taskTimeout): " +
    "it is presumed to loop forever, so the run is stopped\\n");
  process.kill(process.pid, "SIGKILL");
}, Math.min(250, Math.max(10, workerData.limitMs / 4)));
`;

export class Watchdog {
  /** [0]: heartbeat, odd while a work item runs; [1]: bytes of its description. */
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private readonly description = new Uint8Array(new SharedArrayBuffer(DESCRIPTION_BYTES));
  private readonly worker: Worker;

  /** @param timeoutMs `--taskTimeout` in ms (> 0). */
  constructor(timeoutMs: number) {
    const limitMs = timeoutMs + Math.max(5000, timeoutMs / 10);
    this.worker = new Worker(WATCHDOG_SOURCE, {
      eval: true,
      workerData: { state: this.state.buffer, description: this.description.buffer, limitMs, timeoutText: `${timeoutMs / 1000} s` },
    });
    this.worker.unref();
  }

  /** A work item starts running `what` (e.g. `step 'Parse' (with 'Count')`). */
  started(what: string): void {
    const bytes = Buffer.from(what, "utf8").subarray(0, DESCRIPTION_BYTES);
    this.description.set(bytes);
    Atomics.store(this.state, 1, bytes.length);
    Atomics.add(this.state, 0, 1);
  }

  /** The work item finished. */
  finished(): void {
    Atomics.add(this.state, 0, 1);
  }

  /**
   * Stops the thread without waiting for it: a short run ends before the thread has even booted, and waiting for
   * its boot to end it cost ~40 ms of every such run. The thread is unreferenced, so it never keeps a process up.
   */
  stop(): void {
    void this.worker.terminate();
  }
}
