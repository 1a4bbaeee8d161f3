/**
 * The coordinator of the parallel runners: drives the engine's scheduler (`runners/core/engine/`) through a
 * {@link WorkerPool}, several work items at a time. It turns work into tasks (plain data and blob references),
 * keeps what the transport needs between tasks (blob reference counts, side input blobs, each key group's
 * grouping state), and retries tasks whose worker died. Shared by the threads and process runners; it knows
 * nothing of threads or processes, and nothing of watermarks: those are the scheduler's.
 * @module
 */
import type { ProgressSnapshot } from "../core/progress-display.js";
import { randomUUID } from "node:crypto";
import type { Job, PipelineResult, RunStats } from "../../sdk/runner-api.js";
import { PipelineError } from "../../sdk/runner-api.js";
import { fuse } from "../core/fusion.js";
import type { ExecutionPlan, Stage } from "../core/execution-plan.js";
import { MetricsRegistry } from "../core/metrics-container.js";
import { summarizeGraph } from "../core/rebuild.js";
import { toPipelineError } from "../core/user-code-error.js";
import { processingClockFor } from "../core/processing-clock.js";
import { JobScheduler, rootStep } from "../core/engine/job-scheduler.js";
import { driveJob, type WorkExecutor } from "../core/engine/drive-job.js";
import type { Work, WorkResult } from "../core/engine/work.js";
import type { BlobRef, JobSpec, SideInputData, Task, TaskEnvelope, TaskResult } from "./protocol.js";
import { WorkerLostError, type WorkerPool } from "./worker-pool.js";
import { encodeBundle } from "./codec.js";
import { KeyGroupOwners } from "./key-group-owners.js";
import { taskTimeoutMs } from "../core/liveness.js";

/** How the coordinator behaves; set by the runner from the pipeline options. */
export interface CoordinatorOptions {
  /** Partitions (key groups) per shuffle. */
  readonly partitions: number;
  /** Attempts per task when its worker dies. */
  readonly maxAttempts: number;
  /**
   * Also retry tasks whose user code threw (up to `maxAttempts`), for failures that are not deterministic
   * (a flaky service, a full disk). Without it a user-code error fails the job at once.
   */
  readonly retryUserErrors?: boolean;
  /** Makes a blob cheap to send to many workers (threads: shared memory). */
  readonly share?: (blob: BlobRef) => BlobRef;
  /** Frees a blob once the task that consumed it has succeeded (process runner: deletes its file). */
  readonly release?: (blob: BlobRef) => void;
  /** Called after every finished task, for progress displays (which ask {@link Coordinator.progress}). */
  readonly onProgress?: () => void;
}

/** Bytes per source split: enough splits to keep every worker busy, none too small to be worth a task. */
function desiredSplitBytes(totalBytes: number | undefined, workers: number): number {
  if (totalBytes === undefined) return 16 * 2 ** 20;
  return Math.min(64 * 2 ** 20, Math.max(2 ** 20, Math.ceil(totalBytes / (workers * 4))));
}

export class Coordinator implements WorkExecutor<BlobRef> {
  readonly capacity: number;
  private readonly plan: ExecutionPlan;
  private readonly scheduler: JobScheduler<BlobRef>;
  private readonly spec: JobSpec;
  private readonly metrics = new MetricsRegistry();
  private readonly elementCounts = new Map<string, number>();
  /** Side input PCollections each stage's ParDos read, by stage id. */
  private readonly stageSideInputs = new Map<string, readonly string[]>();
  /**
   * Materialised side inputs: bundles by PCollection, in the order they were produced (shared as they arrive). A
   * task gets every bundle so far; the engine runs it only once the windows it reads are complete.
   */
  private readonly sideInputBundles = new Map<string, BlobRef[]>();
  /** Which worker slot owns each key group, and how to rebuild its state if that worker loses it. */
  private readonly owners: KeyGroupOwners;
  /** Tasks sent to each worker slot and not yet finished. */
  private readonly slotLoad: number[];
  /**
   * Tasks still to consume each blob: a bundle feeds every stage that reads its PCollection. A blob is released
   * when its count reaches zero; side input blobs get a count that never drops (they live until the job ends).
   */
  private readonly blobUsers = new Map<BlobRef, number>();
  private running = 0;
  private tasksDone = 0;
  private retries = 0;
  private spilledBytes = 0;
  private spillRuns = 0;
  private workerMaxRssBytes = 0;

  constructor(
    private readonly job: Job,
    private readonly pool: WorkerPool,
    private readonly options: CoordinatorOptions,
  ) {
    if (!job.source) {
      throw new PipelineError(
        "this runner runs pipelines in several workers, which rebuild the pipeline by importing its module: " +
          "define it with `export default definePipeline(import.meta, {...})` and run it from that file or with `sluice run`",
      );
    }
    // Two tasks a worker: each has its next task queued when it finishes one, instead of waiting a round trip.
    this.capacity = pool.size * 2;
    this.slotLoad = new Array<number>(pool.size).fill(0);
    this.owners = new KeyGroupOwners(pool.size, (blob) => this.options.release?.(blob));
    this.plan = fuse(job.graph);
    this.spec = {
      jobId: randomUUID(),
      source: job.source,
      summary: summarizeGraph(job.graph),
      options: job.source.options,
      partitions: options.partitions,
    };
    for (const stage of this.plan.stages) {
      this.stageSideInputs.set(stage.id, [
        ...new Set(stage.transforms.flatMap((t) => (t.kind === "ParDo" ? t.sideInputs.map((v) => v.pcollection.id) : []))),
      ]);
    }
    this.scheduler = new JobScheduler<BlobRef>(this.plan, job.graph, {
      partitions: options.partitions,
      clock: processingClockFor(this.plan),
      desiredSplitBytes: (size) => desiredSplitBytes(size, pool.size),
      unboundedSplits: pool.size,
      groupEagerly: false,
      taskTimeoutMs: taskTimeoutMs(job.options.taskTimeout), // liveness hook
      onSideInputBundle: (pc, blob) => {
        const list = this.sideInputBundles.get(pc) ?? [];
        list.push(this.options.share ? this.options.share(blob) : blob);
        this.sideInputBundles.set(pc, list);
      },
    });
  }

  async run(): Promise<PipelineResult> {
    const started = Date.now();
    try {
      try {
        await this.scheduler.openSources();
        await driveJob(this.scheduler, this, this.job.options, started);
      } finally {
        await this.scheduler.closeSources();
        this.owners.close();
      }
    } catch (e) {
      throw toPipelineError(e, this.job.graph);
    }
    return {
      state: "DONE",
      metrics: this.metrics.results(),
      elementCounts: this.elementCounts,
      durationMs: Date.now() - started,
      stats: this.stats(),
    };
  }

  /** The job's id, unique per run (the process runner names its temporary directory after it). */
  get jobId(): string {
    return this.spec.jobId;
  }

  /** The envelope that asks every worker to tear its DoFns down. */
  teardownEnvelope(): TaskEnvelope {
    return { job: this.spec, task: { kind: "teardown" }, sideInputs: [], attempt: 1 };
  }

  /**
   * Runs one work item as a task on the pool: a group task on the worker that owns its key group's state, any
   * other (and a key group without state) on the least loaded worker. Retried while its worker dies (or, if so configured, its user code fails); either
   * failure costs that worker the key groups it held, which are rebuilt from their checkpoints with their next task.
   */
  async runWork(work: Work<BlobRef>): Promise<WorkResult<BlobRef>> {
    const sideInputs: SideInputData[] = this.stageSideInputs
      .get(work.stage.id)!
      .map((pc) => ({ pcollection: pc, bundles: (this.sideInputBundles.get(pc) ?? []).slice() }));
    const elements = work.kind === "elements" ? encodeBundle(work.elements) : undefined;
    this.running++;
    try {
      for (let attempt = 1; ; attempt++) {
        const task = this.taskFor(work, elements);
        const slot = work.kind === "group" ? this.owners.slotFor(work.stage.id, work.partition, this.slotLoad) : this.leastLoadedSlot();
        const envelope: TaskEnvelope = { job: this.spec, task, sideInputs, attempt };
        let result: TaskResult;
        this.slotLoad[slot]!++;
        try {
          result = await this.pool.run(envelope, slot);
          // The worker that held the key group's state died between tasks and was replaced: restore and re-run.
          if (result.group?.stateLost) throw new WorkerLostError(`worker ${slot} was replaced and lost the state of ${describeTask(task, work.stage)}`);
        } catch (failure) {
          this.owners.lost(slot);
          if (failure instanceof WorkerLostError && attempt < this.options.maxAttempts) {
            this.noteRetry(work);
            continue;
          }
          throw new PipelineError(
            `${describeTask(task, work.stage)} failed after ${attempt} attempt(s): ${(failure as Error)?.message ?? String(failure)}`,
            { cause: failure },
          );
        } finally {
          this.slotLoad[slot]!--;
          if (work.kind === "group") this.owners.ended(work.stage.id, work.partition);
        }
        if (result.error) {
          // The worker dropped the job's executors and state after the failure (see worker-runtime.ts).
          this.owners.lost(slot);
          if (this.options.retryUserErrors && attempt < this.options.maxAttempts) {
            this.noteRetry(work);
            continue;
          }
          const attempts = this.options.retryUserErrors ? ` (after ${attempt} attempts)` : "";
          throw new PipelineError(`${result.error.message}${attempts}`, { ...result.error });
        }
        return this.accept(work, task, result);
      }
    } finally {
      this.running--;
    }
  }

  private leastLoadedSlot(): number {
    let best = 0;
    for (let i = 1; i < this.slotLoad.length; i++) if (this.slotLoad[i]! < this.slotLoad[best]!) best = i;
    return best;
  }

  onCompleted(): void {
    this.options.onProgress?.();
  }

  /** The run so far, per stage, for a progress display. */
  progress(): ProgressSnapshot {
    return { stages: this.scheduler.progress(this.elementCounts), retries: this.retries, elements: this.elementCounts, metrics: this.metrics.results() };
  }


  private taskFor(work: Work<BlobRef>, elements: BlobRef | undefined): Task {
    const stage = work.stage.id;
    switch (work.kind) {
      case "impulse":
        return { kind: "impulse", stage };
      case "read":
        return { kind: "read", stage, split: work.split };
      case "elements":
        return { kind: "elements", stage, data: elements! };
      case "bundle":
        return { kind: "bundle", stage, pcollection: work.pcollection, data: work.data };
      case "group": {
        const restore = this.owners.restoreFor(stage, work.partition);
        const recordBytes = work.records.reduce((n, r) => n + blobBytes(r), 0);
        return {
          kind: "group",
          stage,
          partition: work.partition,
          watermark: work.watermark,
          arrivalWatermark: work.arrivalWatermark,
          processingTime: work.processingTime,
          records: work.records,
          ...(restore ? { restore } : {}),
          resident: restore === undefined && this.owners.holdsState(stage, work.partition),
          checkpoint: this.owners.wantsCheckpoint(stage, work.partition, recordBytes),
        };
      }
    }
  }

  /** Takes a successful task's result: its blobs' reference counts, metrics, counts and grouping state. */
  private accept(work: Work<BlobRef>, task: Task, r: TaskResult): WorkResult<BlobRef> {
    this.tasksDone++;
    this.spilledBytes += r.spilledBytes ?? 0;
    this.spillRuns += r.spillRuns ?? 0;
    this.workerMaxRssBytes = Math.max(this.workerMaxRssBytes, r.maxRssBytes ?? 0);
    this.releaseInputs(task);
    this.metrics.add(r.metrics);
    for (const [pc, n] of r.counts) this.elementCounts.set(pc, (this.elementCounts.get(pc) ?? 0) + n);
    for (const out of r.shuffle) this.blobUsers.set(out.data, 1);
    for (const b of r.bundles) {
      const routing = this.plan.routing.get(b.pcollection)!;
      this.blobUsers.set(b.data, routing.collectionConsumers.length + (routing.isSideInput ? 1 : 0));
    }
    if (task.kind === "group") {
      const g = r.group ?? { hasState: false, hold: Infinity };
      this.owners.succeeded(task.stage, task.partition, task, g.hasState, g.checkpoint, g.checkpointMs);
      if (g.evicted) this.owners.evicted(task.stage, task.partition);
    }
    const group = r.group
      ? {
          hasState: r.group.hasState,
          hold: r.group.hold,
          ...(r.group.nextProcessingTimer !== undefined ? { nextProcessingTimer: r.group.nextProcessingTimer } : {}),
        }
      : undefined;
    return {
      shuffle: r.shuffle.map((out) => ({ ...out, bytes: blobBytes(out.data) })),
      bundles: r.bundles,
      ...(group ? { group } : {}),
    };
  }

  private noteRetry(work: Work<BlobRef>): void {
    this.retries++;
    this.scheduler.retried(work);
  }

  /** A task's input blobs are not needed once it succeeded (a retry would have needed them). */
  private releaseInputs(task: Task): void {
    const done = (blob: BlobRef): void => {
      const users = (this.blobUsers.get(blob) ?? 1) - 1;
      if (users > 0) {
        this.blobUsers.set(blob, users);
        return;
      }
      this.blobUsers.delete(blob);
      this.options.release?.(blob);
    };
    // A group task's records stay with its key group until a checkpoint covers them (KeyGroupOwners).
    if (task.kind === "bundle") done(task.data);
  }

  private stats(): RunStats {
    const stages = this.scheduler.stageStats(this.elementCounts);
    return {
      bundles: this.tasksDone + this.retries,
      retries: this.retries,
      shuffleBytes: stages.reduce((n, s) => n + s.shuffleBytesOut, 0),
      spilledBytes: this.spilledBytes,
      spillRuns: this.spillRuns,
      workerMaxRssBytes: this.workerMaxRssBytes,
      stages,
    };
  }
}

/** Names a task in messages: its kind and the stage's first step. */
function describeTask(task: Task, stage: Stage): string {
  return `${task.kind} task of step '${rootStep(stage)}'`;
}

function blobBytes(blob: BlobRef): number {
  return blob instanceof Uint8Array ? blob.byteLength : blob.length;
}
