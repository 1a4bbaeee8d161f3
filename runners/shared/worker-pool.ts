/**
 * The seam between the coordinator and a transport: a pool of worker slots that run tasks. Threads and processes
 * implement it; the coordinator never knows which it drives.
 * @module
 */
import type { TaskEnvelope, TaskResult } from "./protocol.js";

/** A worker that died or could not be reached: the task may be retried elsewhere. */
export class WorkerLostError extends Error {
  override name = "WorkerLostError";
}

export interface WorkerPool {
  /** How many tasks can run at once. */
  readonly size: number;
  /**
   * Runs a task on the worker in `slot` (0 to `size - 1`), after the tasks already sent to it: the coordinator
   * picks the slot, so that a key group's tasks reach the worker that holds its state. Resolves with the task's
   * result (which carries user-code errors as data); rejects with {@link WorkerLostError} when the worker died or
   * the transport failed.
   */
  run(envelope: TaskEnvelope, slot: number): Promise<TaskResult>;
  /** Runs a task on every live worker (teardown). Never rejects. */
  runOnEach(envelope: TaskEnvelope): Promise<void>;
  /** Stops every worker. */
  close(): Promise<void>;
}
