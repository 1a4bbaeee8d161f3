/**
 * The process runner: the pipeline's stages run as bundles in child processes, coordinated by the shared
 * coordinator; shuffle data, bundles and side inputs live in files under `--tempDir`, so a job's data need not
 * fit in memory, and a worker that dies (crash, `kill -9`, out of memory) costs only its bundle, which is re-run
 * from its inputs while the outputs of finished bundles are kept, as in MapReduce.
 *
 * Each run keeps its files in a private directory of its own under `--tempDir` (`sluice-run-XXXXXX`, made with
 * `mkdtemp`: mode 0700, files 0600), so no other user can read the shuffle and two users' jobs never share a
 * directory. It is removed when the run ends (success, failure, SIGINT, SIGTERM), together with the private
 * directories its workers' sinks registered there (an unfinished commit in them is rolled back first); a later
 * run removes those of jobs whose process died.
 * @module
 */
import fs from "node:fs";
import type { Job, PipelineResult, Runner } from "../../sdk/runner-api.js";
import type { PipelineOptions } from "../../sdk/options.js";
import { cleanUpRunDir, makePrivateDir, onInterrupt, removeStaleDirs } from "../../sdk/files/private-dir.js";
import { rollBackCommit } from "../../sdk/files/file-commit.js";
import { PoolCache, runOnPool } from "../shared/run-on-pool.js";
import { parallelRunnerUnsupportedFeatures } from "../shared/unsupported.js";
import { FileBlobReleaser } from "./file-blobs.js";
import { ProcessWorkerPool } from "./process-pool.js";
import { processOptions } from "./process-options.js";

/** Warm pools by size and memory budget (the budget sets the workers' heap cap): a worker starts in ~0.3 s. */
const pools = new PoolCache((key) => {
  const [size, memoryMb] = key.split("/").map(Number);
  return new ProcessWorkerPool(size!, memoryMb!);
});

/** Which warm pools a run with `options` can use. */
function poolKey(options: PipelineOptions): string {
  const { parallelism, memoryMb } = processOptions(options);
  return `${parallelism}/${memoryMb}`;
}

/** Stops the kept idle worker processes (tests that need fresh workers, e.g. to measure their memory). */
export function closeIdlePools(): Promise<void> {
  return pools.closeAll();
}

/** How the private run directories under `--tempDir` are named. */
export const RUN_DIR_PREFIX = "sluice-run-";

/** Removes a run directory and what its workers registered there, rolling back their unfinished commits. */
function cleanUp(runDir: string): void {
  cleanUpRunDir(runDir, (dir) => void rollBackCommit(dir));
}

/** The pool the last run used, for fault-injection tests that kill its workers. */
export let lastPool: ProcessWorkerPool | undefined;

export class ProcessRunner implements Runner {
  readonly name = "process";

  unsupportedFeatures(job: Job): string[] {
    return parallelRunnerUnsupportedFeatures(job);
  }

  prepare(options: PipelineOptions): void {
    pools.prestart(poolKey(options));
  }

  async run(job: Job): Promise<PipelineResult> {
    const { tempDir } = processOptions(job.options);
    // Run directories (and what they hold) of jobs whose process died: a kill -9 leaves them behind.
    removeStaleDirs(tempDir, RUN_DIR_PREFIX, cleanUp);
    fs.mkdirSync(tempDir, { recursive: true }); // --tempDir itself stays when the run directory goes
    const runDir = makePrivateDir(tempDir, RUN_DIR_PREFIX);
    const key = poolKey(job.options);
    const pool = pools.acquire(key);
    lastPool = pool;
    // Interrupted: the workers go first, so that nothing writes (or renames) while the run is cleaned up.
    onInterrupt(runDir, async () => {
      await pool.kill();
      cleanUp(runDir);
    });
    // Workers see the run directory as their --tempDir.
    const options = { ...job.options, tempDir: runDir };
    const runJob: Job = { ...job, options, ...(job.source ? { source: { ...job.source, options: { ...job.source.options, tempDir: runDir } } } : {}) };
    try {
      return await runOnPool(runJob, pool, { retryUserErrors: true, release: new FileBlobReleaser().release }, () => cleanUp(runDir));
    } finally {
      pools.release(key, pool);
    }
  }
}
