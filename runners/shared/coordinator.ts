/**
 * The coordinator of the parallel runners: schedules the fused stages' bundles as tasks on a {@link WorkerPool},
 * keeps the shuffle's partitions and the side inputs, tracks watermarks, and retries tasks whose worker died.
 * Shared by the threads and process runners; it knows nothing of threads or processes.
 *
 * ```
 *   source splits ──► read tasks ──► shuffle partitions ──► group tasks ──► bundles ──► bundle tasks ──► ...
 *                         │  (records by key hash, with holds)    │ (one per partition,       │
 *                         └──────────── side inputs (sealed when complete, sent with tasks) ◄─┘  when the
 *                                                                                               watermark passes)
 * ```
 * The watermark model is the direct runner's: a stage's output watermark is the minimum of its input watermark
 * and the holds of everything it still owes (queued and running bundles, unfired shuffle records, grouping
 * state); a bounded source's jumps to +∞ once its last split is read.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Job, PipelineResult, RunStats, StageStats } from "../../sdk/runner-api.js";
import { PipelineError } from "../../sdk/runner-api.js";
import { TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE, type Instant } from "../../sdk/model/time.js";
import { fuse } from "../core/fusion.js";
import type { ExecutionPlan, Stage } from "../core/execution-plan.js";
import { MetricsRegistry } from "../core/metrics-container.js";
import { summarizeGraph } from "../core/rebuild.js";
import { userCodeError, toPipelineError } from "../core/user-code-error.js";
import type { BlobRef, JobSpec, SideInputData, Task, TaskEnvelope, TaskResult } from "./protocol.js";
import { WorkerLostError, type WorkerPool } from "./worker-pool.js";
import { stageMayRun } from "../core/stage-readiness.js";
import { isUnboundedSource, type TimestampedValue, type UnboundedReader } from "../../sdk/model/unbounded-source.js";
import { GLOBAL_WINDOW } from "../../sdk/model/window.js";
import { NO_FIRING } from "../../sdk/model/pane.js";
import { usesFastPath } from "../core/grouping-side.js";
import { checkSourceTimestamp } from "../core/source-timestamps.js";
import type { WindowedValue } from "../core/receiver.js";
import { encodeBundle } from "./codec.js";
import { StreamingStop } from "../core/streaming-stop.js";
import { processingClockFor, type ProcessingClock } from "../core/processing-clock.js";
import { settleWithin, taskTimeoutMs } from "../core/liveness.js";

/** How the coordinator behaves; set by the runner from the pipeline options. */
export interface CoordinatorOptions {
  /** Partitions per shuffle. */
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
  /** Called after every finished task, for progress displays. */
  readonly onProgress?: (progress: Progress) => void;
}

/** A snapshot of a run's progress. */
export interface Progress {
  readonly tasksDone: number;
  readonly tasksRunning: number;
  readonly elementsRead: number;
  readonly retries: number;
}

/** One shuffle partition of a grouping stage. */
interface PartitionState {
  /** Records not yet sent to a group task, with their holds. */
  pending: { data: BlobRef; hold: Instant; records: number; arrivalWatermark: Instant }[];
  /** Grouping state left by the last group task (unfired windows). */
  state: BlobRef | undefined;
  stateHold: Instant;
  /** The hold of what the running group task was sent (+∞ when none runs). */
  runningHold: Instant;
  running: boolean;
  /** The input watermark the last group task was given. */
  firedAt: Instant;
  /** The grouping state's earliest processing-time timer (undefined: none). */
  nextTimer: Instant | undefined;
}

/** Scheduling state of one stage. */
interface StageState {
  readonly stage: Stage;
  readonly splits: unknown[];
  impulsePending: boolean;
  /** Materialised bundles waiting for a task (collection roots). */
  readonly queue: { pcollection: string; data: BlobRef; minTimestamp: Instant; elements: number }[];
  readonly partitions: PartitionState[];
  /** Holds of this stage's running tasks, by task id. */
  readonly running: Map<number, Instant>;
  /** Side input PCollections its ParDos read. */
  readonly sideInputs: readonly string[];
  /** Grouping stages: whether records can fire panes by themselves (counts, late data), not only watermarks. */
  readonly dataDriven: boolean;
  /** TestStream roots: the next event, and the watermark the script has set. */
  nextEvent: number;
  scriptWatermark: Instant;
  /** Unbounded Read roots: the readers, polled by the coordinator. */
  readers: UnboundedReader<unknown>[] | undefined;
  /** Monotone. */
  outputWatermark: Instant;
  readonly stats: { -readonly [K in keyof StageStats]: StageStats[K] };
}

/** A task ready to start. */
interface NextTask {
  readonly stage: StageState;
  readonly task: Task;
  /** For group tasks: the partition it groups. */
  readonly partition?: PartitionState;
  /** The earliest timestamp the task's outputs may carry. */
  readonly hold: Instant;
}

interface Running {
  readonly id: number;
  readonly next: NextTask;
}

type Completion = { running: Running; envelope: TaskEnvelope; result?: TaskResult; failure?: unknown };

/** Bytes per source split: enough splits to keep every worker busy, none too small to be worth a task. */
function desiredSplitBytes(totalBytes: number | undefined, workers: number): number {
  if (totalBytes === undefined) return 16 * 2 ** 20;
  return Math.min(64 * 2 ** 20, Math.max(2 ** 20, Math.ceil(totalBytes / (workers * 4))));
}

export class Coordinator {
  private readonly plan: ExecutionPlan;
  private readonly states: StageState[];
  private readonly spec: JobSpec;
  private readonly metrics = new MetricsRegistry();
  private readonly elementCounts = new Map<string, number>();
  /** Materialised side inputs: bundles by PCollection, shared once the producing stage completes. */
  private readonly sideInputBundles = new Map<string, BlobRef[]>();
  private readonly sealedSideInputs = new Map<string, SideInputData>();
  private readonly inFlight = new Map<number, Promise<Completion>>();
  /**
   * Tasks still to consume each blob: a bundle feeds every stage that reads its PCollection. A blob is released
   * when its count reaches zero; side input blobs get a count that never drops (they live until the job ends).
   */
  private readonly blobUsers = new Map<BlobRef, number>();
  private nextTaskId = 0;
  /** Processing time: real, or the TestStream's test clock. */
  private readonly clock: ProcessingClock;
  private lastPoll = 0;
  /** Set when a stop is drained (`--drain` after `--maxDuration` or Ctrl-C): unbounded sources read no more. */
  private sourcesStopped = false;
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
    this.plan = fuse(job.graph);
    this.clock = processingClockFor(this.plan);
    this.spec = {
      jobId: randomUUID(),
      source: job.source,
      summary: summarizeGraph(job.graph),
      options: job.source.options,
      partitions: options.partitions,
    };
    this.states = this.plan.stages.map((stage) => ({
      stage,
      splits: [],
      impulsePending: stage.root.kind === "impulse",
      queue: [],
      partitions:
        stage.root.kind === "shuffle"
          ? Array.from({ length: options.partitions }, () => ({
              pending: [],
              state: undefined,
              stateHold: TIMESTAMP_MAX_VALUE,
              runningHold: TIMESTAMP_MAX_VALUE,
              running: false,
              firedAt: TIMESTAMP_MIN_VALUE,
              nextTimer: undefined,
            }))
          : [],
      running: new Map(),
      sideInputs: [
        ...new Set(stage.transforms.flatMap((t) => (t.kind === "ParDo" ? t.sideInputs.map((v) => v.pcollection.id) : []))),
      ],
      dataDriven: stage.root.kind === "shuffle" && !usesFastPath(stage.root.shuffle.windowing),
      nextEvent: 0,
      scriptWatermark: TIMESTAMP_MIN_VALUE,
      readers: undefined,
      outputWatermark: TIMESTAMP_MIN_VALUE,
      stats: {
        stage: stage.id,
        steps: stage.root.kind === "collection" ? stage.transforms.map((t) => t.fullName) : [rootStep(stage), ...stage.transforms.map((t) => t.fullName)],
        bundles: 0,
        retries: 0,
        elementsIn: 0,
        elementsOut: 0,
        shuffleBytesOut: 0,
      },
    }));
  }

  async run(): Promise<PipelineResult> {
    const started = Date.now();
    let stop: StreamingStop | undefined;
    try {
      await this.splitSources();
      // Only runs that read unbounded sources can go on forever (a TestStream ends with its script).
      if (this.states.some((s) => s.readers)) {
        const o = this.job.options;
        stop = new StreamingStop({ maxDurationSec: o.maxDuration, drain: o.drain === true, quiet: o.quiet === true }, started);
        stop.install();
      }
      for (;;) {
        if (stop) {
          const action = stop.action();
          if (action === "abort") throw stop.abortError();
          if (action === "drain") this.sourcesStopped = true;
          await stop.breathe();
        }
        this.updateWatermarks();
        if (this.inFlight.size < this.pool.size) await this.pollReaders(false);
        while (this.inFlight.size < this.pool.size) {
          const next = this.nextTask();
          if (!next) break;
          this.start(next, 1);
        }
        if (this.inFlight.size > 0) {
          await this.complete(await Promise.race(this.inFlight.values()));
          continue;
        }
        // Quiescent: watermarks may still move (a reader finished while polled), then the TestStream's next
        // event, else wait for unbounded data or a processing-time timer.
        if (this.updateWatermarks()) continue;
        if (this.applyNextTestStreamEvent()) continue;
        if (this.states.every((s) => s.outputWatermark === TIMESTAMP_MAX_VALUE)) break;
        if (this.hasOpenReaders() || this.timersPending()) {
          if (!(await this.pollReaders(true))) {
            await sleep(Math.min(IDLE_POLL_MS, stop?.msUntilDeadline() ?? Infinity));
            stop?.breathed();
          }
          continue;
        }
        break;
      }
      const stuck = this.states.filter((s) => s.outputWatermark < TIMESTAMP_MAX_VALUE);
      if (stuck.length > 0) throw new Error(`internal: the run stalled with stages ${stuck.map((s) => s.stage.id).join(", ")} incomplete`);
    } catch (e) {
      // Let running tasks finish (their results are dropped) so that teardown sees quiet workers.
      await Promise.allSettled(this.inFlight.values());
      throw toPipelineError(e, this.job.graph);
    } finally {
      stop?.uninstall();
      for (const s of this.states) for (const r of s.readers ?? []) await r.close().catch(() => undefined);
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

  // ---- scheduling ----

  /** The next runnable task, downstream stages first so that data is consumed before more is produced. */
  private nextTask(): NextTask | undefined {
    for (let i = this.states.length - 1; i >= 0; i--) {
      const s = this.states[i]!;
      if (!stageMayRun(this.plan, s.stage.id, this.isComplete)) continue;
      const id = s.stage.id;
      const root = s.stage.root;
      if (root.kind === "impulse" && s.impulsePending) {
        s.impulsePending = false;
        return { stage: s, task: { kind: "impulse", stage: id }, hold: TIMESTAMP_MIN_VALUE };
      }
      if (root.kind === "read" && s.splits.length > 0) {
        return { stage: s, task: { kind: "read", stage: id, split: s.splits.shift() }, hold: TIMESTAMP_MIN_VALUE };
      }
      if (root.kind === "collection" && s.queue.length > 0) {
        const b = s.queue.shift()!;
        s.stats.elementsIn += b.elements;
        return { stage: s, task: { kind: "bundle", stage: id, pcollection: b.pcollection, data: b.data }, hold: b.minTimestamp };
      }
      if (root.kind === "shuffle") {
        const input = this.inputWatermark(s);
        const now = this.clock.now();
        for (let p = 0; p < s.partitions.length; p++) {
          const part = s.partitions[p]!;
          if (part.running || (part.pending.length === 0 && part.state === undefined)) continue;
          const hold = Math.min(part.stateHold, ...part.pending.map((r) => r.hold));
          const advanced = input > part.firedAt;
          const timerDue = part.nextTimer !== undefined && part.nextTimer < now;
          // Under the default trigger only the watermark fires windows, so records wait for it (batch groups each
          // partition once); under other triggers records can fire panes by themselves, so they go at once.
          const ready = s.dataDriven
            ? part.pending.length > 0 || advanced || timerDue
            : advanced && (input > hold || input === TIMESTAMP_MAX_VALUE);
          if (!ready) continue;
          const records = part.pending.map((r) => r.data);
          const arrivalWatermark = Math.max(part.firedAt, Math.min(input, ...part.pending.map((r) => r.arrivalWatermark)));
          for (const r of part.pending) s.stats.elementsIn += r.records;
          part.pending = [];
          part.running = true;
          part.runningHold = hold;
          part.firedAt = input;
          const state = part.state;
          part.state = undefined;
          part.stateHold = TIMESTAMP_MAX_VALUE;
          part.nextTimer = undefined;
          return {
            stage: s,
            task: { kind: "group", stage: id, partition: p, watermark: input, arrivalWatermark, processingTime: now, records, state },
            partition: part,
            hold,
          };
        }
      }
    }
    return undefined;
  }

  private start(next: NextTask, attempt: number, id = this.nextTaskId++): void {
    const { stage, task } = next;
    const envelope: TaskEnvelope = { job: this.spec, task, sideInputs: stage.sideInputs.map((pc) => this.sealedSideInputs.get(pc)!), attempt };
    const running: Running = { id, next };
    // Group tasks are held by their partition's runningHold; other tasks by their own.
    if (!next.partition) stage.running.set(id, next.hold);
    this.inFlight.set(
      id,
      this.pool.run(envelope).then(
        (result) => ({ running, envelope, result }),
        (failure: unknown) => ({ running, envelope, failure }),
      ),
    );
  }

  private async complete({ running, envelope, result, failure }: Completion): Promise<void> {
    this.inFlight.delete(running.id);
    const { stage, partition } = running.next;
    if (failure !== undefined) {
      if (failure instanceof WorkerLostError && envelope.attempt < this.options.maxAttempts) {
        this.retries++;
        stage.stats.retries++;
        this.start(running.next, envelope.attempt + 1, running.id);
        return;
      }
      throw new PipelineError(
        `${describeTask(envelope.task, stage.stage)} failed after ${envelope.attempt} attempt(s): ${(failure as Error)?.message ?? String(failure)}`,
        { cause: failure },
      );
    }
    const r = result!;
    if (r.error) {
      if (this.options.retryUserErrors && envelope.attempt < this.options.maxAttempts) {
        this.retries++;
        stage.stats.retries++;
        this.start(running.next, envelope.attempt + 1, running.id);
        return;
      }
      const attempts = this.options.retryUserErrors ? ` (after ${envelope.attempt} attempts)` : "";
      throw new PipelineError(`${r.error.message}${attempts}`, { ...r.error });
    }
    stage.running.delete(running.id);
    this.tasksDone++;
    stage.stats.bundles++;
    this.spilledBytes += r.spilledBytes ?? 0;
    this.spillRuns += r.spillRuns ?? 0;
    this.workerMaxRssBytes = Math.max(this.workerMaxRssBytes, r.maxRssBytes ?? 0);
    this.releaseInputs(envelope.task);
    this.metrics.add(r.metrics);
    for (const [pc, n] of r.counts) this.elementCounts.set(pc, (this.elementCounts.get(pc) ?? 0) + n);
    for (const out of r.shuffle) {
      this.blobUsers.set(out.data, 1);
      const target = this.states.find((s) => s.stage.id === out.stage)!;
      target.partitions[out.partition]!.pending.push({
        data: out.data,
        hold: out.hold,
        records: out.records,
        arrivalWatermark: this.inputWatermark(target),
      });
      stage.stats.elementsOut += out.records;
      stage.stats.shuffleBytesOut += blobBytes(out.data);
    }
    for (const b of r.bundles) {
      const routing = this.plan.routing.get(b.pcollection)!;
      stage.stats.elementsOut += b.elements;
      this.blobUsers.set(b.data, routing.collectionConsumers.length + (routing.isSideInput ? 1 : 0));
      if (routing.isSideInput) {
        const list = this.sideInputBundles.get(b.pcollection) ?? [];
        list.push(b.data);
        this.sideInputBundles.set(b.pcollection, list);
      }
      for (const consumer of routing.collectionConsumers) {
        this.states
          .find((s) => s.stage.id === consumer)!
          .queue.push({ pcollection: b.pcollection, data: b.data, minTimestamp: b.minTimestamp, elements: b.elements });
      }
    }
    if (partition) {
      const part = partition;
      part.running = false;
      part.runningHold = TIMESTAMP_MAX_VALUE;
      part.state = r.group?.state;
      part.nextTimer = r.group?.nextProcessingTimer;
      if (part.state !== undefined) this.blobUsers.set(part.state, 1);
      part.stateHold = r.group?.state === undefined ? TIMESTAMP_MAX_VALUE : r.group.hold;
    }
    this.options.onProgress?.({
      tasksDone: this.tasksDone,
      tasksRunning: this.inFlight.size,
      elementsRead: this.elementsRead(),
      retries: this.retries,
    });
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
    if (task.kind === "bundle") done(task.data);
    if (task.kind === "group") {
      task.records.forEach(done);
      if (task.state !== undefined) done(task.state);
    }
  }

  // ---- watermarks ----

  /** Recomputes every stage's output watermark; returns whether any moved. */
  private updateWatermarks(): boolean {
    let moved = false;
    for (const s of this.states) {
      const input = this.inputWatermark(s);
      let out: Instant;
      switch (s.stage.root.kind) {
        case "impulse":
          out = s.impulsePending || s.running.size > 0 ? TIMESTAMP_MIN_VALUE : TIMESTAMP_MAX_VALUE;
          break;
        case "testStream":
          out = Math.min(s.scriptWatermark, ...s.running.values());
          break;
        case "read":
          if (s.readers) {
            // A drained source reads no more: its watermark goes to +∞ once what it already read is processed.
            const readersWm = this.sourcesStopped ? TIMESTAMP_MAX_VALUE : Math.min(...s.readers.map((r) => (r.done ? TIMESTAMP_MAX_VALUE : r.watermark())));
            out = Math.min(readersWm, ...s.running.values());
          } else {
            out = s.splits.length > 0 || s.running.size > 0 ? TIMESTAMP_MIN_VALUE : TIMESTAMP_MAX_VALUE;
          }
          break;
        case "collection":
          out = Math.min(input, ...s.queue.map((b) => b.minTimestamp), ...s.running.values());
          break;
        case "shuffle":
          out = input;
          for (const p of s.partitions) {
            out = Math.min(out, p.stateHold, p.runningHold, ...p.pending.map((r) => r.hold));
            // A side's hold is only known for the watermark it was last advanced to: under triggers other than the
            // default, advancing it may still fire panes (an on-time pane at the end of the window, say), so the
            // stage waits at that watermark until the partition's next group task has seen the new one.
            if (s.dataDriven && p.state !== undefined && p.firedAt < input) out = Math.min(out, p.firedAt);
          }
          break;
      }
      if (out > s.outputWatermark) {
        s.outputWatermark = out;
        moved = true;
        if (out === TIMESTAMP_MAX_VALUE) this.sealSideInputs(s);
      }
    }
    return moved;
  }

  private inputWatermark(s: StageState): Instant {
    let wm = TIMESTAMP_MAX_VALUE;
    for (const u of this.plan.upstream.get(s.stage.id)!) wm = Math.min(wm, this.states.find((x) => x.stage.id === u)!.outputWatermark);
    return wm;
  }

  private readonly isComplete = (stageId: string): boolean =>
    this.states.find((s) => s.stage.id === stageId)!.outputWatermark === TIMESTAMP_MAX_VALUE;

  /** Once a stage is complete, the side inputs it produced are final: share them with the workers. */
  private sealSideInputs(s: StageState): void {
    for (const pc of s.stage.produces) {
      if (!this.plan.routing.get(pc)!.isSideInput) continue;
      const share = this.options.share ?? ((b: BlobRef) => b);
      this.sealedSideInputs.set(pc, { pcollection: pc, bundles: (this.sideInputBundles.get(pc) ?? []).map(share) });
      this.sideInputBundles.delete(pc);
    }
  }

  // ---- sources ----

  private async splitSources(): Promise<void> {
    for (const s of this.states) {
      const root = s.stage.root;
      if (root.kind !== "read") continue;
      const source = root.transform.source;
      // liveness hook: source calls that never settle fail naming the step (--taskTimeout)
      const within = <T>(p: Promise<T>, method = "split") => settleWithin(root.transform.fullName, method, p, taskTimeoutMs(this.job.options.taskTimeout));
      if (isUnboundedSource(source)) {
        // The coordinator reads unbounded sources itself and ships what arrives to the workers as elements.
        try {
          const splits = await within(source.split(this.pool.size));
          s.readers = splits.map((split) => source.createReader(split, undefined));
        } catch (e) {
          throw userCodeError(root.transform.fullName, e);
        }
        continue;
      }
      try {
        const size = source.estimateSizeBytes ? await within(source.estimateSizeBytes(), "estimateSizeBytes") : undefined;
        s.splits.push(...(await within(source.split(desiredSplitBytes(size, this.pool.size)))));
      } catch (e) {
        throw userCodeError(root.transform.fullName, e);
      }
    }
  }

  private stats(): RunStats {
    for (const s of this.states) {
      const root = s.stage.root;
      if (root.kind === "read" || root.kind === "impulse") s.stats.elementsIn = this.elementCounts.get(root.transform.outputs.main!) ?? 0;
    }
    const stages = this.states.map((s) => ({ ...s.stats }));
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

  /**
   * Polls the open unbounded readers (at most every {@link IDLE_POLL_MS} unless `force`), shipping what they
   * have as elements tasks. Returns whether anything arrived.
   */
  private async pollReaders(force: boolean): Promise<boolean> {
    const now = Date.now();
    if (this.sourcesStopped || (!force && now - this.lastPoll < IDLE_POLL_MS)) return false;
    this.lastPoll = now;
    let arrived = false;
    for (const s of this.states) {
      if (!s.readers) continue;
      const root = s.stage.root as Extract<Stage["root"], { kind: "read" }>;
      for (const reader of s.readers) {
        if (reader.done) continue;
        let batch: readonly TimestampedValue<unknown>[];
        try {
          batch = await settleWithin(root.transform.fullName, "read", reader.read(UNBOUNDED_BATCH), taskTimeoutMs(this.job.options.taskTimeout)); // liveness hook
        } catch (e) {
          throw userCodeError(root.transform.fullName, e);
        }
        if (batch.length === 0) continue;
        arrived = true;
        this.startElements(s, batch.map((e) => ({ value: e.value, timestamp: checkSourceTimestamp(root.transform.fullName, e), window: GLOBAL_WINDOW, pane: NO_FIRING })));
      }
    }
    return arrived;
  }

  /** Ships elements read by the coordinator to a worker, through their stage's root. */
  private startElements(s: StageState, elements: WindowedValue[]): void {
    let hold = TIMESTAMP_MAX_VALUE;
    for (const e of elements) if (e.timestamp < hold) hold = e.timestamp;
    this.start({ stage: s, task: { kind: "elements", stage: s.stage.id, data: encodeBundle(elements) }, hold }, 1);
  }

  /** Applies the next TestStream event, if any is left. Returns whether it did. */
  private applyNextTestStreamEvent(): boolean {
    for (const s of this.states) {
      const root = s.stage.root;
      if (root.kind !== "testStream") continue;
      const events = root.transform.events;
      if (s.nextEvent > events.length) return false;
      if (s.nextEvent === events.length) {
        s.nextEvent++;
        s.scriptWatermark = TIMESTAMP_MAX_VALUE;
        return true;
      }
      const event = events[s.nextEvent++]!;
      if (event.kind === "elements") {
        this.startElements(s, event.elements.map((e) => ({ value: e.value, timestamp: e.timestamp, window: GLOBAL_WINDOW, pane: NO_FIRING })));
      } else if (event.kind === "watermark") {
        s.scriptWatermark = event.to;
      } else {
        this.clock.advance!(event.by);
      }
      return true;
    }
    return false;
  }

  /** Whether an unbounded source may still produce elements. */
  private hasOpenReaders(): boolean {
    return !this.sourcesStopped && this.states.some((s) => s.readers?.some((r) => !r.done));
  }

  /** Whether some grouping state waits for a processing-time timer. */
  private timersPending(): boolean {
    return this.states.some((s) => s.partitions.some((p) => p.nextTimer !== undefined));
  }

  private elementsRead(): number {
    let n = 0;
    for (const s of this.states) {
      const root = s.stage.root;
      if (root.kind === "read") n += this.elementCounts.get(root.transform.outputs.main!) ?? 0;
    }
    return n;
  }
}

/** Elements an unbounded reader is asked for per poll. */
const UNBOUNDED_BATCH = 4096;
/** How often idle unbounded sources are polled. */
const IDLE_POLL_MS = 20;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The step a stage starts with: its source, its grouping step, or its first transform. */
function rootStep(stage: Stage): string {
  const root = stage.root;
  if (root.kind === "read" || root.kind === "impulse" || root.kind === "testStream") return root.transform.fullName;
  if (root.kind === "shuffle") return root.shuffle.step;
  return stage.transforms[0]?.fullName ?? stage.id;
}

/** Names a task in messages: its kind and the stage's first step. */
function describeTask(task: Task, stage: Stage): string {
  return `${task.kind} task of step '${rootStep(stage)}'`;
}

function blobBytes(blob: BlobRef): number {
  return blob instanceof Uint8Array ? blob.byteLength : blob.length;
}
