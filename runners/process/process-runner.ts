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
import { PoolCache, runOnPool } from "../shared/run-on-pool.js";
import { parallelRunnerUnsupportedFeatures } from "../shared/unsupported.js";
import { releaseFileBlob } from "./file-blobs.js";
import { ProcessWorkerPool } from "./process-pool.js";

/** Warm pools by size and memory budget (the budget sets the workers' heap cap): a worker starts in ~0.3 s. */
const pools = new PoolCache((key) => {
  const [size, memoryMb] = key.split("/").map(Number);
  return new ProcessWorkerPool(size!, memoryMb!);
});

/** Stops the kept idle worker processes (tests that need fresh workers, e.g. to measure their memory). */
export function closeIdlePools(): Promise<void> {
  return pools.closeAll();
}

/** The pool the last run used, for fault-injection tests that kill its workers. */
export let lastPool: ProcessWorkerPool | undefined;

export class ProcessRunner implements Runner {
  readonly name = "process";

  unsupportedFeatures(job: Job): string[] {
    return parallelRunnerUnsupportedFeatures(job);
  }

  async run(job: Job): Promise<PipelineResult> {
    const { parallelism, memoryMb, tempDir } = job.options;
    const key = `${parallelism}/${memoryMb}`;
    const pool = pools.acquire(key);
    lastPool = pool;
    try {
      return await runOnPool(job, pool, { retryUserErrors: true, release: releaseFileBlob }, (jobId) =>
        fs.rmSync(path.join(tempDir, `job-${jobId}`), { recursive: true, force: true }),
      );
    } finally {
      pools.release(key, pool);
    }
  }
}
