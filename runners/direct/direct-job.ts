/**
 * One run on the direct runner: the engine's scheduler (`runners/core/engine/`) driven in this process, one work
 * item at a time, with one key group per shuffle whose grouping side lives here. Everything about watermarks,
 * readiness, sources, TestStreams and stopping is the engine's; this file only runs work.
 *
 * It checks the model by wrapping the core's interfaces, never by flags inside them: `--enforceImmutability`
 * (default on) deep-freezes what sources, DoFns and grouping sides emit (`frozen-edges.ts`,
 * `checked-grouping-side.ts`) and checks that elements crossing a boundary encode; `--orderSeed` picks the next
 * split or bundle at random (the engine's pick function, `order-shuffling.ts`) and shuffles the values of each
 * group and the panes of each firing.
 * @module
 */
import type { ProgressSnapshot } from "../core/progress-display.js";
import type { PipelineGraph } from "../../sdk/graph.js";
import type { PipelineOptions } from "../../sdk/options.js";
import type { PipelineResult } from "../../sdk/runner-api.js";
import { GLOBAL_WINDOW } from "../../sdk/model/window.js";
import { NO_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MIN_VALUE } from "../../sdk/model/time.js";
import { isUnboundedSource } from "../../sdk/model/unbounded-source.js";
import { fuse } from "../core/fusion.js";
import type { ExecutionPlan } from "../core/execution-plan.js";
import { StageExecutor } from "../core/stage-executor.js";
import { createGroupingSide, type GroupingSide } from "../core/grouping-side.js";
import { SideInputStore } from "../core/side-input-store.js";
import { MetricsRegistry } from "../core/metrics-container.js";
import { bundleBounds, type WindowedValue } from "../core/receiver.js";
import { toPipelineError } from "../core/user-code-error.js";
import { readBoundedSplit } from "../core/read-split.js";
import { taskTimeoutMs } from "../core/liveness.js";
import { processingClockFor } from "../core/processing-clock.js";
import { PartitionedShuffleWriter, forEachFlatRecord } from "../core/partitioned-shuffle-writer.js";
import { JobScheduler } from "../core/engine/job-scheduler.js";
import { driveJob, type WorkExecutor } from "../core/engine/drive-job.js";
import { runGroupWork } from "../core/engine/group-work.js";
import type { BundleOutput, ShuffleOutput, Work, WorkResult } from "../core/engine/work.js";
import { seededRandom } from "./seeded-random.js";
import { randomPick } from "./order-shuffling.js";
import { freezeEmitted } from "./frozen-edges.js";
import { checkedGroupingSide } from "./checked-grouping-side.js";
import { Watchdog } from "./watchdog.js";
import { directOptions } from "./direct-options.js";
import { rootStep } from "../core/engine/job-scheduler.js";

/** In the direct runner a payload is the array itself: a bundle's elements, or a key group's flat records. */
type Ref = unknown[];

/** Bytes per bounded source split the direct runner asks for. */
const DESIRED_SPLIT_BYTES = 16 * 1024 * 1024;

export class DirectJob implements WorkExecutor<Ref> {
  readonly capacity = 1;
  private readonly plan: ExecutionPlan;
  private readonly scheduler: JobScheduler<Ref>;
  private readonly executors = new Map<string, StageExecutor>();
  /** The grouping side of each shuffle-rooted stage (its one key group), by stage id. */
  private readonly sides = new Map<string, GroupingSide>();
  private readonly metrics = new MetricsRegistry();
  private readonly sideInputs: SideInputStore;
  /** What the running work item has produced so far. */
  private shuffle: ShuffleOutput<Ref>[] = [];
  private bundles: BundleOutput<Ref>[] = [];
  /** Stops the process if user code never returns (`--taskTimeout`). */
  private watchdog: Watchdog | undefined;

  constructor(
    private readonly graph: PipelineGraph,
    private readonly options: PipelineOptions,
  ) {
    const { orderSeed, enforceImmutability } = directOptions(options);
    this.plan = fuse(graph);
    const random = orderSeed === undefined ? undefined : seededRandom(orderSeed);
    this.sideInputs = new SideInputStore((pc) => graph.pcollections.get(pc)!.windowing);
    this.scheduler = new JobScheduler<Ref>(this.plan, graph, {
      partitions: 1,
      clock: processingClockFor(this.plan),
      desiredSplitBytes: () => DESIRED_SPLIT_BYTES,
      unboundedSplits: 1,
      groupEagerly: true,
      taskTimeoutMs: taskTimeoutMs(options.taskTimeout), // liveness hook
      ...(random ? { pick: randomPick(random) } : {}),
      onSideInputBundle: (pc, elements) => this.sideInputs.add(pc, elements as WindowedValue[]),
    });
    const freeze = enforceImmutability;
    const groupingStage = new Map<string, string>();
    for (const stage of this.plan.stages) if (stage.root.kind === "shuffle") groupingStage.set(stage.root.shuffle.gbk.fullName, stage.id);
    for (const stage of this.plan.stages) {
      this.executors.set(
        stage.id,
        new StageExecutor(stage, {
          graph,
          plan: this.plan,
          metrics: this.metrics,
          sideInputs: this.sideInputs,
          checkEncodability: freeze,
          ...(freeze ? { checkEmitted: freezeEmitted } : {}),
          taskTimeoutMs: taskTimeoutMs(options.taskTimeout), // liveness hook
          emitBundle: (pcollection, elements) => this.emitBundle(pcollection, elements),
          shuffleWriter: (shuffle) => {
            const target = groupingStage.get(shuffle.gbk.fullName)!;
            return new PartitionedShuffleWriter(1, shuffle.windowing.timestampCombiner, (c) =>
              this.shuffle.push({ stage: target, partition: 0, data: c.records, records: c.records.length / 4, hold: c.hold }),
            );
          },
        }),
      );
      const root = stage.root;
      if (root.kind === "shuffle") {
        const side = createGroupingSide({
          step: root.shuffle.step,
          windowing: root.shuffle.windowing,
          ...(root.shuffle.combineFn ? { combineFn: root.shuffle.combineFn } : {}),
          ...(root.shuffle.stateful ? { stateful: root.shuffle.stateful } : {}),
        });
        // A stateful DoFn's side emits through its stage's own outputs (tagged outputs, metrics), which the pane
        // checks' receiver does not have; its outputs are checked on the edges it emits on, as any DoFn's.
        this.sides.set(stage.id, root.shuffle.stateful ? side : checkedGroupingSide(side, { freeze, random, combine: root.shuffle.combineFn !== undefined }));
      }
    }
  }

  async run(): Promise<PipelineResult> {
    const started = Date.now();
    const timeoutMs = taskTimeoutMs(this.options.taskTimeout);
    this.watchdog = timeoutMs > 0 ? new Watchdog(timeoutMs) : undefined;
    try {
      return await this.runWatched(started);
    } finally {
      this.watchdog?.stop();
    }
  }

  private async runWatched(started: number): Promise<PipelineResult> {
    try {
      try {
        await this.scheduler.openSources();
        await driveJob(this.scheduler, this, this.options, started);
      } finally {
        await this.scheduler.closeSources();
      }
    } catch (e) {
      await this.teardown();
      throw toPipelineError(e, this.graph);
    }
    await this.teardown();
    const elementCounts = this.elementCounts();
    const stages = this.scheduler.stageStats(elementCounts);
    const stats = {
      bundles: stages.reduce((n, st) => n + st.bundles, 0),
      retries: 0,
      shuffleBytes: 0, // nothing is encoded in process
      spilledBytes: 0,
      spillRuns: 0,
      workerMaxRssBytes: process.resourceUsage().maxRSS * 1024,
      stages,
    };
    return { state: "DONE", metrics: this.metrics.results(), elementCounts, durationMs: Date.now() - started, stats };
  }

  /** Elements produced on each PCollection so far. */
  private elementCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const ex of this.executors.values()) {
      for (const [pc, n] of ex.elementCounts()) counts.set(pc, (counts.get(pc) ?? 0) + n);
    }
    return counts;
  }

  /** Called after every finished work item (set by the runner for its progress display). */
  onProgress: (() => void) | undefined;

  onCompleted(): void {
    this.onProgress?.();
  }

  /** The run so far, per stage, for a progress display. */
  progress(): ProgressSnapshot {
    const elements = this.elementCounts();
    return { stages: this.scheduler.progress(elements), retries: 0, elements, metrics: this.metrics.results() };
  }

  /** Runs one work item here and now (the engine's {@link WorkExecutor}). */
  async runWork(work: Work<Ref>): Promise<WorkResult<Ref>> {
    this.watchdog?.started(describeWork(work));
    try {
      return await this.runWorkNow(work);
    } finally {
      this.watchdog?.finished();
    }
  }

  private async runWorkNow(work: Work<Ref>): Promise<WorkResult<Ref>> {
    this.shuffle = [];
    this.bundles = [];
    const ex = this.executors.get(work.stage.id)!;
    let group: WorkResult<Ref>["group"];
    switch (work.kind) {
      case "impulse":
        await ex.runBundle(() => ex.rootOutput.receive(null, TIMESTAMP_MIN_VALUE, GLOBAL_WINDOW, NO_FIRING));
        break;
      case "read": {
        const root = work.stage.root;
        if (root.kind !== "read" || isUnboundedSource(root.transform.source)) throw new Error(`internal: stage ${work.stage.id} is not a bounded Read`);
        const source = root.transform.source;
        await ex.runBundle(() => readBoundedSplit(root.transform.fullName, source, work.split, ex.rootOutput, ex.taskTimeoutMs));
        break;
      }
      case "elements":
        await ex.runBundle(() => ex.feedRoot(work.elements));
        break;
      case "bundle":
        await ex.runBundle(() => ex.feedBundle(work.pcollection, work.data as WindowedValue[]));
        break;
      case "group": {
        const root = work.stage.root;
        if (root.kind !== "shuffle") throw new Error(`internal: stage ${work.stage.id} does not group`);
        group = await runGroupWork(
          ex,
          this.sides.get(work.stage.id)!,
          work,
          (add) => {
            for (const records of work.records) forEachFlatRecord(records, add);
          },
          this.metrics,
          root.shuffle.gbk.fullName,
        );
        break;
      }
    }
    return { shuffle: this.shuffle, bundles: this.bundles, ...(group ? { group } : {}) };
  }

  private emitBundle(pcollection: string, elements: WindowedValue[]): void {
    this.bundles.push({ pcollection, data: elements, elements: elements.length, ...bundleBounds(elements) });
  }

  /** Tears every DoFn down: only when the run is over, whatever its outcome (nothing here retries a bundle). */
  private async teardown(): Promise<void> {
    for (const ex of this.executors.values()) await ex.teardown("end-of-run");
  }
}

/** A work item in the watchdog's message: its stage's root step and the steps fused with it. */
function describeWork(work: Work<Ref>): string {
  const steps = [rootStep(work.stage), ...work.stage.transforms.map((t) => t.fullName)].filter((s, i, all) => all.indexOf(s) === i);
  const fused = steps.length > 1 ? ` (fused with ${steps.slice(1).map((s) => `'${s}'`).join(", ")})` : "";
  return `${work.kind} work of step '${steps[0]}'${fused}`;
}
