/**
 * The threads runner's transport: one single-thread piscina pool per worker slot. Piscina restarts a thread
 * that dies; one pool per slot lets the coordinator reach every worker (to tear its DoFns down) and know which
 * slot a task ran on. A thread that does not answer a task within its deadline (`--taskTimeout`) is presumed
 * hung: it is terminated (piscina starts another) and the task fails naming its step (`hung-tasks.ts`).
 * @module
 */
import { Piscina } from "piscina";
import type { TaskEnvelope, TaskResult } from "../shared/protocol.js";
import { WorkerLostError, type WorkerPool } from "../shared/worker-pool.js";
import { hungTaskResult, taskDeadlineMs, TaskLine } from "../shared/hung-tasks.js";

export class PiscinaWorkerPool implements WorkerPool {
  private readonly slots: Piscina[];
  /** Each slot's tasks in the order sent, for their deadlines. */
  private readonly lines: TaskLine[];

  constructor(
    readonly size: number,
    options: { readonly memoryMb?: number } = {},
  ) {
    const filename = new URL("./threads-worker.mjs", import.meta.url).href;
    this.slots = Array.from(
      { length: size },
      () =>
        new Piscina({
          filename,
          minThreads: 1,
          maxThreads: 1,
          idleTimeout: 2 ** 31 - 1,
          ...(options.memoryMb ? { resourceLimits: { maxOldGenerationSizeMb: options.memoryMb } } : {}),
        }),
    );
    this.lines = this.slots.map(() => new TaskLine());
  }

  async run(envelope: TaskEnvelope, slot: number): Promise<TaskResult> {
    try {
      return await this.runOn(slot, envelope);
    } catch (e) {
      throw new WorkerLostError(`worker thread ${slot} stopped: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }

  async runOnEach(envelope: TaskEnvelope): Promise<void> {
    await Promise.allSettled(this.slots.map((_, i) => this.runOn(i, envelope)));
  }

  /** Runs a task on one slot; past its deadline the thread is terminated and the task fails as hung. */
  private async runOn(slot: number, envelope: TaskEnvelope): Promise<TaskResult> {
    const abort = new AbortController();
    let hung = false;
    const task = this.slots[slot]!.run(envelope, { signal: abort.signal }) as Promise<TaskResult>;
    try {
      return await this.lines[slot]!.watch(task, taskDeadlineMs(envelope), () => {
        hung = true;
        abort.abort(); // piscina terminates a running task's thread and starts a new one
      });
    } catch (e) {
      if (hung) return hungTaskResult(envelope);
      throw e;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.slots.map((s) => s.destroy()));
  }
}

/** A copy of a blob in shared memory: sent to many workers without being copied for each. */
export function shareBlob<T>(blob: T): T {
  if (!(blob instanceof Uint8Array)) return blob;
  const shared = new Uint8Array(new SharedArrayBuffer(blob.byteLength));
  shared.set(blob);
  return shared as T;
}
