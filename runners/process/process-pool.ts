/**
 * The process runner's transport: one child process per worker slot, forked from a JavaScript entry that loads
 * the TypeScript worker runtime. Tasks and results travel over the IPC channel (small: they carry references to
 * blob files); a child that exits or is killed fails its task with {@link WorkerLostError} and is replaced on
 * the next task. Idle children are unref'd, so a kept pool never holds the parent open.
 * @module
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TaskEnvelope, TaskResult } from "../shared/protocol.js";
import { WorkerLostError, type WorkerPool } from "../shared/worker-pool.js";

const ENTRY = fileURLToPath(new URL("./process-worker.mjs", import.meta.url));

interface Pending {
  resolve(result: TaskResult): void;
  reject(error: Error): void;
}

/** One worker process, started lazily and again after it dies. */
class Slot {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  busy = false;

  constructor(
    private readonly index: number,
    /** The worker's JavaScript heap cap, in MiB. */
    private readonly heapMb: number,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async run(envelope: TaskEnvelope): Promise<TaskResult> {
    const child = await this.start();
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    const id = this.nextId++;
    try {
      return await new Promise<TaskResult>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        child.send({ id, envelope }, (e) => {
          if (e) {
            this.pending.delete(id);
            reject(new WorkerLostError(`could not send a task to worker process ${this.index}: ${e.message}`));
          }
        });
      });
    } finally {
      if (this.pending.size === 0 && this.child === child) {
        child.unref();
        (child.channel as { unref?: () => void } | undefined)?.unref?.();
      }
    }
  }

  stop(): void {
    this.child?.kill("SIGKILL");
  }

  private start(): Promise<ChildProcess> {
    if (this.child && this.ready) return this.ready.then(() => this.child!);
    const child = fork(ENTRY, [], {
      serialization: "advanced",
      execArgv: [`--max-old-space-size=${this.heapMb}`],
      env: { ...process.env, SLUICE_WORKER: "1" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: unknown) => {
        if ((m as { ready?: boolean })?.ready) {
          child.off("message", onReady);
          resolve();
        }
      };
      child.on("message", onReady);
      child.once("exit", (code, signal) => reject(new WorkerLostError(`worker process ${this.index} exited while starting (${signal ?? code})`)));
    });
    child.on("message", (m: { id?: number; result?: TaskResult }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m.result!);
    });
    child.once("exit", (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.ready = undefined;
      }
      const error = new WorkerLostError(`worker process ${this.index} (pid ${child.pid}) exited (${signal ?? `code ${code}`})`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
    return this.ready.then(() => child);
  }
}

/**
 * What a worker's heap holds beyond the grouping budget: the runtime and the pipeline's code, a decoded blob, the
 * group being emitted, the bundle of outputs in flight and user objects.
 */
export const WORKER_HEAP_OVERHEAD_MB = 128;

export class ProcessWorkerPool implements WorkerPool {
  private readonly slots: Slot[];

  /**
   * @param memoryMb the budget for buffered grouping state; each worker's heap is capped at it plus
   *   {@link WORKER_HEAP_OVERHEAD_MB}, so a worker that outgrows it fails (and its bundle is retried) instead of
   *   taking the machine's memory.
   */
  constructor(
    readonly size: number,
    readonly memoryMb: number,
  ) {
    this.slots = Array.from({ length: size }, (_, i) => new Slot(i, memoryMb + WORKER_HEAP_OVERHEAD_MB));
  }

  /** The worker processes' ids (for fault-injection tests). */
  pids(): number[] {
    return this.slots.map((s) => s.pid).filter((p): p is number => p !== undefined);
  }

  async run(envelope: TaskEnvelope): Promise<TaskResult> {
    const slot = this.slots.find((s) => !s.busy) ?? this.slots[0]!;
    slot.busy = true;
    try {
      return await slot.run(envelope);
    } finally {
      slot.busy = false;
    }
  }

  async runOnEach(envelope: TaskEnvelope): Promise<void> {
    await Promise.allSettled(this.slots.filter((s) => s.pid !== undefined).map((s) => s.run(envelope)));
  }

  async close(): Promise<void> {
    for (const s of this.slots) s.stop();
  }
}
