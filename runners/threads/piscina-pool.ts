/**
 * The threads runner's transport: one single-thread piscina pool per worker slot. Piscina restarts a thread
 * that dies; one pool per slot lets the coordinator reach every worker (to tear its DoFns down) and know which
 * slot a task ran on.
 * @module
 */
import { Piscina } from "piscina";
import type { TaskEnvelope, TaskResult } from "../shared/protocol.js";
import { WorkerLostError, type WorkerPool } from "../shared/worker-pool.js";

export class PiscinaWorkerPool implements WorkerPool {
  private readonly slots: Piscina[];

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
  }

  async run(envelope: TaskEnvelope, slot: number): Promise<TaskResult> {
    try {
      return (await this.slots[slot]!.run(envelope)) as TaskResult;
    } catch (e) {
      throw new WorkerLostError(`worker thread ${slot} stopped: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }

  async runOnEach(envelope: TaskEnvelope): Promise<void> {
    await Promise.allSettled(this.slots.map((s) => s.run(envelope)));
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
