/**
 * The direct runner: runs a pipeline in this process, one thread, and checks that the pipeline respects the
 * model (immutable elements, deterministic keys, no reliance on bundle, key or value order), like Beam's
 * DirectRunner. The reference every other runner's results are compared with.
 * @module
 */
import { reportRun } from "../core/run-report.js";
import { createProgressDisplay } from "../core/progress-display.js";
import { runWithUi } from "../ui/start-ui.js";
import type { Job, PipelineResult, Runner } from "../../sdk/runner-api.js";
import { DirectJob } from "./direct-job.js";
import { rebuildGraph, summarizeGraph } from "../core/rebuild.js";
import { guardEventLoop } from "../core/liveness.js";

export class DirectRunner implements Runner {
  readonly name = "direct";

  unsupportedFeatures(): string[] {
    return [];
  }

  async run(job: Job): Promise<PipelineResult> {
    // Parallel runners rebuild the graph in every worker; doing it once here reports a build() that is not
    // deterministic on the reference runner, before it surfaces as a worker error elsewhere.
    if (job.source) await rebuildGraph(job.source, summarizeGraph(job.graph));
    // With --taskTimeout 0 nothing bounds a user promise that never settles: when the event loop drains with the
    // run unfinished, fail it naming the step instead of letting the process exit 0.
    const directJob = new DirectJob(job.graph, job.options);
    const progress = createProgressDisplay({ quiet: job.options.quiet === true, snapshot: () => directJob.progress() });
    directJob.onProgress = progress && (() => progress.refresh());
    try {
      const result = await runWithUi(job, this.name, () => directJob.progress(), () => guardEventLoop(directJob.run(), job.graph));
      reportRun(result, job.options);
      return result;
    } finally {
      progress?.stop();
    }
  }
}
