/**
 * The one run loop: hands the scheduler's runnable work to a runner's executor, up to its capacity, feeds the
 * results back, and between work moves watermarks, polls unbounded sources, applies TestStream events (only
 * when everything before them has settled), sleeps until data or a timer is due, and obeys stop requests
 * (`--maxDuration`, Ctrl-C, `--drain`). The direct runner runs work in-process one item at a time; the
 * coordinator runs several at once on its worker pool.
 * @module
 */
import { StreamingStop } from "../streaming-stop.js";
import type { PipelineOptions } from "../../../sdk/options.js";
import type { JobScheduler } from "./job-scheduler.js";
import type { Work, WorkResult } from "./work.js";

/** Where a runner runs work. */
export interface WorkExecutor<Ref> {
  /** How many work items may run at once. */
  readonly capacity: number;
  /**
   * Runs one work item to completion (retrying it as the runner sees fit). Rejects when the job must fail; the
   * loop then waits for the other running items to settle and rejects with the first failure.
   */
  runWork(work: Work<Ref>): Promise<WorkResult<Ref>>;
  /** Called after each finished work item (progress displays). */
  onCompleted?(): void;
}

/** How long an idle run that waits for unbounded data sleeps between polls, at most, in ms. */
const IDLE_POLL_MS = 20;

type Settled<Ref> = { readonly work: Work<Ref>; readonly result?: WorkResult<Ref>; readonly failure?: unknown; readonly failed: boolean };

/**
 * Runs the job to completion: resolves once every stage's watermark reached +∞, rejects with the first failure,
 * a stop without `--drain`, or a stall (an engine bug).
 */
export async function driveJob<Ref>(
  scheduler: JobScheduler<Ref>,
  executor: WorkExecutor<Ref>,
  options: Pick<PipelineOptions, "maxDuration" | "drain" | "quiet">,
  startedAt: number,
): Promise<void> {
  const inFlight = new Map<Work<Ref>, Promise<Settled<Ref>>>();
  const start = (work: Work<Ref>): void => {
    inFlight.set(
      work,
      executor.runWork(work).then(
        (result) => ({ work, result, failed: false }),
        (failure: unknown) => ({ work, failure, failed: true }),
      ),
    );
  };
  // Only runs that read unbounded sources can go on forever; a TestStream ends with its script.
  const stop = scheduler.readsUnboundedSources
    ? new StreamingStop({ maxDurationSec: options.maxDuration, drain: options.drain === true, quiet: options.quiet === true }, startedAt)
    : undefined;
  stop?.install();
  try {
    for (;;) {
      if (stop) {
        const action = stop.action();
        if (action === "abort") throw stop.abortError();
        if (action === "drain") scheduler.stopSources();
        await stop.breathe();
      }
      scheduler.updateWatermarks();
      await scheduler.pollSources(false);
      while (inFlight.size < executor.capacity) {
        const work = scheduler.nextWork();
        if (!work) break;
        start(work);
      }
      if (inFlight.size > 0) {
        const settled = await Promise.race(inFlight.values());
        inFlight.delete(settled.work);
        if (settled.failed) throw settled.failure;
        scheduler.complete(settled.work, settled.result!);
        executor.onCompleted?.();
        continue;
      }
      // Quiescent: watermarks may still move (a reader finished while polled), then the TestStream's next event,
      // else wait for unbounded data or a processing-time timer.
      if (scheduler.updateWatermarks()) continue;
      if (scheduler.applyNextTestStreamEvent()) continue;
      if (scheduler.allComplete()) return;
      if (scheduler.hasOpenReaders() || scheduler.timersPending()) {
        if (!(await scheduler.pollSources(true))) {
          await sleep(Math.min(IDLE_POLL_MS, scheduler.msUntilNextTimer(), stop?.msUntilDeadline() ?? Infinity));
          stop?.breathed();
        }
        continue;
      }
      throw new Error(`internal: the run stalled with stages ${scheduler.incompleteStages().join(", ")} incomplete`);
    }
  } catch (e) {
    // Let running work finish (its results are dropped) so that teardown sees quiet workers.
    await Promise.allSettled(inFlight.values());
    throw e;
  } finally {
    stop?.uninstall();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
