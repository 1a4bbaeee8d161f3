/**
 * The worker side of the parallel runners: rebuilds the job's graph by re-importing the pipeline module, keeps
 * one stage executor per stage (so a DoFn is set up once per worker and reused across bundles), runs tasks and
 * returns what they produced, encoded. Shared by worker threads and worker processes; only {@link BlobIo}
 * differs between them.
 * @module
 */
import v8 from "node:v8";
import type { PipelineGraph } from "../../sdk/graph.js";
import type { TeardownReason } from "../../sdk/model/dofn.js";
import { GLOBAL_WINDOW } from "../../sdk/model/window.js";
import { NO_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE } from "../../sdk/model/time.js";
import { fuse } from "../core/fusion.js";
import type { ExecutionPlan, ShuffleSpec } from "../core/execution-plan.js";
import { StageExecutor } from "../core/stage-executor.js";
import { createGroupingSide, restoreGroupingSide } from "../core/grouping-side.js";
import { SideInputStore } from "../core/side-input-store.js";
import { MetricsRegistry } from "../core/metrics-container.js";
import { bundleBounds, type WindowedValue } from "../core/receiver.js";
import { rebuildGraph } from "../core/rebuild.js";
import { readBoundedSplit } from "../core/read-split.js";
import { toPipelineError } from "../core/user-code-error.js";
import { IN_WORKER } from "../../sdk/run.js";
import { taskTimeoutMs } from "../core/liveness.js";
import { isUnboundedSource } from "../../sdk/model/unbounded-source.js";
import { decode, decodeBundle, elementCodecs, encode, encodeBundle, encodeShuffleRecords, forEachInBundle, forEachShuffleRecord, shuffleCodec, type ElementCodec, type ShuffleCodec } from "./codec.js";
import { canGroupWithSpill, groupWithSpill } from "./spilling-grouping.js";
import { PartitionedShuffleWriter } from "../core/partitioned-shuffle-writer.js";
import { replayGroupWork, runGroupWork, type AddRecord } from "../core/engine/group-work.js";
import type { GroupingSide, GroupingSpec } from "../core/grouping-side.js";
import type { BlobRef, BundleOutput, JobSpec, KeyGroupRestore, ShuffleOutput, Task, TaskEnvelope, TaskResult } from "./protocol.js";
import { emptyResult } from "./protocol.js";

// This process or thread is a worker: running a pipeline here (a module doing work at import) is refused.
(globalThis as Record<symbol, unknown>)[IN_WORKER] = true;

/** Where a worker's bytes live: reading the coordinator's blobs and storing its own outputs. */
export interface BlobIo {
  read(ref: BlobRef): Uint8Array | Promise<Uint8Array>;
  /** Stores bytes; the reference is good once the task's {@link BlobIo.commit} returned. */
  write(bytes: Uint8Array): BlobRef;
  /** Makes the current task's writes durable (files: one per task), before its result goes back. */
  commit?(): void | Promise<void>;
  /** Forgets the current task's writes (the task failed: nothing refers to them). */
  abandon?(): void;
}

/** What one task is producing; collected by the environment's callbacks while the task runs. */
interface TaskOutputs {
  shuffle: ShuffleOutput[];
  bundles: BundleOutput[];
}

/** A job as one worker sees it. */
class WorkerJob {
  readonly plan: ExecutionPlan;
  readonly metrics = new MetricsRegistry();
  readonly sideInputs: SideInputStore;
  /** How many bundles of each side input this worker has loaded. */
  private readonly loadedSideInputs = new Map<string, number>();
  private readonly executors = new Map<string, StageExecutor>();
  /** The grouping stage (id) of each GroupByKey (by full name). */
  private readonly groupingStage = new Map<string, string>();
  outputs: TaskOutputs = { shuffle: [], bundles: [] };
  /**
   * The grouping sides of the key groups this worker owns, by `<stage>/<partition>`: resident between tasks, so
   * state never travels with a task. A side without state is dropped.
   */
  readonly sides = new Map<string, GroupingSide>();
  /** How each PCollection's elements are encoded (window coder, own coder): see `codec.ts`. */
  readonly codecs: (pcollection: string) => ElementCodec;
  /** Bytes and runs spilled by the current task's grouping. */
  spilledBytes = 0;
  spillRuns = 0;

  constructor(
    readonly spec: JobSpec,
    readonly graph: PipelineGraph,
    private readonly io: BlobIo,
  ) {
    this.plan = fuse(graph);
    this.codecs = elementCodecs(graph);
    this.sideInputs = new SideInputStore((pc) => graph.pcollections.get(pc)!.windowing);
    for (const s of this.plan.stages) if (s.root.kind === "shuffle") this.groupingStage.set(s.root.shuffle.gbk.fullName, s.id);
  }

  executor(stageId: string): StageExecutor {
    let ex = this.executors.get(stageId);
    if (ex) return ex;
    const stage = this.plan.stages.find((s) => s.id === stageId);
    if (!stage) throw new Error(`internal: no stage ${stageId}`);
    ex = new StageExecutor(stage, {
      graph: this.graph,
      plan: this.plan,
      metrics: this.metrics,
      sideInputs: this.sideInputs,
      taskTimeoutMs: taskTimeoutMs(this.spec.options.taskTimeout), // liveness hook
      emitBundle: (pcollection, elements) => this.emitBundle(pcollection, elements),
      shuffleWriter: (shuffle) => this.shuffleWriter(shuffle),
    });
    this.executors.set(stageId, ex);
    return ex;
  }

  /** Loads the side input bundles this worker has not seen yet (a side input's list of bundles only grows). */
  async loadSideInputs(envelope: TaskEnvelope): Promise<void> {
    for (const side of envelope.sideInputs) {
      const loaded = this.loadedSideInputs.get(side.pcollection) ?? 0;
      for (let i = loaded; i < side.bundles.length; i++) this.sideInputs.add(side.pcollection, decodeBundle(await this.io.read(side.bundles[i]!), this.codecs(side.pcollection)));
      this.loadedSideInputs.set(side.pcollection, side.bundles.length);
    }
  }

  /** Element counts of every executor since the last task. */
  takeCounts(): [string, number][] {
    const out = new Map<string, number>();
    for (const ex of this.executors.values()) for (const [pc, n] of ex.takeElementCounts()) out.set(pc, (out.get(pc) ?? 0) + n);
    return [...out];
  }

  async teardown(reason: TeardownReason): Promise<void> {
    for (const ex of this.executors.values()) await ex.teardown(reason);
  }

  private emitBundle(pcollection: string, elements: WindowedValue[]): void {
    this.outputs.bundles.push({ pcollection, data: this.io.write(encodeBundle(elements, this.codecs(pcollection))), elements: elements.length, ...bundleBounds(elements) });
  }

  private shuffleWriter(shuffle: ShuffleSpec): PartitionedShuffleWriter {
    const stage = this.groupingStage.get(shuffle.gbk.fullName)!;
    const codec = shuffleCodec(shuffle, this.codecs);
    return new PartitionedShuffleWriter(
      this.spec.partitions,
      shuffle.windowing.timestampCombiner,
      (c) =>
        this.outputs.shuffle.push({
          stage,
          partition: c.partition,
          data: this.io.write(encodeShuffleRecords(c.records, codec)),
          records: c.records.length / 4,
          hold: c.hold,
        }),
      codec.wholeElements,
    );
  }
}

/** How a transport sets up its workers' runtime. */
export interface WorkerRuntimeOptions {
  /**
   * Where grouping may spill sorted runs for a job, within `--memoryMb` (process runner). Without it, grouping
   * stays in memory (threads runner).
   */
  readonly spillDir?: (job: JobSpec) => string;
  /**
   * The most of a job's `--memoryMb` this worker may use (a NATS worker's own `--memoryMb`, which caps its heap):
   * a job that asks for more spills sooner here instead of outgrowing the heap.
   */
  readonly maxMemoryMb?: number;
}

/** Runs tasks for any number of jobs (normally one at a time). */
export class WorkerRuntime {
  private readonly jobs = new Map<string, WorkerJob>();

  constructor(
    private readonly io: BlobIo,
    private readonly options: WorkerRuntimeOptions = {},
  ) {}

  /** Tasks run one at a time: a job's outputs are collected per task, so two interleaved tasks would mix them. */
  private queue: Promise<unknown> = Promise.resolve();

  run(envelope: TaskEnvelope): Promise<TaskResult> {
    const result = this.queue.then(() => this.runNow(envelope));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(envelope: TaskEnvelope): Promise<TaskResult> {
    let job: WorkerJob | undefined;
    try {
      if (envelope.task.kind === "teardown") {
        for (const j of this.jobs.values()) await j.teardown("end-of-run"); // the runner's teardown task: the run is over
        this.jobs.clear();
        return emptyResult();
      }
      job = await this.job(envelope.job);
      job.outputs = { shuffle: [], bundles: [] };
      job.spilledBytes = 0;
      job.spillRuns = 0;
      await job.loadSideInputs(envelope);
      const group = await this.runTask(job, envelope.task);
      await this.io.commit?.();
      const { shuffle, bundles } = job.outputs;
      return {
        shuffle,
        bundles,
        ...(group ? { group } : {}),
        metrics: job.metrics.drain(),
        counts: job.takeCounts(),
        spilledBytes: job.spilledBytes,
        spillRuns: job.spillRuns,
        maxRssBytes: peakRssBytes(),
      };
    } catch (e) {
      this.io.abandon?.();
      const error = toPipelineError(e, job?.graph);
      if (job) {
        // A failed bundle may have left records in operators' buffers (shuffle writers, partial combines,
        // bundle buffers) and DoFns in any state: discard the job's executors, as Beam discards a DoFn instance
        // after a failed bundle. The next task rebuilds the graph, with fresh DoFns, and starts clean. The run
        // goes on, so DoFns are told (a writer keeps the files its finished bundles handed on).
        await job.teardown("discarded");
        this.jobs.delete(envelope.job.jobId);
      }
      const { step, element, userStack, appliedAt } = error.details;
      const taskError = { message: error.message, ...definedOnly({ step, element, userStack, appliedAt }) };
      return { ...emptyResult(), error: taskError };
    }
  }

  /** Rebuilds a key group's grouping side: its checkpoint, then the group tasks since, replayed without output. */
  private async restoreKeyGroup(spec: GroupingSpec, restore: KeyGroupRestore, codec: ShuffleCodec): Promise<GroupingSide> {
    const side = restore.checkpoint === undefined ? createGroupingSide(spec) : restoreGroupingSide(spec, decode(await this.io.read(restore.checkpoint)));
    for (const entry of restore.replay) replayGroupWork(side, entry, feedShuffleRecords(await this.readAll(entry.records), codec));
    return side;
  }

  private async readAll(refs: readonly BlobRef[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const ref of refs) out.push(await this.io.read(ref));
    return out;
  }

  private async job(spec: JobSpec): Promise<WorkerJob> {
    let job = this.jobs.get(spec.jobId);
    if (!job) {
      const graph = await rebuildGraph(spec.source, spec.summary);
      job = new WorkerJob(spec, graph, this.io);
      this.jobs.set(spec.jobId, job);
    }
    return job;
  }

  private async runTask(job: WorkerJob, task: Exclude<Task, { kind: "teardown" }>): Promise<TaskResult["group"]> {
    const ex = job.executor(task.stage);
    switch (task.kind) {
      case "impulse":
        await ex.runBundle(() => ex.rootOutput.receive(null, TIMESTAMP_MIN_VALUE, GLOBAL_WINDOW, NO_FIRING));
        return undefined;
      case "read": {
        const root = ex.stage.root;
        const read = root.kind === "read" ? root.transform : undefined;
        const source = read?.source;
        if (!read || !source || isUnboundedSource(source)) throw new Error(`internal: stage ${task.stage} is not a bounded Read`);
        await ex.runBundle(() => readBoundedSplit(read.fullName, source, task.split, ex.rootOutput, ex.taskTimeoutMs));
        return undefined;
      }
      case "elements": {
        const bytes = await this.io.read(task.data);
        await ex.runBundle(() => {
          forEachInBundle(bytes, (v, t, w, p) => ex.rootOutput.receive(v, t, w, p));
        });
        return undefined;
      }
      case "bundle": {
        const bytes = await this.io.read(task.data);
        const input = ex.inputReceiver(task.pcollection);
        const codec = job.codecs(task.pcollection);
        await ex.runBundle(() => {
          forEachInBundle(bytes, (v, t, w, p) => input.receive(v, t, w, p), codec);
        });
        return undefined;
      }
      case "group": {
        const root = ex.stage.root;
        if (root.kind !== "shuffle") throw new Error(`internal: stage ${task.stage} does not group`);
        const shuffle = root.shuffle;
        const key = `${task.stage}/${task.partition}`;
        const spec: GroupingSpec = {
          step: shuffle.step,
          windowing: shuffle.windowing,
          ...(shuffle.combineFn ? { combineFn: shuffle.combineFn } : {}),
          ...(shuffle.stateful ? { stateful: shuffle.stateful } : {}),
        };
        if (task.restore) job.sides.set(key, await this.restoreKeyGroup(spec, task.restore, shuffleCodec(shuffle, job.codecs)));
        else if (task.resident && !job.sides.has(key)) return { hasState: false, hold: TIMESTAMP_MAX_VALUE, stateLost: true };
        const spillDir = this.options.spillDir?.(job.spec);
        // The job's --memoryMb (process and NATS runners: they give a spill directory), within the worker's own.
        const memoryBytes = Math.min(Number(job.spec.options.memoryMb), this.options.maxMemoryMb ?? Infinity) * 2 ** 20;
        if (spillDir !== undefined && !job.sides.has(key) && canGroupWithSpill(shuffle, task) && mayOutgrowMemory(task.records, memoryBytes)) {
          // Batch grouping within the memory budget: records may exceed memory, so they go through sorted runs.
          const stats = await groupWithSpill({
            shuffle,
            blobs: task.records.map((ref) => () => this.io.read(ref)),
            dir: spillDir,
            memoryBytes,
            out: ex.rootOutput,
            codec: shuffleCodec(shuffle, job.codecs),
            runBundle: (feed) => ex.runBundle(feed),
          });
          job.spilledBytes += stats.spilledBytes;
          job.spillRuns += stats.spills;
          return { hasState: false, hold: TIMESTAMP_MAX_VALUE };
        }
        const grouping = job.sides.get(key) ?? createGroupingSide(spec);
        const records = await this.readAll(task.records);
        const outcome = await runGroupWork(ex, grouping, task, feedShuffleRecords(records, shuffleCodec(shuffle, job.codecs)), job.metrics, shuffle.gbk.fullName);
        // Past the memory budget (process runner), resident state spills a key group at a time: the one just run
        // is handed over whole as its checkpoint (a file) and dropped; its next task brings it back.
        const evict = outcome.hasState && spillDir !== undefined && overMemoryBudget(memoryBytes);
        if (outcome.hasState && !evict) job.sides.set(key, grouping);
        else job.sides.delete(key);
        let checkpoint: BlobRef | undefined;
        let checkpointMs = 0;
        if (evict || (task.checkpoint && outcome.hasState)) {
          const started = performance.now();
          const bytes = encode(grouping.snapshot());
          checkpoint = this.io.write(bytes);
          checkpointMs = performance.now() - started;
          if (evict) {
            job.spilledBytes += bytes.byteLength;
            job.spillRuns++;
          }
        }
        return {
          hasState: outcome.hasState,
          hold: outcome.hold,
          ...(outcome.nextProcessingTimer !== undefined ? { nextProcessingTimer: outcome.nextProcessingTimer } : {}),
          ...(checkpoint !== undefined ? { checkpoint, checkpointMs } : {}),
          ...(evict ? { evicted: true } : {}),
        };
      }
    }
  }
}

/** Feeds decoded shuffle record blobs (encoded with `codec`) to a grouping side. */
function feedShuffleRecords(blobs: readonly Uint8Array[], codec: ShuffleCodec): (add: AddRecord) => void {
  return (add) => {
    for (const bytes of blobs) forEachShuffleRecord(bytes, (r) => add(r.key, r.window, r.timestamp, r.value), codec);
  };
}

/**
 * Whether a partition's records might not fit in memory once decoded: objects take several times their encoded
 * size, so anything above a quarter of the budget goes through the spilling grouper (sorted runs on disk), and
 * smaller partitions are grouped in memory, several times faster.
 */
function mayOutgrowMemory(records: readonly BlobRef[], memoryBytes: number): boolean {
  let encoded = 0;
  for (const r of records) encoded += r instanceof Uint8Array ? r.byteLength : r.length;
  return encoded * 4 > memoryBytes;
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Whether the worker's heap holds more than `budgetBytes` of live objects. The heap in use counts garbage too, so
 * past the budget a full collection (workers run with --expose-gc) tells live from dead before anything spills.
 */
function overMemoryBudget(budgetBytes: number): boolean {
  // v8's heap statistics, not process.memoryUsage(), which also reads the RSS from the OS on every call.
  if (!(budgetBytes > 0) || v8.getHeapStatistics().used_heap_size <= budgetBytes) return false;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return true;
  gc();
  return v8.getHeapStatistics().used_heap_size > budgetBytes;
}

let peakRss = 0;
let peakRssAt = -Infinity;
/**
 * The process's peak resident set size, read at most every 200 ms: `process.resourceUsage()` is a system call that
 * cost more than a short streaming task's bookkeeping; a peak is a peak, so a slightly late reading loses nothing.
 */
function peakRssBytes(): number {
  const now = performance.now();
  if (now - peakRssAt >= 200) {
    peakRss = process.resourceUsage().maxRSS * 1024;
    peakRssAt = now;
  }
  return peakRss;
}

