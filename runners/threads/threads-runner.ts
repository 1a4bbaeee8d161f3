/**
 * The threads runner: the pipeline's stages run as bundles on a pool of worker threads (piscina), one per core
 * by default, coordinated from the main thread by the shared coordinator. For CPU-heavy pipelines.
 * @module
 */
import type { Job, PipelineResult, Runner } from "../../sdk/runner-api.js";
import { PoolCache, runOnPool } from "../shared/run-on-pool.js";
import { parallelRunnerUnsupportedFeatures } from "../shared/unsupported.js";
import { PiscinaWorkerPool, shareBlob } from "./piscina-pool.js";

/** Warm pools by size: starting a worker thread (the TypeScript runtime and the pipeline) costs ~0.3 s. */
const pools = new PoolCache((size) => new PiscinaWorkerPool(Number(size)));

export class ThreadsRunner implements Runner {
  readonly name = "threads";

  unsupportedFeatures(job: Job): string[] {
    return parallelRunnerUnsupportedFeatures(job);
  }

  async run(job: Job): Promise<PipelineResult> {
    const key = String(job.options.parallelism);
    const pool = pools.acquire(key);
    try {
      return await runOnPool(job, pool, { share: shareBlob });
    } finally {
      pools.release(key, pool);
    }
  }
}
