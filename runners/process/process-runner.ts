/**
 * The process runner: the pipeline's stages run as bundles in child processes, coordinated by the shared
 * coordinator; shuffle data, bundles and side inputs live in files under `--tempDir`, so a job's data need not
 * fit in memory, and a worker that dies (crash, `kill -9`, out of memory) costs only its bundle, which is re-run
 * from its inputs while the outputs of finished bundles are kept, as in MapReduce.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import type { Job, PipelineResult, Runner } from "../../sdk/runner-api.js";
import { Coordinator, type Progress } from "../shared/coordinator.js";
import { createProgressDisplay } from "../shared/progress.js";
import { formatStats } from "../shared/stats-report.js";
import { parallelRunnerUnsupportedFeatures } from "../shared/unsupported.js";
import { releaseFileBlob } from "./file-blobs.js";
import { ProcessWorkerPool } from "./process-pool.js";

/** Idle pools by size and memory budget, kept for the next run in this process (a worker starts in ~0.3 s). */
const idlePools = new Map<string, ProcessWorkerPool[]>();

/** Stops the kept idle worker processes (tests that need fresh workers, e.g. to measure their memory). */
export async function closeIdlePools(): Promise<void> {
  const pools = [...idlePools.values()].flat();
  idlePools.clear();
  await Promise.all(pools.map((p) => p.close()));
}

/** The pool the last run used, for fault-injection tests that kill its workers. */
export let lastPool: ProcessWorkerPool | undefined;

export class ProcessRunner implements Runner {
  readonly name = "process";

  unsupportedFeatures(job: Job): string[] {
    return parallelRunnerUnsupportedFeatures(job);
  }

  async run(job: Job): Promise<PipelineResult> {
    const { parallelism, maxAttempts, quiet, tempDir, memoryMb } = job.options;
    const poolKey = `${parallelism}/${memoryMb}`;
    const pool = idlePools.get(poolKey)?.pop() ?? new ProcessWorkerPool(parallelism, memoryMb);
    lastPool = pool;
    const progress = createProgressDisplay({ quiet });
    let coordinator: Coordinator | undefined;
    try {
      coordinator = new Coordinator(job, pool, {
        partitions: parallelism * 2,
        maxAttempts,
        retryUserErrors: true,
        release: releaseFileBlob,
        ...(progress ? { onProgress: (p: Progress) => progress.update(p) } : {}),
      });
      const result = await coordinator.run();
      if (job.options.stats && result.stats) process.stderr.write(`${formatStats(result.stats, result.durationMs)}\n`);
      return result;
    } finally {
      progress?.stop();
      if (coordinator) {
        await pool.runOnEach(coordinator.teardownEnvelope());
        fs.rmSync(path.join(tempDir, `job-${coordinator.jobId}`), { recursive: true, force: true });
      }
      const list = idlePools.get(poolKey) ?? [];
      list.push(pool);
      idlePools.set(poolKey, list);
    }
  }
}
