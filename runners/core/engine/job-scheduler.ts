/**
 * The scheduling model of every runner: which work is runnable, and how far each stage's watermark may go. The
 * direct runner drives it in-process, the coordinator of the parallel runners through its worker pool; neither
 * contains watermark arithmetic of its own.
 *
 * ```
 *  sources ──► [read / elements work] ──► bundles ──► [bundle work] ──► ...
 *                     │                                    │
 *                     └── shuffle records, by key group ──►│ [group work, in waves] ──► panes ──► ...
 * ```
 *
 * A stage's output watermark is the minimum of its input watermark (the minimum of its upstream stages' output
 * watermarks) and the holds of everything it still owes: queued and running work, a key group's pending records,
 * its grouping state. Per kind of root:
 *
 * | root       | output watermark                                                                    |
 * | ---------- | ----------------------------------------------------------------------------------- |
 * | impulse    | −∞ until its element is processed, then +∞                                          |
 * | read       | bounded: −∞ until every split is read; unbounded: the readers' watermarks, held     |
 * | testStream | what the script set, held by its queued and running elements                        |
 * | collection | input, held by queued and running bundles                                           |
 * | shuffle    | input, held by each key group's pending records, state and running work; frozen     |
 * |            | while a wave runs                                                                   |
 *
 * A bounded source's watermark jumps to +∞ once its last split is read: a batch job is the case where every
 * watermark ends at +∞. Shuffle stages advance in **waves**: every key group ready at one input watermark is
 * grouped at that watermark and processing time, and the stage's output watermark moves only between waves, so
 * the result does not depend on how many key groups there are or in what order they finish (the direct runner's
 * one key group is a wave of one).
 * @module
 */
import type { PipelineGraph } from "../../../sdk/graph.js";
import { GLOBAL_WINDOW } from "../../../sdk/model/window.js";
import { NO_FIRING } from "../../../sdk/model/pane.js";
import { TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE, type Instant } from "../../../sdk/model/time.js";
import { isUnboundedSource, type TimestampedValue, type UnboundedReader } from "../../../sdk/model/unbounded-source.js";
import type { StageStats } from "../../../sdk/runner-api.js";
import type { ExecutionPlan, Stage } from "../execution-plan.js";
import type { WindowedValue } from "../receiver.js";
import { usesFastPath } from "../grouping-side.js";
import { sideInputReadyAt } from "../side-input-store.js";
import type { WindowingStrategy } from "../../../sdk/model/windowing-strategy.js";
import type { WindowMappingFn } from "../../../sdk/model/view.js";
import { checkSourceTimestamp } from "../source-timestamps.js";
import { userCodeError } from "../user-code-error.js";
import { settleWithin } from "../liveness.js";
import type { ProcessingClock } from "../processing-clock.js";
import { HoldSet } from "./hold-set.js";
import type { GroupWork, Work, WorkResult } from "./work.js";

/** How a runner wants the engine to schedule. */
export interface SchedulerOptions<Ref> {
  /** Key groups per shuffle (1 on the direct runner). */
  readonly partitions: number;
  readonly clock: ProcessingClock;
  /** Bytes per bounded source split, given the source's estimated size (undefined: unknown). */
  readonly desiredSplitBytes: (estimatedBytes: number | undefined) => number;
  /** How many splits to ask an unbounded source for. */
  readonly unboundedSplits: number;
  /**
   * Group records as soon as they arrive, whatever the trigger (the direct runner: state is at hand). Otherwise,
   * under the default trigger a key group's records wait until the watermark passes them, so a batch job groups
   * each key group once.
   */
  readonly groupEagerly: boolean;
  /**
   * Which of `count` (> 1) runnable splits or bundles of a stage runs next, as an index into them in the order
   * they became runnable. Absent: the first (oldest). The direct runner's order check picks at random
   * (`runners/direct/order-shuffling.ts`), so a pipeline that relies on bundle order fails there.
   */
  readonly pick?: (count: number) => number;
  /**
   * Elements a stage may hold back waiting for its side inputs before the unbounded readers feeding it are no
   * longer polled (default {@link MAX_WAITING_FOR_SIDE_INPUTS}).
   */
  readonly maxWaitingForSideInputs?: number;
  /** Called with every bundle of a PCollection read as a side input, when the work that made it completes. */
  readonly onSideInputBundle?: (pcollection: string, data: Ref) => void;
  /**
   * How long a source's `split`, `estimateSizeBytes`, unbounded `read` and `close` may take to settle, in ms
   * (`--taskTimeout`, see `liveness.ts`); 0 or absent for no limit.
   */
  readonly taskTimeoutMs?: number;
}

/** One key group of a shuffle-rooted stage. */
interface KeyGroup<Ref> {
  readonly index: number;
  /** Records not yet given to group work. */
  pending: Ref[];
  pendingRecords: number;
  /** The earliest hold of `pending` (+∞ when empty). */
  pendingHold: Instant;
  /** The earliest input watermark any of `pending` arrived under (+∞ when empty). */
  pendingArrival: Instant;
  /** Whether the grouping side has state or timers left (reported by the last group work). */
  hasState: boolean;
  /** The grouping side's hold (+∞ without state). */
  stateHold: Instant;
  /** The grouping side's earliest processing-time timer. */
  nextTimer: Instant | undefined;
  /** The hold of the running group work (+∞ when none runs). */
  runningHold: Instant;
  running: boolean;
  /** The input watermark given to the last group work started. */
  seen: Instant;
}

/** A wave: the key groups of a stage grouped at one input watermark and processing time. */
interface Wave {
  readonly watermark: Instant;
  readonly processingTime: Instant;
  /** Ready key groups not started yet (capacity). */
  readonly waiting: number[];
  /** Started and not yet finished. */
  running: number;
}

/** A materialised bundle waiting for a collection-rooted stage. */
interface QueuedBundle<Ref> {
  readonly pcollection: string;
  readonly data: Ref;
  readonly hold: Instant;
  readonly maxWindowEnd: Instant;
  readonly elements: number;
}

/** Scheduling state of one stage. Every field is owned by the scheduler; runners see only {@link Work}. */
interface StageSchedule<Ref> {
  readonly stage: Stage;
  readonly kind: Stage["root"]["kind"];
  /** Impulse roots: not yet started. */
  impulsePending: boolean;
  /** Bounded Read roots: splits not yet handed out (undefined until split). */
  splits: unknown[] | undefined;
  /** Unbounded Read roots: the readers, polled by the engine. */
  readers: UnboundedReader<unknown>[] | undefined;
  /** TestStream roots: the next event, and the watermark the script has set. */
  nextEvent: number;
  scriptWatermark: Instant;
  /** Elements read by the engine (polls, TestStream events), waiting to run. */
  readonly elements: { readonly elements: WindowedValue[]; readonly hold: Instant }[];
  /**
   * Elements of its elements work handed out and not yet completed: on their way to the stages they feed, they
   * count against those stages' back-pressure budget, so a runner with more work in flight does not overshoot it.
   */
  elementsRunning: number;
  /** Materialised bundles waiting to run (collection roots). */
  readonly queue: QueuedBundle<Ref>[];
  /** The side inputs its ParDos read: their producing stage and windowing (collection roots only). */
  readonly sideInputs: readonly { readonly producer: string; readonly windowing: WindowingStrategy; readonly mapping?: WindowMappingFn }[];
  /** Holds of queued and running work other than group work. */
  readonly owed: HoldSet;
  /** Running work that holds the stage at −∞ (impulse, bounded reads). */
  runningSources: number;
  readonly keyGroups: KeyGroup<Ref>[];
  /** Grouping stages: whether records can fire panes by themselves (counts, late data), not only watermarks. */
  readonly dataDriven: boolean;
  wave: Wave | undefined;
  /** Monotone: no element with an earlier timestamp will leave this stage. */
  outputWatermark: Instant;
  readonly stats: { -readonly [K in keyof StageStats]: StageStats[K] };
  /** Elements of queued bundles (held back for side inputs, when it has some). */
  queuedElements: number;
  /** Work items of it handed out and not yet completed. */
  running: number;
  /**
   * Unbounded read roots: the stages with side inputs whose main input this reader feeds and whose side inputs it
   * does not feed, so that pausing it while they are over budget cannot stall their side inputs.
   */
  throttledBy: StageSchedule<Ref>[];
}

/** A stage's progress: its statistics so far, the work of it running and its output watermark. */
export interface StageProgress extends StageStats {
  readonly running: number;
  readonly outputWatermark: Instant;
}

/** Elements an unbounded reader is asked for per poll. */
const UNBOUNDED_BATCH = 4096;
/**
 * Elements held back for side inputs, per stage, past which the readers feeding the stage's main input (and not
 * its side inputs) are not polled: what bounds a stream's memory when its side input lags.
 */
export const MAX_WAITING_FOR_SIDE_INPUTS = 200_000;
/** How often open unbounded sources are polled when the engine is busy, in ms. */
const POLL_EVERY_MS = 20;

export class JobScheduler<Ref> {
  private readonly stages: StageSchedule<Ref>[];
  private readonly byId = new Map<string, StageSchedule<Ref>>();
  private sourcesStopped = false;
  private lastPoll = 0;

  constructor(
    readonly plan: ExecutionPlan,
    private readonly graph: PipelineGraph,
    private readonly options: SchedulerOptions<Ref>,
  ) {
    this.stages = plan.stages.map((stage) => {
      const root = stage.root;
      const s: StageSchedule<Ref> = {
        stage,
        kind: root.kind,
        impulsePending: root.kind === "impulse",
        splits: undefined,
        readers: undefined,
        nextEvent: 0,
        scriptWatermark: TIMESTAMP_MIN_VALUE,
        elements: [],
        queue: [],
        sideInputs: stage.transforms
          .flatMap((t) => (t.kind === "ParDo" ? t.sideInputs : []))
          .map((v) => ({
            producer: plan.producerStage.get(v.pcollection.id)!,
            windowing: graph.pcollections.get(v.pcollection.id)!.windowing,
            ...(v.windowMappingFn ? { mapping: v.windowMappingFn } : {}),
          })),
        owed: new HoldSet(),
        runningSources: 0,
        elementsRunning: 0,
        keyGroups: root.kind === "shuffle" ? Array.from({ length: options.partitions }, (_, i) => newKeyGroup<Ref>(i)) : [],
        // A stateful ParDo's records are processed as they arrive (its timers and outputs do not wait for windows).
        dataDriven: root.kind === "shuffle" && (root.shuffle.stateful !== undefined || !usesFastPath(root.shuffle.windowing)),
        wave: undefined,
        outputWatermark: TIMESTAMP_MIN_VALUE,
        queuedElements: 0,
        running: 0,
        throttledBy: [],
        stats: {
          stage: stage.id,
          steps: root.kind === "collection" ? stage.transforms.map((t) => t.fullName) : [rootStep(stage), ...stage.transforms.map((t) => t.fullName)],
          bundles: 0,
          retries: 0,
          elementsIn: 0,
          elementsOut: 0,
          shuffleBytesOut: 0,
          peakWaitingForSideInputs: 0,
        },
      };
      this.byId.set(stage.id, s);
      return s;
    });
    this.linkThrottles();
  }

  /** Fills each unbounded reader stage's {@link StageSchedule.throttledBy}. */
  private linkThrottles(): void {
    // Every stage's ancestors through main and side inputs.
    const ancestors = new Map<string, Set<string>>();
    const ancestorsOf = (id: string): Set<string> => {
      let a = ancestors.get(id);
      if (a) return a;
      ancestors.set(id, (a = new Set()));
      for (const u of [...this.plan.upstream.get(id)!, ...(this.plan.sideInputStages.get(id) ?? [])]) {
        a.add(u);
        for (const x of ancestorsOf(u)) a.add(x);
      }
      return a;
    };
    for (const s of this.stages) {
      if (s.sideInputs.length === 0) continue;
      const feedsSides = new Set<string>();
      for (const side of s.sideInputs) {
        feedsSides.add(side.producer);
        for (const x of ancestorsOf(side.producer)) feedsSides.add(x);
      }
      for (const id of ancestorsOf(s.stage.id)) {
        const r = this.byId.get(id)!;
        if (r.stage.root.kind === "read" && !feedsSides.has(id)) r.throttledBy.push(s);
      }
    }
  }

  /** Splits bounded sources and opens unbounded readers; source errors name the Read step. */
  async openSources(): Promise<void> {
    for (const s of this.stages) {
      const root = s.stage.root;
      if (root.kind !== "read") continue;
      const source = root.transform.source;
      const within = <T>(p: Promise<T>, method = "split") => settleWithin(root.transform.fullName, method, p, this.options.taskTimeoutMs ?? 0);
      try {
        if (isUnboundedSource(source)) {
          const splits = await within(source.split(this.options.unboundedSplits));
          s.readers = splits.map((split) => source.createReader(split, undefined));
        } else {
          const size = source.estimateSizeBytes ? await within(source.estimateSizeBytes(), "estimateSizeBytes") : undefined;
          s.splits = [...(await within(source.split(this.options.desiredSplitBytes(size))))];
        }
      } catch (e) {
        throw userCodeError(root.transform.fullName, e);
      }
    }
  }

  /** Closes every unbounded reader; never throws. */
  async closeSources(): Promise<void> {
    for (const s of this.stages) {
      const step = s.stage.root.kind === "read" ? s.stage.root.transform.fullName : s.stage.id;
      for (const r of s.readers ?? []) await settleWithin(step, "close", r.close(), this.options.taskTimeoutMs ?? 0).catch(() => undefined);
    }
  }

  /** Whether the run reads unbounded sources (only such runs can go on forever: a TestStream ends with its script). */
  get readsUnboundedSources(): boolean {
    return this.stages.some((s) => s.stage.root.kind === "read" && isUnboundedSource(s.stage.root.transform.source));
  }

  // ---- work ----

  /**
   * The next runnable work, downstream stages first so that data is consumed before more is produced; it counts
   * as running (holding its stage's watermark) until {@link complete}.
   */
  nextWork(): Work<Ref> | undefined {
    const work = this.pickWork();
    if (work) this.byId.get(work.stage.id)!.running++;
    return work;
  }

  private pickWork(): Work<Ref> | undefined {
    for (let i = this.stages.length - 1; i >= 0; i--) {
      const s = this.stages[i]!;
      if (!this.commitGateOpen(s)) continue;
      const stage = s.stage;
      switch (s.kind) {
        case "impulse":
          if (!s.impulsePending) break;
          s.impulsePending = false;
          s.runningSources++;
          return { kind: "impulse", stage };
        case "read":
          if (s.splits && s.splits.length > 0) {
            s.runningSources++;
            return { kind: "read", stage, split: this.take(s.splits) };
          }
          if (s.elements.length > 0) return this.takeElements(s);
          break;
        case "testStream":
          if (s.elements.length > 0) return this.takeElements(s);
          break;
        case "collection": {
          const b = this.takeReadyBundle(s);
          if (!b) break;
          s.stats.elementsIn += b.elements;
          return { kind: "bundle", stage, pcollection: b.pcollection, data: b.data, hold: b.hold };
        }
        case "shuffle": {
          const work = this.nextGroupWork(s);
          if (work) return work;
          break;
        }
      }
    }
    return undefined;
  }

  /** Records what finished work produced and releases its holds. */
  complete(work: Work<Ref>, result: WorkResult<Ref>): void {
    const s = this.byId.get(work.stage.id)!;
    s.stats.bundles++;
    s.running--;
    for (const out of result.shuffle) {
      const target = this.byId.get(out.stage)!;
      const g = target.keyGroups[out.partition]!;
      g.pending.push(out.data);
      g.pendingRecords += out.records;
      if (out.hold < g.pendingHold) g.pendingHold = out.hold;
      const arrival = this.inputWatermark(target);
      if (arrival < g.pendingArrival) g.pendingArrival = arrival;
      s.stats.elementsOut += out.records;
      s.stats.shuffleBytesOut += out.bytes ?? 0;
    }
    for (const b of result.bundles) {
      const routing = this.plan.routing.get(b.pcollection)!;
      s.stats.elementsOut += b.elements;
      if (routing.isSideInput) this.options.onSideInputBundle?.(b.pcollection, b.data);
      for (const consumer of routing.collectionConsumers) {
        const c = this.byId.get(consumer)!;
        c.queue.push({ pcollection: b.pcollection, data: b.data, hold: b.minTimestamp, maxWindowEnd: b.maxWindowEnd, elements: b.elements });
        c.queuedElements += b.elements;
        if (c.sideInputs.length > 0 && c.queuedElements > c.stats.peakWaitingForSideInputs) c.stats.peakWaitingForSideInputs = c.queuedElements;
        c.owed.add(b.minTimestamp);
      }
    }
    switch (work.kind) {
      case "impulse":
      case "read":
        s.runningSources--;
        break;
      case "elements":
        s.elementsRunning -= work.elements.length;
        s.owed.remove(work.hold);
        break;
      case "bundle":
        s.owed.remove(work.hold);
        break;
      case "group": {
        const g = s.keyGroups[work.partition]!;
        const outcome = result.group;
        g.running = false;
        g.runningHold = TIMESTAMP_MAX_VALUE;
        g.hasState = outcome?.hasState ?? false;
        g.stateHold = g.hasState ? outcome!.hold : TIMESTAMP_MAX_VALUE;
        g.nextTimer = g.hasState ? outcome!.nextProcessingTimer : undefined;
        s.wave!.running--;
        if (s.wave!.running === 0 && s.wave!.waiting.length === 0) s.wave = undefined;
        break;
      }
    }
  }

  /** A work item is being run again (its worker died): counted in the stage's statistics. */
  retried(work: Work<Ref>): void {
    this.byId.get(work.stage.id)!.stats.retries++;
  }

  // ---- watermarks ----

  /** Recomputes every stage's output watermark in topological order; returns whether any moved. */
  updateWatermarks(): boolean {
    let moved = false;
    for (const s of this.stages) {
      const next = this.outputWatermarkOf(s);
      if (next > s.outputWatermark) {
        s.outputWatermark = next;
        moved = true;
      }
    }
    return moved;
  }

  /** Whether the stage's output watermark reached +∞: it will produce nothing more. */
  readonly isComplete = (stageId: string): boolean => this.byId.get(stageId)!.outputWatermark === TIMESTAMP_MAX_VALUE;

  allComplete(): boolean {
    return this.stages.every((s) => s.outputWatermark === TIMESTAMP_MAX_VALUE);
  }

  /** The stages that are not complete, for a stall's message. */
  incompleteStages(): string[] {
    return this.stages.filter((s) => s.outputWatermark < TIMESTAMP_MAX_VALUE).map((s) => s.stage.id);
  }

  private inputWatermark(s: StageSchedule<Ref>): Instant {
    let wm = TIMESTAMP_MAX_VALUE;
    for (const u of this.plan.upstream.get(s.stage.id)!) {
      const up = this.byId.get(u)!.outputWatermark;
      if (up < wm) wm = up;
    }
    return wm;
  }

  private outputWatermarkOf(s: StageSchedule<Ref>): Instant {
    const owed = s.owed.min();
    switch (s.kind) {
      case "impulse":
        return s.impulsePending || s.runningSources > 0 ? TIMESTAMP_MIN_VALUE : TIMESTAMP_MAX_VALUE;
      case "read":
        if (s.readers) return Math.min(this.readersWatermark(s), owed);
        return s.splits === undefined || s.splits.length > 0 || s.runningSources > 0 ? TIMESTAMP_MIN_VALUE : TIMESTAMP_MAX_VALUE;
      case "testStream":
        return Math.min(s.scriptWatermark, owed);
      case "collection":
        return Math.min(this.inputWatermark(s), owed);
      case "shuffle": {
        // A wave is one step: the watermark moves only once every key group in it has been grouped.
        if (s.wave) return s.outputWatermark;
        const input = this.inputWatermark(s);
        let out = input;
        for (const g of s.keyGroups) {
          if (g.pendingHold < out) out = g.pendingHold;
          if (g.stateHold < out) out = g.stateHold;
          if (g.runningHold < out) out = g.runningHold;
          // A side's hold is known only for the watermark it was last given: under triggers other than the default,
          // advancing it may still fire panes (an on-time pane, say), so the stage waits until it has seen the new one.
          if (s.dataDriven && g.hasState && g.seen < input && g.seen < out) out = g.seen;
        }
        return out;
      }
    }
  }

  private readersWatermark(s: StageSchedule<Ref>): Instant {
    if (this.sourcesStopped) return TIMESTAMP_MAX_VALUE; // drained: nothing more is read
    let wm = TIMESTAMP_MAX_VALUE;
    for (const r of s.readers!) {
      if (r.done) continue;
      const w = r.watermark();
      if (w < wm) wm = w;
    }
    return wm;
  }

  // ---- grouping ----

  private nextGroupWork(s: StageSchedule<Ref>): GroupWork<Ref> | undefined {
    if (!s.wave) {
      const watermark = this.inputWatermark(s);
      const now = this.options.clock.now();
      const waiting: number[] = [];
      for (const g of s.keyGroups) if (!g.running && this.isReady(s, g, watermark, now)) waiting.push(g.index);
      if (waiting.length === 0) return undefined;
      s.wave = { watermark, processingTime: now, waiting, running: 0 };
    }
    const wave = s.wave;
    const index = wave.waiting.shift();
    if (index === undefined) return undefined;
    const g = s.keyGroups[index]!;
    const work: GroupWork<Ref> = {
      kind: "group",
      stage: s.stage,
      partition: index,
      watermark: wave.watermark,
      arrivalWatermark: Math.max(g.seen, Math.min(wave.watermark, g.pendingArrival)),
      processingTime: wave.processingTime,
      records: g.pending,
    };
    s.stats.elementsIn += g.pendingRecords;
    g.runningHold = Math.min(g.pendingHold, g.stateHold);
    g.running = true;
    g.seen = wave.watermark;
    g.pending = [];
    g.pendingRecords = 0;
    g.pendingHold = TIMESTAMP_MAX_VALUE;
    g.pendingArrival = TIMESTAMP_MAX_VALUE;
    g.stateHold = TIMESTAMP_MAX_VALUE;
    g.nextTimer = undefined;
    wave.running++;
    return work;
  }

  /** Whether grouping key group `g` at `watermark` may emit or must take records now. */
  private isReady(s: StageSchedule<Ref>, g: KeyGroup<Ref>, watermark: Instant, now: Instant): boolean {
    const hasPending = g.pending.length > 0;
    if (!hasPending && !g.hasState) return false;
    const advanced = watermark > g.seen;
    const timerDue = g.nextTimer !== undefined && g.nextTimer < now;
    // Under the default trigger only the watermark fires windows, so records may wait for it (a batch job groups
    // each key group once); under other triggers records can fire panes by themselves, so they go at once.
    if (this.options.groupEagerly || s.dataDriven) return hasPending || advanced || timerDue;
    const hold = Math.min(g.pendingHold, g.stateHold);
    return advanced && (watermark > hold || watermark === TIMESTAMP_MAX_VALUE);
  }

  /** Whether some grouping state waits for a processing-time timer on the real clock. */
  timersPending(): boolean {
    if (this.options.clock.advance) return false; // the test clock moves only with the script
    return this.stages.some((s) => s.keyGroups.some((g) => g.nextTimer !== undefined));
  }

  /** Milliseconds until the earliest processing-time timer is due (Infinity: none). */
  msUntilNextTimer(): number {
    let next = Infinity;
    for (const s of this.stages) for (const g of s.keyGroups) if (g.nextTimer !== undefined && g.nextTimer < next) next = g.nextTimer;
    return next === Infinity ? Infinity : Math.max(1, next - this.options.clock.now() + 1);
  }

  // ---- sources ----

  /**
   * Polls the open unbounded readers (at most every {@link POLL_EVERY_MS} unless `force`) whose stage has no
   * elements waiting (back-pressure), queueing what they have as elements work. Returns whether anything arrived.
   */
  async pollSources(force: boolean): Promise<boolean> {
    const now = Date.now();
    if (this.sourcesStopped || (!force && now - this.lastPoll < POLL_EVERY_MS)) return false;
    this.lastPoll = now;
    let arrived = false;
    const limit = this.options.maxWaitingForSideInputs ?? MAX_WAITING_FOR_SIDE_INPUTS;
    for (const s of this.stages) {
      // One batch per reader waits at most (back-pressure), so a free worker finds elements to take at once.
      if (!s.readers || s.elements.length >= s.readers.length) continue;
      // Back-pressure from downstream steps holding main input back for side inputs that lag: what they hold and
      // what is on its way to them (read, queued or running here) stay within the budget, but for one poll.
      let onTheWay = s.elementsRunning;
      for (const e of s.elements) onTheWay += e.elements.length;
      if (s.throttledBy.some((t) => t.queuedElements + onTheWay >= limit)) continue;
      const root = s.stage.root as Extract<Stage["root"], { kind: "read" }>;
      const step = root.transform.fullName;
      for (const reader of s.readers) {
        if (reader.done) continue;
        let batch: readonly TimestampedValue<unknown>[];
        try {
          batch = await settleWithin(step, "read", reader.read(UNBOUNDED_BATCH), this.options.taskTimeoutMs ?? 0);
        } catch (e) {
          throw userCodeError(step, e);
        }
        if (batch.length === 0) continue;
        arrived = true;
        this.queueElements(
          s,
          batch.map((e) => ({ value: e.value, timestamp: checkSourceTimestamp(step, e), window: GLOBAL_WINDOW, pane: NO_FIRING })),
        );
      }
    }
    return arrived;
  }

  /** Whether an unbounded source may still produce elements. */
  hasOpenReaders(): boolean {
    return !this.sourcesStopped && this.stages.some((s) => s.readers?.some((r) => !r.done));
  }

  /**
   * Drains: no reader is polled again, and each unbounded source's watermark becomes +∞ once what it already read
   * is processed, so downstream windows fire as they would had the sources finished.
   */
  stopSources(): void {
    this.sourcesStopped = true;
  }

  /**
   * Applies the next TestStream event, if the script has one left; call only when nothing else is runnable (a
   * TestStream advances once everything before it has settled). Returns whether it did.
   */
  applyNextTestStreamEvent(): boolean {
    for (const s of this.stages) {
      const root = s.stage.root;
      if (root.kind !== "testStream") continue;
      const events = root.transform.events;
      if (s.nextEvent > events.length) return false;
      if (s.nextEvent === events.length) {
        // The script ends with advanceWatermarkToInfinity().
        s.nextEvent++;
        s.scriptWatermark = TIMESTAMP_MAX_VALUE;
        return true;
      }
      const event = events[s.nextEvent++]!;
      if (event.kind === "elements") {
        this.queueElements(
          s,
          event.elements.map((e) => ({ value: e.value, timestamp: e.timestamp, window: GLOBAL_WINDOW, pane: NO_FIRING })),
        );
      } else if (event.kind === "watermark") {
        s.scriptWatermark = event.to;
      } else {
        this.options.clock.advance!(event.by);
      }
      return true;
    }
    return false;
  }

  private queueElements(s: StageSchedule<Ref>, elements: WindowedValue[]): void {
    let hold = TIMESTAMP_MAX_VALUE;
    for (const e of elements) if (e.timestamp < hold) hold = e.timestamp;
    s.elements.push({ elements, hold });
    s.owed.add(hold);
  }

  private takeElements(s: StageSchedule<Ref>): Work<Ref> {
    const { elements, hold } = s.elements.shift()!;
    s.elementsRunning += elements.length;
    return { kind: "elements", stage: s.stage, elements, hold };
  }

  /** A finalizer stage waits for its commit gate: every stage not downstream of a finalizer is complete. */
  private commitGateOpen(s: StageSchedule<Ref>): boolean {
    const gate = this.plan.commitGates.get(s.stage.id);
    return gate === undefined || gate.every(this.isComplete);
  }

  /**
   * The next queued bundle whose side inputs are ready, as in Beam: for every side input, the side window its
   * latest main window reads is complete (the producer's watermark passed its end), or the producer is complete.
   * Bundles waiting for side inputs keep holding the stage's watermark.
   */
  private takeReadyBundle(s: StageSchedule<Ref>): QueuedBundle<Ref> | undefined {
    if (s.queue.length === 0) return undefined;
    let b: QueuedBundle<Ref>;
    if (s.sideInputs.length === 0) b = this.take(s.queue);
    else {
      const ready: number[] = [];
      for (let i = 0; i < s.queue.length; i++) if (this.sideInputsReady(s, s.queue[i]!.maxWindowEnd)) ready.push(i);
      if (ready.length === 0) return undefined;
      const pick = this.options.pick;
      const i = ready[pick && ready.length > 1 ? pick(ready.length) : 0]!;
      b = s.queue.splice(i, 1)[0]!;
    }
    s.queuedElements -= b.elements;
    return b;
  }

  private sideInputsReady(s: StageSchedule<Ref>, maxWindowEnd: Instant): boolean {
    for (const side of s.sideInputs) {
      const wm = this.byId.get(side.producer)!.outputWatermark;
      if (wm === TIMESTAMP_MAX_VALUE) continue;
      if (!(wm > sideInputReadyAt(side.windowing, maxWindowEnd, side.mapping))) return false;
    }
    return true;
  }

  private take<T>(items: T[]): T {
    const pick = this.options.pick;
    if (!pick || items.length === 1) return items.shift()!;
    const i = pick(items.length);
    const [item] = items.splice(i, 1);
    return item!;
  }

  // ---- reporting ----

  /** Per-stage statistics so far. */
  stageStats(elementCounts: ReadonlyMap<string, number>): StageStats[] {
    return this.stages.map((s) => {
      const root = s.stage.root;
      const elementsIn = root.kind === "read" || root.kind === "impulse" ? (elementCounts.get(root.transform.outputs.main!) ?? 0) : s.stats.elementsIn;
      return { ...s.stats, elementsIn };
    });
  }

  /** Each stage as a progress display shows it: its statistics so far, running work and output watermark. */
  progress(elementCounts: ReadonlyMap<string, number>): StageProgress[] {
    return this.stageStats(elementCounts).map((stats, i) => ({ ...stats, running: this.stages[i]!.running, outputWatermark: this.stages[i]!.outputWatermark }));
  }

  /** Elements read from sources so far. */
  elementsRead(elementCounts: ReadonlyMap<string, number>): number {
    let n = 0;
    for (const s of this.stages) {
      const root = s.stage.root;
      if (root.kind === "read") n += elementCounts.get(root.transform.outputs.main!) ?? 0;
    }
    return n;
  }

  /** The graph this job runs (for error messages). */
  get pipelineGraph(): PipelineGraph {
    return this.graph;
  }
}

function newKeyGroup<Ref>(index: number): KeyGroup<Ref> {
  return {
    index,
    pending: [],
    pendingRecords: 0,
    pendingHold: TIMESTAMP_MAX_VALUE,
    pendingArrival: TIMESTAMP_MAX_VALUE,
    hasState: false,
    stateHold: TIMESTAMP_MAX_VALUE,
    nextTimer: undefined,
    runningHold: TIMESTAMP_MAX_VALUE,
    running: false,
    seen: TIMESTAMP_MIN_VALUE,
  };
}

/** The step a stage starts with: its source, its grouping step, or its first transform. */
export function rootStep(stage: Stage): string {
  const root = stage.root;
  if (root.kind === "read" || root.kind === "impulse" || root.kind === "testStream") return root.transform.fullName;
  if (root.kind === "shuffle") return root.shuffle.step;
  return stage.transforms[0]?.fullName ?? stage.id;
}
