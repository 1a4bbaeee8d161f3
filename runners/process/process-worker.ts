/**
 * A worker process: runs tasks sent by the coordinator over the IPC channel, with blobs in files. It exits when
 * the coordinator goes away, so no worker outlives its job's process: on 'disconnect' when idle, and through a
 * watcher outside its main thread when busy (see {@link watchParent}).
 * @module
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { setRunDir } from "../../sdk/files/private-dir.js";
import { WorkerRuntime } from "../shared/worker-runtime.js";
import type { TaskEnvelope } from "../shared/protocol.js";
import { FileBlobs } from "./file-blobs.js";
import { parallelOptions } from "../shared/parallel-options.js";

/** A request from the coordinator. */
export interface TaskRequest {
  readonly id: number;
  readonly envelope: TaskEnvelope;
}

const runtimes = new Map<string, WorkerRuntime>();

/**
 * One runtime per run, so a run's blobs land in its own folder: `worker-<pid>` in the run's private directory
 * (the runner passes it as `--tempDir`), where this worker's sinks also register their private directories.
 */
function runtimeFor(envelope: TaskEnvelope): WorkerRuntime {
  const runDir = parallelOptions(envelope.job.options).tempDir;
  setRunDir(runDir);
  const dir = path.join(runDir, `worker-${process.pid}`);
  let runtime = runtimes.get(dir);
  if (!runtime) {
    const spillDir = () => {
      ensureDir(dir);
      return path.join(dir, "spill");
    };
    runtimes.set(dir, (runtime = new WorkerRuntime(new FileBlobs(dir), { spillDir })));
  }
  return runtime;
}

/** Makes `dir` (0700) unless it exists; its parent, the run directory, must exist: a finished run's stays gone. */
export function ensureDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
}

process.on("message", (message: TaskRequest) => {
  const runtime = runtimeFor(message.envelope);
  void runtime.run(message.envelope).then((result) => {
    if (message.envelope.task.kind === "teardown") runtimes.clear();
    process.send!({ id: message.id, result });
  });
});
process.on("disconnect", () => process.exit(0));
// How often the watcher checks that the coordinator is alive: a busy orphan dies within this.
const PARENT_POLL_MS = 250;

/**
 * Kills this process once its coordinator is gone, even while the main thread is busy in user code. On POSIX a
 * shell loop does it (a few milliseconds to start, where a watching thread costs a Node environment, ~80 ms of CPU
 * per worker, at the moment every worker and the coordinator start at once); it exits with the worker, and only
 * kills the worker while the worker is still there. Elsewhere, or without `sh`, a thread (`parent-watch.mjs`)
 * polls the parent pid.
 */
function watchParent(): void {
  const parentPid = process.ppid;
  const startThread = () => {
    new Worker(new URL("./parent-watch.mjs", import.meta.url), { workerData: { parentPid, intervalMs: PARENT_POLL_MS } }).unref();
  };
  if (process.platform === "win32") return startThread();
  const self = process.pid;
  const script = `while kill -0 ${self} 2>/dev/null; do kill -0 ${parentPid} 2>/dev/null || { kill -9 ${self}; exit 0; }; sleep ${PARENT_POLL_MS / 1000}; done`;
  const watcher = spawn("sh", ["-c", script], { stdio: "ignore" });
  watcher.once("error", startThread);
  watcher.unref();
}

watchParent();
process.send!({ ready: true });
