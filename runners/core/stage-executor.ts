/**
 * Runs one fused stage: builds its operators and wires them, then processes bundles through them with plain
 * function calls. The runner feeds each bundle (a source split, a materialised bundle, or a firing of the
 * stage's GroupByKey) and provides the transport for what leaves the stage.
 * @module
 */
import type { PipelineGraph } from "../../sdk/graph.js";
import type { TeardownReason } from "../../sdk/model/dofn.js";
import type { ExecutionPlan, ShuffleSpec, Stage } from "./execution-plan.js";
import { BundleBuffer, PCollectionOutput, type Receiver, type WindowedValue } from "./receiver.js";
import type { Operator } from "./operators/operator.js";
import { ParDoOperator, type SideInputReader } from "./operators/par-do-operator.js";
import { elementWiseOperator } from "./operators/element-wise-operator.js";
import { AssignWindowsOperator } from "./operators/assign-windows-operator.js";
import { ShuffleWriteOperator } from "./operators/shuffle-write-operator.js";
import { PartialCombineOperator } from "./operators/partial-combine-operator.js";
import type { ShuffleWriter } from "./shuffle.js";
import type { MetricsRegistry } from "./metrics-container.js";
import { CheckingBundleBuffer, checkingShuffleWriter } from "./boundary-check.js";
import type { StatefulRootOutput } from "./stateful-dofn-side.js";

/** What a runner provides to a stage executor. */
export interface StageEnvironment {
  readonly graph: PipelineGraph;
  readonly plan: ExecutionPlan;
  /** The writer for records entering a shuffle. */
  shuffleWriter(shuffle: ShuffleSpec): ShuffleWriter;
  /** Receives each finished bundle of a PCollection that leaves the stage (to other stages or a side input). */
  emitBundle(pcollection: string, elements: WindowedValue[]): void;
  readonly sideInputs: SideInputReader;
  readonly metrics: MetricsRegistry;
  /**
   * How long one async call of user code (a DoFn's lifecycle method, a read of the source) may take to settle, in
   * ms; 0 for no limit (`--taskTimeout`, see `liveness.ts`).
   */
  readonly taskTimeoutMs: number;
  /**
   * Check that elements leaving the stage (into shuffles, bundles and side inputs) would encode, with the same
   * rules and messages as the parallel runners' codec (`boundary-check.ts`): the direct runner's model check.
   * Default: no (a transport that encodes them anyway does not need it).
   */
  readonly checkEncodability?: boolean;
  /**
   * A runner's check on what the stage's sources and DoFns emit (the direct runner freezes it,
   * `runners/direct/frozen-edges.ts`): called once per PCollection a Read or a ParDo of the stage produces, once
   * the stage is wired, with that PCollection's consumers; the receiver it returns sees each element before them.
   * Absent, or returning `undefined`: the edge is left as it is, so a runner without checks pays nothing per
   * element.
   */
  readonly checkEmitted?: (pcollection: string, consumers: readonly Receiver[]) => Receiver | undefined;
}

export class StageExecutor {
  /** The stage's operators in topological order; the shuffle writers and partial combines come last. */
  private readonly operators: Operator[] = [];
  private readonly outputs = new Map<string, PCollectionOutput>();
  private readonly buffers = new Map<string, BundleBuffer>();
  /** For collection-rooted stages: where the elements of each incoming PCollection go. */
  private readonly inputs = new Map<string, PCollectionOutput>();
  private isSetUp = false;
  /** For a stateful ParDo's stage: the root output its key-group side emits to (see `stateful-dofn-side.ts`). */
  private readonly statefulRoot: StatefulRootOutput | undefined;

  constructor(
    readonly stage: Stage,
    private readonly env: StageEnvironment,
  ) {
    for (const pc of stage.produces) this.outputs.set(pc, new PCollectionOutput(pc));
    const stateful = stage.root.kind === "shuffle" ? stage.root.shuffle.stateful : undefined;
    if (stateful) {
      // The DoFn's lifecycle (setup, startBundle, finishBundle, teardown) runs as any ParDo's does; its process and
      // timer callbacks are called by the key-group side, which emits through `statefulRoot`.
      const outs = Object.fromEntries(Object.entries(stateful.outputs).map(([tag, pc]) => [tag, this.outputs.get(pc)!]));
      this.operators.push(new ParDoOperator(stateful, outs, env.metrics.forStep(stateful.fullName), env.sideInputs, env.taskTimeoutMs));
      const main = outs[stateful.mainTag]!;
      const metrics = env.metrics.forStep(stateful.fullName);
      this.statefulRoot = {
        receive: (value, timestamp, window, pane) => main.receive(value, timestamp, window, pane),
        tagged: (tag) => {
          // As ParDoOperator's outputTo: any declared tag, the main one included.
          const r = Object.hasOwn(outs, tag) ? outs[tag] : undefined;
          if (!r) throw new Error(`unknown output tag '${tag}'; declared tags: ${Object.keys(outs).join(", ")}`);
          return r;
        },
        metrics,
      };
    }
    for (const t of stage.transforms) {
      let receiver: Receiver;
      if (t.kind === "ParDo") {
        const outs = Object.fromEntries(Object.entries(t.outputs).map(([tag, pc]) => [tag, this.outputs.get(pc)!]));
        const metrics = env.metrics.forStep(t.fullName);
        const op =
          elementWiseOperator(t, outs[t.mainTag]!, metrics) ?? new ParDoOperator(t, outs, metrics, env.sideInputs, env.taskTimeoutMs);
        this.operators.push(op);
        receiver = op;
      } else if (t.kind === "AssignWindows") {
        const op = new AssignWindowsOperator(t, this.outputs.get(t.outputs.main!)!);
        this.operators.push(op);
        receiver = op;
      } else if (t.kind === "Flatten") {
        receiver = this.outputs.get(t.outputs.main!)!;
      } else {
        throw new Error(`internal: ${t.kind} '${t.fullName}' cannot be fused into stage ${stage.id}`);
      }
      for (const pc of t.inputs) this.sourceOf(pc).addTarget(receiver);
    }
    const check = env.checkEncodability ?? false;
    for (const pc of stage.produces) {
      const routing = env.plan.routing.get(pc)!;
      const output = this.outputs.get(pc)!;
      for (const shuffle of routing.shuffles) {
        const writer = check ? checkingShuffleWriter(env.shuffleWriter(shuffle), shuffle, env.graph) : env.shuffleWriter(shuffle);
        const op = shuffle.combineFn
          ? new PartialCombineOperator(shuffle.step, shuffle.combineFn, shuffle.windowing.timestampCombiner, writer)
          : new ShuffleWriteOperator(shuffle.gbk.fullName, writer, shuffle.stateful ? "a stateful DoFn's" : "GroupByKey");
        this.operators.push(op);
        output.addTarget(op);
      }
      if (routing.collectionConsumers.length > 0 || routing.isSideInput) {
        const buffer = check ? new CheckingBundleBuffer(env.graph, pc) : new BundleBuffer();
        this.buffers.set(pc, buffer);
        output.addTarget(buffer);
      }
    }
    if (env.checkEmitted) this.checkEmitted(env.checkEmitted);
  }

  /** Puts the runner's check first on every edge a source or a DoFn of the stage emits on. */
  private checkEmitted(check: NonNullable<StageEnvironment["checkEmitted"]>): void {
    const root = this.stage.root;
    const emitted = [
      ...(root.kind === "read" ? [root.transform.outputs.main!] : []),
      ...(root.kind === "shuffle" && root.shuffle.stateful ? Object.values(root.shuffle.stateful.outputs) : []),
      ...this.stage.transforms.flatMap((t) => (t.kind === "ParDo" ? Object.values(t.outputs) : [])),
    ];
    for (const pc of emitted) {
      const out = this.outputs.get(pc)!;
      const receiver = check(pc, out.consumers);
      if (receiver) out.addFirstTarget(receiver);
    }
  }

  /**
   * The receiver of the root's output (Impulse, Read, or the GroupByKey's grouping side); for a stateful ParDo's
   * stage a {@link StatefulRootOutput}, which also reaches its tagged outputs.
   */
  get rootOutput(): Receiver {
    if (this.statefulRoot) return this.statefulRoot;
    const root = this.stage.root;
    const pc =
      root.kind === "impulse" || root.kind === "read" || root.kind === "testStream"
        ? root.transform.outputs.main!
        : root.kind === "shuffle"
          ? root.shuffle.output
          : undefined;
    if (pc === undefined) throw new Error(`internal: stage ${this.stage.id} has a collection root`);
    return this.outputs.get(pc)!;
  }

  /** The receiver for elements of a PCollection materialised by another stage (collection roots). */
  inputReceiver(pcollection: string): Receiver {
    const r = this.inputs.get(pcollection);
    if (!r) throw new Error(`internal: stage ${this.stage.id} does not read ${pcollection}`);
    return r;
  }

  /** Runs one bundle: `startBundle` on every operator, then `feed`, then `finishBundle` and flushing outputs. */
  async runBundle(feed: () => void | Promise<void>): Promise<void> {
    if (!this.isSetUp) {
      this.isSetUp = true;
      for (const op of this.operators) await op.setup();
    }
    for (const op of this.operators) await op.startBundle();
    await feed();
    for (const op of this.operators) await op.finishBundle();
    for (const [pc, buffer] of this.buffers) {
      if (buffer.elements.length > 0) this.env.emitBundle(pc, buffer.take());
    }
  }

  /** See {@link StageEnvironment.taskTimeoutMs}. */
  get taskTimeoutMs(): number {
    return this.env.taskTimeoutMs;
  }

  /** Feeds elements read outside the stage (a TestStream event, an unbounded reader's poll) to its root's output. */
  feedRoot(elements: readonly WindowedValue[]): void {
    const r = this.rootOutput;
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i]!;
      r.receive(e.value, e.timestamp, e.window, e.pane);
    }
  }

  /** Feeds a materialised bundle to a collection-rooted stage. */
  feedBundle(pcollection: string, elements: readonly WindowedValue[]): void {
    const r = this.inputReceiver(pcollection);
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i]!;
      r.receive(e.value, e.timestamp, e.window, e.pane);
    }
  }

  /** Tears down every operator, telling DoFns why (see `TeardownReason`); never throws. */
  async teardown(reason: TeardownReason): Promise<void> {
    for (const op of this.operators) await op.teardown(reason);
  }

  /** Elements produced on each PCollection since the last call (then counting restarts at zero). */
  takeElementCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [pc, o] of this.outputs) {
      if (o.count > 0) out.set(pc, o.count);
      o.count = 0;
    }
    return out;
  }

  /** Elements produced on each PCollection of the stage so far. */
  elementCounts(): Map<string, number> {
    return new Map([...this.outputs].map(([pc, o]) => [pc, o.count]));
  }

  /** Where elements of `pc` come from inside this stage: its producer, or the stage's input for it. */
  private sourceOf(pc: string): PCollectionOutput {
    const produced = this.outputs.get(pc);
    if (produced) return produced;
    let input = this.inputs.get(pc);
    if (!input) this.inputs.set(pc, (input = new PCollectionOutput(pc)));
    return input;
  }
}
