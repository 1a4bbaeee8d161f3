/**
 * A worker process: runs tasks sent by the coordinator over the IPC channel, with blobs in files. It exits when
 * the coordinator goes away, so no worker outlives its job's process: on 'disconnect' when idle, and through a
 * watching thread (`parent-watch.mjs`) when busy.
 * @module
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import { WorkerRuntime } from "../shared/worker-runtime.js";
import type { TaskEnvelope } from "../shared/protocol.js";
import { FileBlobs } from "./file-blobs.js";

/** A request from the coordinator. */
export interface TaskRequest {
  readonly id: number;
  readonly envelope: TaskEnvelope;
}

const runtimes = new Map<string, WorkerRuntime>();

/** One runtime per job directory, so a job's blobs land in its own folder. */
function runtimeFor(envelope: TaskEnvelope): WorkerRuntime {
  const dir = path.join(envelope.job.options.tempDir, `job-${envelope.job.jobId}`, `worker-${process.pid}`);
  let runtime = runtimes.get(dir);
  if (!runtime) runtimes.set(dir, (runtime = new WorkerRuntime(new FileBlobs(dir), { spillDir: () => path.join(dir, "spill") })));
  return runtime;
}

process.on("message", (message: TaskRequest) => {
  const runtime = runtimeFor(message.envelope);
  void runtime.run(message.envelope).then((result) => {
    if (message.envelope.task.kind === "teardown") runtimes.clear();
    process.send!({ id: message.id, result });
  });
});
process.on("disconnect", () => process.exit(0));
// How often the watching thread checks that the coordinator is alive: a busy orphan dies within this.
const PARENT_POLL_MS = 250;
new Worker(new URL("./parent-watch.mjs", import.meta.url), { workerData: { parentPid: process.ppid, intervalMs: PARENT_POLL_MS } }).unref();
process.send!({ ready: true });
