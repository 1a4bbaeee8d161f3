/**
 * What every parallel runner does around the coordinator: a warm pool, the progress display, the run, `--stats`,
 * and tearing every worker's DoFns down after success or failure. A runner adds only its transport.
 * @module
 */
import type { Job, PipelineResult } from "../../sdk/runner-api.js";
import { Coordinator, type CoordinatorOptions } from "./coordinator.js";
import { createProgressDisplay } from "../core/progress-display.js";
import { runWithUi } from "../ui/start-ui.js";
import { reportRun } from "../core/run-report.js";
import type { WorkerPool } from "./worker-pool.js";
import { guardEventLoop } from "../core/liveness.js";
import { nameTasksOf } from "./hung-tasks.js";
import { parallelOptions } from "./parallel-options.js";

/**
 * Idle pools kept warm for the next run in this process, by a key of what makes pools interchangeable (starting
 * workers costs a few hundred milliseconds). Idle workers are unref'd by their pools, so kept pools never hold
 * the process open.
 */
export class PoolCache<P extends WorkerPool> {
  private readonly idle = new Map<string, P[]>();

  constructor(private readonly create: (key: string) => P) {}

  acquire(key: string): P {
    return this.idle.get(key)?.pop() ?? this.create(key);
  }

  /** Starts a pool for `key` now unless one is idle, for a run about to acquire it (`Runner.prepare`). */
  prestart(key: string): void {
    if (!this.idle.get(key)?.length) this.release(key, this.create(key));
  }

  release(key: string, pool: P): void {
    const list = this.idle.get(key) ?? [];
    list.push(pool);
    this.idle.set(key, list);
  }

  /** Stops every kept pool. */
  async closeAll(): Promise<void> {
    const pools = [...this.idle.values()].flat();
    this.idle.clear();
    await Promise.all(pools.map((p) => p.close()));
  }
}

/** The transport-specific part of a run. */
export type TransportOptions = Pick<CoordinatorOptions, "share" | "release" | "retryUserErrors">;

/**
 * Runs a job on a pool: coordinator, progress display, `--stats`, and teardown of every worker's DoFns whatever
 * the outcome. `afterRun` cleans up transport state (e.g. the job's temporary directory), also whatever the
 * outcome.
 */
export async function runOnPool(
  job: Job,
  pool: WorkerPool,
  transport: TransportOptions,
  afterRun?: (jobId: string) => void,
): Promise<PipelineResult> {
  const { parallelism, maxAttempts, quiet } = parallelOptions(job.options);
  let coordinator: Coordinator | undefined;
  const progress = createProgressDisplay({ quiet, snapshot: () => coordinator?.progress() ?? { stages: [], retries: 0 } });
  let forgetNames: (() => void) | undefined;
  try {
    coordinator = new Coordinator(job, pool, {
      // Key groups per stage: more spread a stream's state finer (it spills a key group at a time on the process
      // runner) and balance better; each costs a task per firing wave, so not many more.
      partitions: parallelism * 4,
      maxAttempts,
      ...transport,
      ...(progress ? { onProgress: () => progress.refresh() } : {}),
    });
    // So that a pool can name a hung task after its steps.
    forgetNames = nameTasksOf(coordinator.jobId, job.graph);
    const running = coordinator;
    // A coordinator awaiting user code that never settles (a source's split with --taskTimeout 0) fails, not exits 0.
    const result = await runWithUi(job, String(job.options.runner), () => running.progress(), () => guardEventLoop(running.run(), job.graph));
    reportRun(result, job.options);
    return result;
  } finally {
    progress?.stop();
    if (coordinator) {
      await pool.runOnEach(coordinator.teardownEnvelope());
      afterRun?.(coordinator.jobId);
    }
    forgetNames?.();
  }
}
