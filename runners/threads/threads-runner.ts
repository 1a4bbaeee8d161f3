/**
 * The threads runner: the pipeline's stages run as bundles on a pool of worker threads (piscina), one per core
 * by default, coordinated from the main thread by the shared coordinator. For CPU-heavy pipelines.
 * @module
 */
import type { Job, PipelineResult, Runner } from "../../sdk/runner-api.js";
import { Coordinator, type Progress } from "../shared/coordinator.js";
import { createProgressDisplay } from "../shared/progress.js";
import { formatStats } from "../shared/stats-report.js";
import { parallelRunnerUnsupportedFeatures } from "../shared/unsupported.js";
import { PiscinaWorkerPool, shareBlob } from "./piscina-pool.js";

/**
 * Idle pools by size, kept warm for the next run in this process: starting a worker thread (loading the
 * TypeScript runtime and the pipeline) costs a few hundred milliseconds. Idle piscina threads are unref'd, so a
 * kept pool never holds the process open.
 */
const idlePools = new Map<number, PiscinaWorkerPool[]>();

function acquirePool(size: number): PiscinaWorkerPool {
  return idlePools.get(size)?.pop() ?? new PiscinaWorkerPool(size);
}

function releasePool(pool: PiscinaWorkerPool): void {
  const list = idlePools.get(pool.size) ?? [];
  list.push(pool);
  idlePools.set(pool.size, list);
}

export class ThreadsRunner implements Runner {
  readonly name = "threads";

  unsupportedFeatures(job: Job): string[] {
    return parallelRunnerUnsupportedFeatures(job);
  }

  async run(job: Job): Promise<PipelineResult> {
    const { parallelism, maxAttempts, quiet } = job.options;
    const pool = acquirePool(parallelism);
    const progress = createProgressDisplay({ quiet });
    let coordinator: Coordinator | undefined;
    try {
      coordinator = new Coordinator(job, pool, {
        partitions: parallelism * 2,
        maxAttempts,
        share: shareBlob,
        ...(progress ? { onProgress: (p: Progress) => progress.update(p) } : {}),
      });
      const result = await coordinator.run();
      if (job.options.stats && result.stats) process.stderr.write(`${formatStats(result.stats, result.durationMs)}\n`);
      return result;
    } finally {
      progress?.stop();
      // Every DoFn is torn down after success or failure; the threads stay for the next run.
      if (coordinator) await pool.runOnEach(coordinator.teardownEnvelope());
      releasePool(pool);
    }
  }
}
