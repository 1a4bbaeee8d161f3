/**
 * The threads runner: the pipeline's stages run as bundles on a pool of worker threads (piscina), one per core
 * by default, coordinated from the main thread by the shared coordinator. For CPU-heavy pipelines.
 *
 * Like the process runner, each run has a private run directory under `--tempDir` (`sluice-run-XXXXXX`, mode
 * 0700), which the worker threads see as their `--tempDir`: the private directories their sinks make register
 * there, so a worker thread that dies (or is terminated as hung) leaves nothing behind once the run ends, and a
 * commit left half done when the job fails is rolled back (`cleanUpRunDir`, whatever the outcome, and on
 * SIGINT/SIGTERM).
 * @module
 */
import fs from "node:fs";
import type { Job, PipelineResult, Runner } from "../../sdk/runner-api.js";
import type { PipelineOptions } from "../../sdk/options.js";
import { cleanUpRunDir, makePrivateDir, onInterrupt, removeStaleDirs } from "../../sdk/files/private-dir.js";
import { rollBackCommit } from "../../sdk/files/file-commit.js";
import { PoolCache, runOnPool } from "../shared/run-on-pool.js";
import { parallelRunnerUnsupportedFeatures } from "../shared/unsupported.js";
import { PiscinaWorkerPool, shareBlob } from "./piscina-pool.js";
import { parallelOptions } from "../shared/parallel-options.js";

/** Warm pools by size: starting a worker thread (the TypeScript runtime and the pipeline) costs ~0.3 s. */
const pools = new PoolCache((size) => new PiscinaWorkerPool(Number(size)));

/** Which warm pools a run with `options` can use: those of its parallelism. */
function poolKey(options: PipelineOptions): string {
  return String(parallelOptions(options).parallelism);
}

/** How the private run directories under `--tempDir` are named (as the process runner's). */
export const RUN_DIR_PREFIX = "sluice-run-";

/** Removes a run directory and what its workers registered there, rolling back their unfinished commits. */
function cleanUp(runDir: string): void {
  cleanUpRunDir(runDir, (dir) => void rollBackCommit(dir));
}

export class ThreadsRunner implements Runner {
  readonly name = "threads";

  unsupportedFeatures(job: Job): string[] {
    return parallelRunnerUnsupportedFeatures(job);
  }

  prepare(options: PipelineOptions): void {
    pools.prestart(poolKey(options));
  }

  async run(job: Job): Promise<PipelineResult> {
    const { tempDir } = parallelOptions(job.options);
    removeStaleDirs(tempDir, RUN_DIR_PREFIX, cleanUp);
    fs.mkdirSync(tempDir, { recursive: true }); // --tempDir itself stays when the run directory goes
    const runDir = makePrivateDir(tempDir, RUN_DIR_PREFIX);
    const key = poolKey(job.options);
    const pool = pools.acquire(key);
    // Interrupted: the threads go first, so that nothing writes (or renames) while the run is cleaned up.
    onInterrupt(runDir, async () => {
      await pool.close();
      cleanUp(runDir);
    });
    // Worker threads see the run directory as their --tempDir, and register their private directories there.
    const options = { ...job.options, tempDir: runDir };
    const runJob: Job = { ...job, options, ...(job.source ? { source: { ...job.source, options: { ...job.source.options, tempDir: runDir } } } : {}) };
    try {
      return await runOnPool(runJob, pool, { share: shareBlob }, () => cleanUp(runDir));
    } finally {
      pools.release(key, pool);
    }
  }
}
