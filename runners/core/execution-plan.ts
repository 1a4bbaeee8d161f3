/**
 * The execution plan: the expanded graph cut into fused stages. Runners schedule stages; the core runs them.
 * @module
 */
import type { CombineFn } from "../../sdk/model/combine-fn.js";
import type { GroupByKeyNode, ImpulseNode, ParDoNode, PrimitiveNode, ReadNode, TestStreamNode } from "../../sdk/graph.js";
import type { WindowingStrategy } from "../../sdk/model/windowing-strategy.js";

/** Where a stage's elements come from. */
export type StageRoot =
  /** The one element of an Impulse. */
  | { readonly kind: "impulse"; readonly transform: ImpulseNode }
  /** The splits of a source (bounded: read split by split; unbounded: readers polled as data arrives). */
  | { readonly kind: "read"; readonly transform: ReadNode }
  /** A TestStream's scripted events, applied in order on a test clock. */
  | { readonly kind: "testStream"; readonly transform: TestStreamNode }
  /**
   * The groups a GroupByKey emits as its trigger fires (combined, when the GroupByKey belongs to a lifted combine),
   * or what a stateful ParDo emits for its keyed input (`shuffle.stateful`).
   */
  | { readonly kind: "shuffle"; readonly shuffle: ShuffleSpec }
  /** Bundles of PCollections materialised by other stages (a Flatten of several stages, a ParDo with side inputs). */
  | { readonly kind: "collection"; readonly pcollections: readonly string[] };

/**
 * A GroupByKey (possibly with a lifted CombineFn), or the key partitioning before a stateful ParDo, as both ends
 * of a shuffle see it.
 */
export interface ShuffleSpec {
  /**
   * The primitive whose input is shuffled: the GroupByKey, or the stateful ParDo (its name names the shuffle;
   * nothing else of it is read through this field).
   */
  readonly gbk: GroupByKeyNode | ParDoNode;
  /**
   * Present when the shuffle keys the input of a stateful ParDo (Beam's keying of a stateful ParDo): its grouping
   * side runs the DoFn with its state and timers, and the stage's root outputs are the ParDo's outputs.
   */
  readonly stateful?: ParDoNode;
  /** The PCollection written into the shuffle (the GroupByKey's input). */
  readonly input: string;
  /** The PCollection the grouped (or combined) results are emitted on (a stateful ParDo's main output). */
  readonly output: string;
  /** The step named in errors and metrics for the grouping side (the Combine ParDo when lifted, the stateful ParDo). */
  readonly step: string;
  /** Present when the combine is lifted: the shuffle carries accumulators and emits `KV<key, output>`. */
  readonly combineFn?: CombineFn<unknown, unknown, unknown>;
  readonly windowing: WindowingStrategy;
}

/** A fused stage: a root and the element-wise primitives chained after it, run as plain function calls. */
export interface Stage {
  /** `S0`, `S1`, ... in topological order. */
  readonly id: string;
  readonly root: StageRoot;
  /** ParDo, AssignWindows and Flatten primitives of the stage, in topological order. */
  readonly transforms: readonly PrimitiveNode[];
  /** Every PCollection produced inside the stage (including the root's outputs). */
  readonly produces: readonly string[];
}

/** How elements of a PCollection leave the stage that produces it. */
export interface PCollectionRouting {
  /** Shuffles this PCollection feeds (GroupByKeys reading it). */
  readonly shuffles: readonly ShuffleSpec[];
  /** Stages that read it as a materialised collection. */
  readonly collectionConsumers: readonly string[];
  /** Whether some ParDo reads it as a side input. */
  readonly isSideInput: boolean;
}

/** The whole plan. */
export interface ExecutionPlan {
  readonly stages: readonly Stage[];
  /** Which stage produces each PCollection. */
  readonly producerStage: ReadonlyMap<string, string>;
  readonly routing: ReadonlyMap<string, PCollectionRouting>;
  /** For each stage: the stages whose output watermarks bound its input watermark (main inputs only). */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  /** For each stage: the stages producing its side inputs (it waits for them to be complete). */
  readonly sideInputStages: ReadonlyMap<string, readonly string[]>;
  /**
   * For each stage rooted at a finalizer ParDo: the stages that must all be complete before it may start (every
   * stage not downstream of a finalizer). Runners hold the finalizer's input until then.
   */
  readonly commitGates: ReadonlyMap<string, readonly string[]>;
}
