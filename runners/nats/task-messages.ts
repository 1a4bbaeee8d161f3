/**
 * The messages between a NATS job's coordinator and its workers, on the job's subjects (`job-resources.ts`).
 * Task and result bodies larger than a message goes into the data stream as a blob, and the message carries its
 * reference.
 * @module
 */
import { emptyResult, type BlobRef, type TaskEnvelope, type TaskResult } from "../shared/protocol.js";

/** A task on the work stream. */
export interface TaskMessage {
  /** The job (its id in the job registry). */
  readonly job: string;
  /** Unique within the job; a retry is a new task. */
  readonly taskId: string;
  readonly envelope?: TaskEnvelope;
  /** The packed envelope, when it did not fit in the message. */
  readonly envelopeBlob?: BlobRef;
}

/** A worker's result, on the job's result subject. */
export interface ResultMessage {
  readonly taskId: string;
  readonly worker: string;
  readonly result?: TaskResult;
  /** The packed result, when it did not fit in the message. */
  readonly resultBlob?: BlobRef;
  /** Instead of a result: why the worker was lost running it (its supervisor says, e.g. out of memory). */
  readonly lost?: string;
}

/** A worker's notice that it started a task (so a lost worker's tasks are retried without waiting for JetStream's ack wait). */
export interface TakenMessage {
  readonly taskId: string;
  readonly worker: string;
}

/** The core-NATS subject of {@link TakenMessage}s. */
export function takenSubject(job: string): string {
  return `sluice.${job}.taken`;
}

/** The result of a task that failed with `message`, before or outside user code. */
export function errorResult(message: string): TaskResult {
  return { ...emptyResult(), error: { message } };
}
