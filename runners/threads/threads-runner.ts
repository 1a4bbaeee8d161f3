/**
 * The threads runner: the pipeline's stages run as bundles on a pool of worker threads (piscina), one per core
 * by default, coordinated from the main thread by the shared coordinator. For CPU-heavy pipelines.
 * @module
 */
import type { Job, PipelineResult, Runner } from "../../sdk/runner-api.js";
import { Coordinator } from "../shared/coordinator.js";
import { parallelRunnerUnsupportedFeatures } from "../shared/unsupported.js";
import { PiscinaWorkerPool, shareBlob } from "./piscina-pool.js";

export class ThreadsRunner implements Runner {
  readonly name = "threads";

  unsupportedFeatures(job: Job): string[] {
    return parallelRunnerUnsupportedFeatures(job);
  }

  async run(job: Job): Promise<PipelineResult> {
    const { parallelism, maxAttempts } = job.options;
    const pool = new PiscinaWorkerPool(parallelism);
    let coordinator: Coordinator | undefined;
    try {
      coordinator = new Coordinator(job, pool, { partitions: parallelism * 2, maxAttempts, share: shareBlob });
      return await coordinator.run();
    } finally {
      if (coordinator) await pool.runOnEach(coordinator.teardownEnvelope());
      await pool.close();
    }
  }
}
