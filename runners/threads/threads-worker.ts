/**
 * What runs in each worker thread: the shared worker runtime over in-memory blobs.
 * @module
 */
import { setRunDir } from "../../sdk/files/private-dir.js";
import { WorkerRuntime } from "../shared/worker-runtime.js";
import type { BlobRef, TaskEnvelope, TaskResult } from "../shared/protocol.js";
import { parallelOptions } from "../shared/parallel-options.js";

function read(ref: BlobRef): Uint8Array {
  if (ref instanceof Uint8Array) return ref;
  throw new Error("internal: the threads runner moves blobs in memory, not in files");
}

const runtime = new WorkerRuntime({
  read,
  // A copy of exactly the encoded bytes: msgpackr's buffers can be views into a larger one, and sending a view
  // would copy the whole underlying buffer to the coordinator.
  write: (bytes) => new Uint8Array(bytes),
});

/**
 * Runs one task (piscina calls this). The runner passes its run directory as the task's `--tempDir`: this
 * thread's private directories register there (a worker thread has its own `process.env`), so the runner
 * removes them when the run ends even if this thread died.
 */
export function handleTask(envelope: TaskEnvelope): Promise<TaskResult> {
  setRunDir(parallelOptions(envelope.job.options).tempDir);
  return runtime.run(envelope);
}
