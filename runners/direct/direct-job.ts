/**
 * One run on the direct runner: a single-threaded, watermark-driven loop over the fused stages.
 *
 * Each round runs every stage that has work (a source split, a queued bundle), then recomputes watermarks
 * stage by stage in topological order and fires the GroupByKeys whose windows the watermark has passed. A
 * bounded source's watermark jumps to +∞ once its last split is read, so batch pipelines are simply the case
 * where every watermark ends at +∞: there is one execution model.
 * @module
 */
import type { PipelineGraph, ReadNode } from "../../sdk/graph.js";
import type { PipelineOptions } from "../../sdk/options.js";
import type { PipelineResult } from "../../sdk/runner-api.js";
import { GLOBAL_WINDOW } from "../../sdk/model/window.js";
import { NO_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE, type Instant } from "../../sdk/model/time.js";
import { fuse } from "../core/fusion.js";
import type { ExecutionPlan, Stage } from "../core/execution-plan.js";
import { StageExecutor } from "../core/stage-executor.js";
import { GroupAlsoByWindow } from "../core/group-also-by-window.js";
import { SideInputStore } from "../core/side-input-store.js";
import { MetricsRegistry } from "../core/metrics-container.js";
import type { WindowedValue } from "../core/receiver.js";
import { toPipelineError, userCodeError } from "../core/user-code-error.js";
import { seededRandom, takeOne } from "./seeded-random.js";
import { stageMayRun } from "../core/stage-readiness.js";

interface QueuedBundle {
  readonly pcollection: string;
  readonly elements: WindowedValue[];
}

/** Per-stage scheduling state. */
interface StageState {
  readonly stage: Stage;
  readonly executor: StageExecutor;
  /** Materialised bundles waiting to be processed (collection roots). */
  readonly queue: QueuedBundle[];
  /** Source splits not yet read (Read roots); `undefined` until the source is split. */
  splits: unknown[] | undefined;
  /** Whether an Impulse root has emitted its element. */
  impulseDone: boolean;
  /** The grouping side of a shuffle root. */
  readonly grouping: GroupAlsoByWindow | undefined;
  /** Monotone: no element with an earlier timestamp will leave this stage. */
  outputWatermark: Instant;
}

/** Bytes per source split the direct runner asks for. */
const DESIRED_SPLIT_BYTES = 16 * 1024 * 1024;

export class DirectJob {
  private readonly plan: ExecutionPlan;
  private readonly states = new Map<string, StageState>();
  private readonly metrics = new MetricsRegistry();
  private readonly sideInputs: SideInputStore;
  private readonly random: (() => number) | undefined;
  /** Which stage groups each GroupByKey (by the GroupByKey's full name). */
  private readonly groupingStage = new Map<string, StageState>();

  constructor(
    private readonly graph: PipelineGraph,
    private readonly options: PipelineOptions,
  ) {
    this.plan = fuse(graph);
    this.random = options.orderSeed === undefined ? undefined : seededRandom(options.orderSeed);
    this.sideInputs = new SideInputStore((pc) => graph.pcollections.get(pc)!.windowing);
    const freeze = options.enforceImmutability;
    for (const stage of this.plan.stages) {
      const executor = new StageExecutor(stage, {
        graph,
        plan: this.plan,
        metrics: this.metrics,
        sideInputs: this.sideInputs,
        freeze,
        emitBundle: (pc, elements) => this.route(pc, elements),
        shuffleWriter: (shuffle) => {
          // Direct transport: records go straight to the grouping side; nothing is retried, so nothing to stage.
          const target = () => this.groupingStage.get(shuffle.gbk.fullName)!.grouping!;
          return { write: (k, w, t, v) => target().add(k, w, t, v), commit: () => {} };
        },
      });
      const grouping =
        stage.root.kind === "shuffle"
          ? new GroupAlsoByWindow({
              step: stage.root.shuffle.step,
              windowing: stage.root.shuffle.windowing,
              ...(stage.root.shuffle.combineFn ? { combineFn: stage.root.shuffle.combineFn } : {}),
              freeze,
              ...(this.random ? { random: this.random } : {}),
            })
          : undefined;
      const state: StageState = {
        stage,
        executor,
        queue: [],
        splits: undefined,
        impulseDone: false,
        grouping,
        outputWatermark: TIMESTAMP_MIN_VALUE,
      };
      this.states.set(stage.id, state);
      if (stage.root.kind === "shuffle") this.groupingStage.set(stage.root.shuffle.gbk.fullName, state);
    }
  }

  async run(): Promise<PipelineResult> {
    const started = Date.now();
    try {
      await this.splitSources();
      while (await this.round()) {
        // keep going while any stage made progress
      }
      const stuck = [...this.states.values()].filter((s) => s.outputWatermark < TIMESTAMP_MAX_VALUE);
      if (stuck.length > 0) {
        throw new Error(`internal: the run stalled with stages ${stuck.map((s) => s.stage.id).join(", ")} incomplete`);
      }
    } catch (e) {
      await this.teardown();
      throw toPipelineError(e, this.graph);
    }
    await this.teardown();
    const elementCounts = new Map<string, number>();
    for (const s of this.states.values()) {
      for (const [pc, n] of s.executor.elementCounts()) elementCounts.set(pc, (elementCounts.get(pc) ?? 0) + n);
    }
    return { state: "DONE", metrics: this.metrics.results(), elementCounts, durationMs: Date.now() - started };
  }

  /** One round: all available work, then watermarks and firings. Returns whether anything happened. */
  private async round(): Promise<boolean> {
    let progressed = false;
    for (const s of this.states.values()) {
      if (!stageMayRun(this.plan, s.stage.id, this.isComplete)) continue;
      const root = s.stage.root;
      if (root.kind === "impulse" && !s.impulseDone) {
        s.impulseDone = true;
        await s.executor.runBundle(() => s.executor.rootOutput.receive(null, TIMESTAMP_MIN_VALUE, GLOBAL_WINDOW, NO_FIRING));
        progressed = true;
      } else if (root.kind === "read" && s.splits!.length > 0) {
        const split = takeOne(s.splits!, this.random);
        await s.executor.runBundle(() => this.readSplit(s, root.transform, split));
        progressed = true;
      }
      while (s.queue.length > 0) {
        const bundle = takeOne(s.queue, this.random);
        await s.executor.runBundle(() => s.executor.feedBundle(bundle.pcollection, bundle.elements));
        progressed = true;
      }
    }
    for (const s of this.states.values()) {
      const input = this.inputWatermark(s);
      if (s.grouping?.hasPending) {
        let fired = 0;
        const grouping = s.grouping;
        if (grouping.hold() < input || input === TIMESTAMP_MAX_VALUE) {
          await s.executor.runBundle(() => {
            fired = grouping.fire(input, s.executor.rootOutput);
          });
        }
        if (fired > 0) progressed = true;
      }
      const next = this.outputWatermarkOf(s, input);
      if (next > s.outputWatermark) {
        s.outputWatermark = next;
        progressed = true;
      }
    }
    return progressed;
  }

  private inputWatermark(s: StageState): Instant {
    let wm = TIMESTAMP_MAX_VALUE;
    for (const u of this.plan.upstream.get(s.stage.id)!) wm = Math.min(wm, this.states.get(u)!.outputWatermark);
    return wm;
  }

  private outputWatermarkOf(s: StageState, input: Instant): Instant {
    switch (s.stage.root.kind) {
      case "impulse":
        return s.impulseDone ? TIMESTAMP_MAX_VALUE : TIMESTAMP_MIN_VALUE;
      case "read":
        return s.splits!.length === 0 ? TIMESTAMP_MAX_VALUE : TIMESTAMP_MIN_VALUE;
      case "shuffle":
        return Math.min(input, s.grouping!.hold());
      case "collection":
        return s.queue.length > 0 ? Math.min(input, ...s.queue.flatMap((b) => b.elements.map((e) => e.timestamp))) : input;
    }
  }

  private readonly isComplete = (stageId: string): boolean => this.states.get(stageId)!.outputWatermark === TIMESTAMP_MAX_VALUE;

  /** Sends a finished bundle of a PCollection to the stages that read it, and to the side input store. */
  private route(pcollection: string, elements: WindowedValue[]): void {
    const routing = this.plan.routing.get(pcollection)!;
    if (routing.isSideInput) this.sideInputs.add(pcollection, elements);
    for (const consumer of routing.collectionConsumers) this.states.get(consumer)!.queue.push({ pcollection, elements });
  }

  private async splitSources(): Promise<void> {
    for (const s of this.states.values()) {
      const root = s.stage.root;
      if (root.kind !== "read") continue;
      try {
        s.splits = [...(await root.transform.source.split(DESIRED_SPLIT_BYTES))];
      } catch (e) {
        throw userCodeError(root.transform.fullName, e);
      }
    }
  }

  private async readSplit(s: StageState, transform: ReadNode, split: unknown): Promise<void> {
    const out = s.executor.rootOutput;
    let iterator: AsyncIterator<readonly unknown[]>;
    try {
      iterator = transform.source.read(split)[Symbol.asyncIterator]();
    } catch (e) {
      throw userCodeError(transform.fullName, e);
    }
    let finished = false;
    try {
      for (;;) {
        let next: IteratorResult<readonly unknown[]>;
        try {
          next = await iterator.next();
        } catch (e) {
          finished = true; // a throwing generator is already closed
          throw userCodeError(transform.fullName, e);
        }
        if (next.done) {
          finished = true;
          return;
        }
        const batch = next.value;
        for (let i = 0; i < batch.length; i++) out.receive(batch[i], TIMESTAMP_MIN_VALUE, GLOBAL_WINDOW, NO_FIRING);
      }
    } finally {
      // A downstream failure leaves the reader suspended: close it so its files are released now, not at GC.
      if (!finished) await iterator.return?.().catch(() => undefined);
    }
  }

  private async teardown(): Promise<void> {
    for (const s of this.states.values()) await s.executor.teardown();
  }
}
