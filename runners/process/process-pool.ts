/**
 * The process runner's transport: one child process per worker slot, forked from a JavaScript entry that loads
 * the TypeScript worker runtime. Tasks and results travel over the IPC channel (small: they carry references to
 * blob files); a child that exits or is killed fails its task with {@link WorkerLostError} and is replaced on
 * the next task. Idle children are unref'd, so a kept pool never holds the parent open. A child that does not
 * answer a task within its deadline (`--taskTimeout`) is presumed hung: it is killed and the task fails naming its
 * step (`hung-tasks.ts`). Children watch for their coordinator's death themselves (`parent-watch.mjs`).
 * @module
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TaskEnvelope, TaskResult } from "../shared/protocol.js";
import { WorkerLostError, type WorkerPool } from "../shared/worker-pool.js";
import { hungTaskResult, taskDeadlineMs, TaskLine } from "../shared/hung-tasks.js";
import { runnerEnvironment } from "../../sdk/files/private-dir.js";
import { heapLimitArgs, outOfMemoryMessage, passStderr, ranOutOfMemory, WORKER_HEAP_OVERHEAD_MB } from "../shared/heap-limit.js";

/**
 * `SLUICE_CPU_PROF=<dir>`: each worker process writes a V8 CPU profile there (`node --cpu-prof` covers only the
 * process it starts and its threads, so the threads runner's workers need nothing; Node refuses it in NODE_OPTIONS).
 */
const CPU_PROFILE_DIR = process.env.SLUICE_CPU_PROF;

const ENTRY = fileURLToPath(new URL("./process-worker.mjs", import.meta.url));

interface Pending {
  resolve(result: TaskResult): void;
  reject(error: Error): void;
}

/** One child process and the tasks sent to it (so a dead child fails only its own tasks). */
interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly pending: Map<number, Pending>;
}

/** One worker process, started lazily and again after it dies. */
class Slot {
  private worker: Worker | undefined;
  /**
   * Set by {@link kill} (an interrupted run): no worker starts again, so a task the engine retries after its
   * worker was killed cannot write into a run being cleaned up; such a task waits for the process's end.
   */
  private killed = false;
  private nextId = 0;
  /** The tasks sent to this slot's worker, which runs them in turn: their deadlines count from their turn. */
  private readonly line = new TaskLine();

  constructor(
    private readonly index: number,
    /** The worker's grouping budget (--memoryMb): its heap is capped at it plus the overhead. */
    private readonly memoryMb: number,
  ) {}

  get pid(): number | undefined {
    return this.worker?.child.pid;
  }

  /** Whether the worker process is alive with no task sent to it. */
  get idle(): boolean {
    return this.worker !== undefined && this.worker.pending.size === 0;
  }

  async run(envelope: TaskEnvelope): Promise<TaskResult> {
    // Interrupted: the process ends by the signal once the run is cleaned up. A task failed here would be retried
    // until the job failed, ending the process with that failure first, so it never settles.
    if (this.killed) return new Promise<never>(() => undefined);
    const worker = this.start();
    const { child, pending } = worker;
    // Ref'd before waiting for it to be ready: a warmed worker is unref'd, and the run must not exit meanwhile.
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    (child.stderr as { ref?: () => void } | null)?.ref?.();
    await worker.ready;
    const id = this.nextId++;
    const task = new Promise<TaskResult>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ id, envelope }, (e) => {
        if (e) {
          pending.delete(id);
          // The channel is gone (the process died and its exit is not processed yet): never reuse this child.
          this.discard(worker);
          reject(new WorkerLostError(`could not send a task to worker process ${this.index}: ${e.message}`));
        }
      });
    });
    try {
      return await this.line.watch(task, taskDeadlineMs(envelope), () => {
        // Presumed hung (a busy loop never answers): fail the task as such, and kill the child.
        const p = pending.get(id);
        if (!p) return;
        pending.delete(id);
        p.resolve(hungTaskResult(envelope));
        this.discard(worker);
      });
    } finally {
      if (pending.size === 0 && this.worker === worker) unrefWorker(worker);
    }
  }

  /** Starts the worker process now, so that its start-up overlaps the coordinator's; it keeps no run alive. */
  warm(): void {
    unrefWorker(this.start());
  }

  stop(): void {
    if (!this.worker) return;
    // Profiling: an idle worker exits on disconnect, which lets it write its profile; a kill would not.
    if (CPU_PROFILE_DIR && this.worker.child.connected) {
      this.worker.child.disconnect();
      this.worker = undefined;
    } else {
      this.discard(this.worker);
    }
  }

  /**
   * Kills the worker process, if any, for good (none starts again, and tasks sent later never settle), and waits
   * (at most 2 s) until it has exited.
   */
  async kill(): Promise<void> {
    this.killed = true;
    const worker = this.worker;
    if (!worker) return;
    const { child } = worker;
    const exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            setTimeout(resolve, 2000).unref();
          });
    this.discard(worker);
    await exited;
  }

  /** Forgets a worker whose channel is closed or that must go, so the next task starts a new process. */
  private discard(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    worker.child.kill("SIGKILL");
  }

  private start(): Worker {
    if (this.worker && !this.worker.child.connected) this.discard(this.worker);
    if (this.worker) return this.worker;
    const child = fork(ENTRY, [], {
      serialization: "advanced",
      execArgv: [...heapLimitArgs(this.memoryMb), ...(CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [])],
      env: { ...process.env, SLUICE_WORKER: "1", ...runnerEnvironment(process.pid) },
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    // The worker's stderr goes on to ours, but for V8's report of running out of heap: the exit below says it in
    // one line, with the fix.
    const stderr = passStderr(child.stderr!);
    const pending = new Map<number, Pending>();
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: unknown) => {
        if ((m as { ready?: boolean })?.ready) {
          child.off("message", onReady);
          resolve();
        }
      };
      child.on("message", onReady);
      child.once("exit", (code, signal) => reject(new WorkerLostError(`worker process ${this.index} exited while starting (${signal ?? code})`)));
    });
    ready.catch(() => undefined); // a start failure is reported to the task that awaits it
    const worker: Worker = { child, ready, pending };
    child.on("message", (m: { id?: number; result?: TaskResult }) => {
      if (m.id === undefined) return;
      const p = pending.get(m.id);
      pending.delete(m.id);
      p?.resolve(m.result!);
    });
    // A child without a channel can do no more work: make sure it exits, which fails its pending tasks.
    child.once("disconnect", () => this.discard(worker));
    child.once("exit", (code, signal) => {
      if (this.worker === worker) this.worker = undefined;
      const error = new WorkerLostError(
        ranOutOfMemory(stderr, code, signal)
          ? outOfMemoryMessage(`worker process ${this.index} (pid ${child.pid})`, this.memoryMb, "--memoryMb", "--parallelism")
          : `worker process ${this.index} (pid ${child.pid}) exited (${signal ?? `code ${code}`})`,
      );
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    this.worker = worker;
    return worker;
  }
}

/** Lets the coordinator exit while this worker is idle (a task refs it again). */
function unrefWorker({ child }: Worker): void {
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
}

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
    this.slots = Array.from({ length: size }, (_, i) => new Slot(i, memoryMb));
    // Every worker starts now rather than at its first task: a stage of one task would otherwise leave the next
    // stage to wait for the other workers' start-up (~0.3 s each), one after the other.
    for (const slot of this.slots) slot.warm();
  }

  /** The worker processes' ids (for fault-injection tests). */
  pids(): number[] {
    return this.slots.map((s) => s.pid).filter((p): p is number => p !== undefined);
  }

  /** The ids of worker processes with no task in hand (for fault-injection tests: a death between tasks). */
  idlePids(): number[] {
    return this.slots.filter((s) => s.idle).map((s) => s.pid!);
  }

  run(envelope: TaskEnvelope, slot: number): Promise<TaskResult> {
    return this.slots[slot]!.run(envelope);
  }

  async runOnEach(envelope: TaskEnvelope): Promise<void> {
    await Promise.allSettled(this.slots.filter((s) => s.pid !== undefined).map((s) => s.run(envelope)));
  }

  async close(): Promise<void> {
    for (const s of this.slots) s.stop();
  }

  /** Kills every worker process and waits until they have exited (an interrupted run, before it cleans up). */
  async kill(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.kill()));
  }
}
