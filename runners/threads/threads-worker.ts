/**
 * What runs in each worker thread: the shared worker runtime over in-memory blobs.
 * @module
 */
import { WorkerRuntime } from "../shared/worker-runtime.js";
import type { BlobRef, TaskEnvelope, TaskResult } from "../shared/protocol.js";

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

/** Runs one task (piscina calls this). */
export function handleTask(envelope: TaskEnvelope): Promise<TaskResult> {
  return runtime.run(envelope);
}
