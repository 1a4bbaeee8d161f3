/**
 * One run on the direct runner: a single-threaded, watermark-driven loop over the fused stages.
 *
 * Each round runs every stage that has work (an Impulse, the next bounded split, what unbounded readers have
 * now, queued bundles), then recomputes watermarks stage by stage in topological order and advances each
 * GroupByKey's grouping side (processing time, then the input watermark), which fires what is due. A bounded
 * source's watermark jumps to +∞ once its last split is read, so batch pipelines are simply the case where every
 * watermark ends at +∞: there is one execution model.
 *
 * When no round makes progress, the loop applies the next TestStream event (a TestStream advances only once
 * everything before it has settled) or, with unbounded sources, sleeps until data or a processing-time timer is
 * due. Processing time comes from a clock: real time, or the TestStream's test clock.
 *
 * A run that reads unbounded sources may be stopped before they finish, by `--maxDuration` or Ctrl-C (see
 * `streaming-stop.ts`): with `--drain` its sources stop, their watermarks jump to +∞ and the loop runs on until
 * every window has fired, as if the sources had finished; without, the run ends at once and rejects.
 * @module
 */
import type { PipelineGraph, ReadNode, TestStreamNode } from "../../sdk/graph.js";
import type { PipelineOptions } from "../../sdk/options.js";
import type { PipelineResult } from "../../sdk/runner-api.js";
import { GLOBAL_WINDOW } from "../../sdk/model/window.js";
import { NO_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE, type Instant } from "../../sdk/model/time.js";
import { isUnboundedSource, type UnboundedReader } from "../../sdk/model/unbounded-source.js";
import { fuse } from "../core/fusion.js";
import type { ExecutionPlan, Stage } from "../core/execution-plan.js";
import { StageExecutor } from "../core/stage-executor.js";
import { createGroupingSide, type GroupingSide } from "../core/grouping-side.js";
import { SideInputStore } from "../core/side-input-store.js";
import { MetricsRegistry } from "../core/metrics-container.js";
import type { WindowedValue } from "../core/receiver.js";
import { toPipelineError, userCodeError } from "../core/user-code-error.js";
import { stageMayRun } from "../core/stage-readiness.js";
import { checkSourceTimestamp } from "../core/source-timestamps.js";
import { readBoundedSplit } from "../core/read-split.js";
import { processingClockFor, type ProcessingClock } from "../core/processing-clock.js";
import { seededRandom, takeOne } from "./seeded-random.js";
import { StreamingStop } from "../core/streaming-stop.js";
import { settleWithin, taskTimeoutMs } from "../core/liveness.js";

interface QueuedBundle {
  readonly pcollection: string;
  readonly elements: WindowedValue[];
  /** The earliest timestamp in `elements`: the bundle's watermark hold while it waits. */
  readonly minTimestamp: Instant;
}

/** The grouping side of a shuffle-rooted stage, with what the loop needs to know to drive it. */
interface Grouping {
  readonly side: GroupingSide;
  /** The GroupByKey step, for its dropped-data counters. */
  readonly step: string;
  /** Records were added since the side was last advanced (count and late-data triggers may be ready). */
  dirty: boolean;
  /** The input watermark the side was last advanced to. */
  advancedTo: Instant;
  /** The processing time the side was last told. */
  toldTime: Instant;
}

/** An unbounded source's readers (one per split). */
interface UnboundedRead {
  readonly readers: UnboundedReader<unknown>[];
  /** Drained: the readers are no longer polled and the source's watermark is +∞ (set once, never cleared). */
  stopped: boolean;
}

/** Per-stage scheduling state. */
interface StageState {
  readonly stage: Stage;
  readonly executor: StageExecutor;
  /** Materialised bundles waiting to be processed (collection roots). */
  readonly queue: QueuedBundle[];
  /** Bounded source splits not yet read; `undefined` until the source is split. */
  splits: unknown[] | undefined;
  /** Unbounded source readers; `undefined` unless the root reads an unbounded source. */
  unbounded: UnboundedRead | undefined;
  /** Whether an Impulse root has emitted its element. */
  impulseDone: boolean;
  /** TestStream roots: the next event to apply, and the watermark the script has set. */
  nextEvent: number;
  scriptWatermark: Instant;
  readonly grouping: Grouping | undefined;
  /** Monotone: no element with an earlier timestamp will leave this stage. */
  outputWatermark: Instant;
}

/** Bytes per bounded source split the direct runner asks for. */
const DESIRED_SPLIT_BYTES = 16 * 1024 * 1024;
/** Elements taken from an unbounded reader per poll. */
const UNBOUNDED_BATCH = 4096;
/** How long an idle streaming run sleeps before polling its sources again. */
const IDLE_POLL_MS = 20;

export class DirectJob {
  private readonly plan: ExecutionPlan;
  private readonly states = new Map<string, StageState>();
  private readonly metrics = new MetricsRegistry();
  private readonly sideInputs: SideInputStore;
  private readonly random: (() => number) | undefined;
  /** Which stage groups each GroupByKey (by the GroupByKey's full name). */
  private readonly groupingStage = new Map<string, StageState>();
  private readonly clock: ProcessingClock;

  constructor(
    private readonly graph: PipelineGraph,
    private readonly options: PipelineOptions,
  ) {
    this.plan = fuse(graph);
    this.random = options.orderSeed === undefined ? undefined : seededRandom(options.orderSeed);
    this.sideInputs = new SideInputStore((pc) => graph.pcollections.get(pc)!.windowing);
    this.clock = processingClockFor(this.plan);
    const freeze = options.enforceImmutability;
    for (const stage of this.plan.stages) {
      const executor = new StageExecutor(stage, {
        graph,
        plan: this.plan,
        metrics: this.metrics,
        sideInputs: this.sideInputs,
        freeze,
        taskTimeoutMs: taskTimeoutMs(options.taskTimeout), // liveness hook
        emitBundle: (pc, elements) => this.route(pc, elements),
        shuffleWriter: (shuffle) => {
          // Direct transport: records go straight to the grouping side; nothing is retried, so nothing to stage.
          const target = () => this.groupingStage.get(shuffle.gbk.fullName)!.grouping!;
          return {
            write: (k, w, t, v) => {
              const g = target();
              g.side.add(k, w, t, v);
              g.dirty = true;
            },
            commit: () => {},
          };
        },
      });
      const root = stage.root;
      const grouping: Grouping | undefined =
        root.kind === "shuffle"
          ? {
              side: createGroupingSide({
                step: root.shuffle.step,
                windowing: root.shuffle.windowing,
                ...(root.shuffle.combineFn ? { combineFn: root.shuffle.combineFn } : {}),
                freeze,
                ...(this.random ? { random: this.random } : {}),
              }),
              step: root.shuffle.gbk.fullName,
              dirty: false,
              advancedTo: TIMESTAMP_MIN_VALUE,
              toldTime: TIMESTAMP_MIN_VALUE,
            }
          : undefined;
      const state: StageState = {
        stage,
        executor,
        queue: [],
        splits: undefined,
        unbounded: undefined,
        impulseDone: false,
        nextEvent: 0,
        scriptWatermark: TIMESTAMP_MIN_VALUE,
        grouping,
        outputWatermark: TIMESTAMP_MIN_VALUE,
      };
      this.states.set(stage.id, state);
      if (root.kind === "shuffle") this.groupingStage.set(root.shuffle.gbk.fullName, state);
    }
  }

  async run(): Promise<PipelineResult> {
    const started = Date.now();
    // Only runs that read unbounded sources can go on forever; a TestStream ends with its script.
    const stop = this.readsUnboundedSources()
      ? new StreamingStop(
          { maxDurationSec: this.options.maxDuration, drain: this.options.drain === true, quiet: this.options.quiet === true },
          started,
        )
      : undefined;
    stop?.install();
    try {
      try {
        await this.openSources();
        await this.loop(stop);
      } catch (e) {
        await this.teardown();
        throw toPipelineError(e, this.graph);
      }
      await this.teardown();
    } finally {
      stop?.uninstall();
    }
    this.publishDroppedCounters();
    const elementCounts = new Map<string, number>();
    for (const s of this.states.values()) {
      for (const [pc, n] of s.executor.elementCounts()) elementCounts.set(pc, (elementCounts.get(pc) ?? 0) + n);
    }
    return { state: "DONE", metrics: this.metrics.results(), elementCounts, durationMs: Date.now() - started };
  }

  /** Rounds until every stage is complete (or the run is stopped without draining). */
  private async loop(stop: StreamingStop | undefined): Promise<void> {
    for (;;) {
      if (stop) {
        const action = stop.action();
        if (action === "abort") throw stop.abortError();
        if (action === "drain") this.stopUnboundedSources();
        await stop.breathe();
      }
      if (await this.round()) continue;
      if (await this.applyNextTestStreamEvent()) continue;
      if (this.allComplete()) return;
      if (this.hasOpenUnboundedReaders()) {
        await sleep(Math.min(this.idleSleepMs(), stop?.msUntilDeadline() ?? Infinity));
        stop?.breathed();
        continue;
      }
      const stuck = [...this.states.values()].filter((s) => s.outputWatermark < TIMESTAMP_MAX_VALUE);
      throw new Error(`internal: the run stalled with stages ${stuck.map((s) => s.stage.id).join(", ")} incomplete`);
    }
  }

  /** One round: all available work, then watermarks and firings. Returns whether anything happened. */
  private async round(): Promise<boolean> {
    let progressed = await this.tellProcessingTime();
    for (const s of this.states.values()) {
      if (!stageMayRun(this.plan, s.stage.id, this.isComplete)) continue;
      const root = s.stage.root;
      if (root.kind === "impulse" && !s.impulseDone) {
        s.impulseDone = true;
        await s.executor.runBundle(() => s.executor.rootOutput.receive(null, TIMESTAMP_MIN_VALUE, GLOBAL_WINDOW, NO_FIRING));
        progressed = true;
      } else if (root.kind === "read" && s.splits && s.splits.length > 0) {
        const split = takeOne(s.splits, this.random);
        await s.executor.runBundle(() => this.readSplit(s, root.transform, split));
        progressed = true;
      } else if (root.kind === "read" && s.unbounded) {
        if (await this.pollReaders(s, root.transform)) progressed = true;
      }
      while (s.queue.length > 0) {
        const bundle = takeOne(s.queue, this.random);
        await s.executor.runBundle(() => s.executor.feedBundle(bundle.pcollection, bundle.elements));
        progressed = true;
      }
    }
    const now = this.clock.now();
    for (const s of this.states.values()) {
      const input = this.inputWatermark(s);
      const g = s.grouping;
      if (g) {
        const timerDue = (g.side.nextProcessingTimer() ?? Infinity) < now;
        if (g.side.hasPending && (g.dirty || input > g.advancedTo || timerDue)) {
          let fired = 0;
          await s.executor.runBundle(() => {
            fired += g.side.advanceProcessingTime(now, s.executor.rootOutput);
            fired += g.side.advanceInputWatermark(input, s.executor.rootOutput);
          });
          if (fired > 0) progressed = true;
        } else if (input > g.advancedTo) {
          // Nothing is pending, so nothing can fire; but the side must know the watermark: records arriving behind
          // it later are late, and may not hold the output watermark.
          g.side.advanceInputWatermark(input, NOTHING_DUE);
        }
        g.dirty = false;
        g.advancedTo = input;
      }
      const next = this.outputWatermarkOf(s, input);
      if (next > s.outputWatermark) {
        s.outputWatermark = next;
        progressed = true;
      }
    }
    return progressed;
  }

  /**
   * Tells every grouping side the current processing time before any records of this round arrive, so that a
   * processing-time trigger counts its delay from when its first element really arrived. A side that can fire
   * (a timer due, or triggers made ready by records) is advanced inside a bundle; others cannot emit.
   */
  private async tellProcessingTime(): Promise<boolean> {
    const now = this.clock.now();
    let fired = 0;
    for (const s of this.states.values()) {
      const g = s.grouping;
      if (!g || !(now > g.toldTime)) continue;
      g.toldTime = now;
      if (g.dirty || (g.side.nextProcessingTimer() ?? Infinity) < now) {
        await s.executor.runBundle(() => {
          fired += g.side.advanceProcessingTime(now, s.executor.rootOutput);
        });
      } else {
        g.side.advanceProcessingTime(now, NOTHING_DUE);
      }
    }
    return fired > 0;
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
        if (s.unbounded?.stopped) return TIMESTAMP_MAX_VALUE;
        if (s.unbounded) return Math.min(...s.unbounded.readers.map((r) => (r.done ? TIMESTAMP_MAX_VALUE : r.watermark())));
        return s.splits!.length === 0 ? TIMESTAMP_MAX_VALUE : TIMESTAMP_MIN_VALUE;
      case "testStream":
        return s.scriptWatermark;
      case "shuffle":
        return Math.min(input, s.grouping!.side.hold());
      case "collection":
        return s.queue.reduce((wm, b) => Math.min(wm, b.minTimestamp), input);
    }
  }

  private readonly isComplete = (stageId: string): boolean => this.states.get(stageId)!.outputWatermark === TIMESTAMP_MAX_VALUE;

  private allComplete(): boolean {
    for (const s of this.states.values()) if (s.outputWatermark < TIMESTAMP_MAX_VALUE) return false;
    return true;
  }

  /** Sends a finished bundle of a PCollection to the stages that read it, and to the side input store. */
  private route(pcollection: string, elements: WindowedValue[]): void {
    const routing = this.plan.routing.get(pcollection)!;
    if (routing.isSideInput) this.sideInputs.add(pcollection, elements);
    if (routing.collectionConsumers.length === 0) return;
    let minTimestamp = TIMESTAMP_MAX_VALUE;
    for (const e of elements) if (e.timestamp < minTimestamp) minTimestamp = e.timestamp;
    for (const consumer of routing.collectionConsumers) this.states.get(consumer)!.queue.push({ pcollection, elements, minTimestamp });
  }

  // ---- sources ----

  private async openSources(): Promise<void> {
    for (const s of this.states.values()) {
      const root = s.stage.root;
      if (root.kind !== "read") continue;
      const source = root.transform.source;
      const step = root.transform.fullName; // liveness hook: a split that never settles fails naming the step
      const within = <T>(p: Promise<T>) => settleWithin(step, "split", p, taskTimeoutMs(this.options.taskTimeout));
      try {
        if (isUnboundedSource(source)) {
          const splits = await within(source.split(1));
          s.unbounded = { readers: splits.map((split) => source.createReader(split, undefined)), stopped: false };
        } else {
          s.splits = [...(await within(source.split(DESIRED_SPLIT_BYTES)))];
        }
      } catch (e) {
        throw userCodeError(root.transform.fullName, e);
      }
    }
  }

  private async readSplit(s: StageState, transform: ReadNode, split: unknown): Promise<void> {
    const source = transform.source;
    if (isUnboundedSource(source)) throw new Error("internal: readSplit on an unbounded source");
    await readBoundedSplit(transform.fullName, source, split, s.executor.rootOutput, s.executor.taskTimeoutMs);
  }

  /** One poll of every open reader of an unbounded source: what they have now, as one bundle each. */
  private async pollReaders(s: StageState, transform: ReadNode): Promise<boolean> {
    if (s.unbounded!.stopped) return false;
    let progressed = false;
    for (const reader of s.unbounded!.readers) {
      if (reader.done) continue;
      let batch: readonly { value: unknown; timestamp: Instant }[];
      try {
        batch = await settleWithin(transform.fullName, "read", reader.read(UNBOUNDED_BATCH), s.executor.taskTimeoutMs); // liveness hook
      } catch (e) {
        throw userCodeError(transform.fullName, e);
      }
      if (batch.length === 0) continue;
      progressed = true;
      await s.executor.runBundle(() => {
        const out = s.executor.rootOutput;
        for (const e of batch) out.receive(e.value, checkSourceTimestamp(transform.fullName, e), GLOBAL_WINDOW, NO_FIRING);
      });
    }
    return progressed;
  }

  private hasOpenUnboundedReaders(): boolean {
    for (const s of this.states.values()) if (s.unbounded && !s.unbounded.stopped && s.unbounded.readers.some((r) => !r.done)) return true;
    return false;
  }

  private readsUnboundedSources(): boolean {
    return this.plan.stages.some((s) => s.root.kind === "read" && isUnboundedSource(s.root.transform.source));
  }

  /**
   * Drains: no reader is polled again, and each unbounded source's watermark becomes +∞ at the end of this round,
   * so downstream windows fire as they would had the sources finished. Readers are closed at teardown, as usual.
   */
  private stopUnboundedSources(): void {
    for (const s of this.states.values()) if (s.unbounded) s.unbounded.stopped = true;
  }

  /** Sleeps until the next processing-time timer is due, polling sources at least every {@link IDLE_POLL_MS}. */
  private idleSleepMs(): number {
    let next = Infinity;
    for (const s of this.states.values()) next = Math.min(next, s.grouping?.side.nextProcessingTimer() ?? Infinity);
    return Math.max(1, Math.min(IDLE_POLL_MS, next - this.clock.now() + 1));
  }

  /** Applies the next TestStream event, if the script has one left. Returns whether it did. */
  private async applyNextTestStreamEvent(): Promise<boolean> {
    for (const s of this.states.values()) {
      const root = s.stage.root;
      if (root.kind !== "testStream") continue;
      const node: TestStreamNode = root.transform;
      if (s.nextEvent > node.events.length) return false;
      if (s.nextEvent === node.events.length) {
        // The script ended with advanceWatermarkToInfinity().
        s.nextEvent++;
        s.scriptWatermark = TIMESTAMP_MAX_VALUE;
        return true;
      }
      const event = node.events[s.nextEvent++]!;
      switch (event.kind) {
        case "elements":
          await s.executor.runBundle(() => {
            const out = s.executor.rootOutput;
            for (const e of event.elements) out.receive(e.value, e.timestamp, GLOBAL_WINDOW, NO_FIRING);
          });
          break;
        case "watermark":
          s.scriptWatermark = event.to;
          break;
        case "processingTime":
          this.clock.advance!(event.by);
          break;
      }
      return true;
    }
    return false;
  }

  /** Publishes each GroupByKey's dropped-data counts as Beam does, as counters of the GroupByKey step. */
  private publishDroppedCounters(): void {
    for (const s of this.states.values()) {
      const g = s.grouping;
      if (!g) continue;
      if (g.side.droppedLate > 0) this.metrics.forStep(g.step).incCounter("droppedDueToLateness", g.side.droppedLate);
      if (g.side.droppedClosedWindow > 0) this.metrics.forStep(g.step).incCounter("droppedDueToClosedWindow", g.side.droppedClosedWindow);
    }
  }

  private async teardown(): Promise<void> {
    for (const s of this.states.values()) {
      await s.executor.teardown();
      for (const r of s.unbounded?.readers ?? []) await r.close().catch(() => undefined);
    }
  }
}

/** The receiver given to a grouping side that has nothing due: it cannot emit, and this checks that. */
const NOTHING_DUE = {
  receive(): void {
    throw new Error("internal: a grouping side emitted while told the time with nothing due");
  },
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
