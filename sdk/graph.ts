/**
 * The expanded pipeline graph: plain data, the only contract between the SDK and the runners.
 *
 * Nodes are transforms keyed by their unique full name (`WordCount/CountWords/Combine/GroupByKey`); edges are
 * PCollections keyed by `<producer full name>.<output tag>`. Composite nodes keep their children so the graph can
 * be drawn at either level; runners execute only the primitives. User code (DoFns, sources, WindowFns, CombineFns)
 * hangs off the primitive nodes and is the only part that is not serialisable: a worker gets it by rebuilding the
 * same graph from the same pipeline module, checked with {@link graphFingerprint}.
 * @module
 */
import { createHash } from "node:crypto";
import type { BoundedSource } from "./model/source.js";
import type { UnboundedSource } from "./model/unbounded-source.js";
import type { TestStreamEvent } from "./testing/test-stream.js";
import type { DoFn } from "./model/dofn.js";
import type { PCollectionView } from "./model/view.js";
import type { WindowFn } from "./model/window-fn.js";
import { describeWindowing, type WindowingStrategy } from "./model/windowing-strategy.js";
import type { Coder } from "./model/coder.js";
import type { CombineFn } from "./model/combine-fn.js";

/** The primitives every transform expands to. */
export type PrimitiveKind = "Impulse" | "Read" | "ParDo" | "GroupByKey" | "Flatten" | "AssignWindows" | "TestStream";

/** An edge of the graph. */
export interface PCollectionNode {
  /** `<producer full name>.<tag>` */
  readonly id: string;
  /** Full name of the primitive that produces it. */
  readonly producer: string;
  /** Which output of the producer it is: `main`, or the tag of a ParDo's tagged output. */
  readonly tag: string;
  /**
   * Whether it is finite. Impulse and Read outputs are bounded; ParDo, GroupByKey and AssignWindows keep their
   * input's boundedness; a Flatten is bounded only when all its inputs are.
   */
  readonly isBounded: boolean;
  /**
   * How its elements are windowed and when a GroupByKey emits panes for them: the producer's input's strategy,
   * replaced by AssignWindows (`windowInto`); {@link GLOBAL_WINDOWING} for Impulse and Read outputs.
   */
  readonly windowing: WindowingStrategy;
  /** Set by `PCollection.setCoder`; absent means the default (msgpack) coder. */
  coder?: Coder<unknown>;
}

interface NodeBase {
  /**
   * The step's unique name: the names of the enclosing composites and its own, joined by `/`
   * (`WordCount/CountWords/Combine/GroupByKey`). Its key in {@link PipelineGraph.transforms}.
   */
  readonly fullName: string;
  /** Full name of the enclosing composite, `undefined` at the top level. */
  readonly parent: string | undefined;
  /** Main inputs (PCollection ids), in order. */
  readonly inputs: readonly string[];
  /** Outputs by tag (PCollection ids). */
  readonly outputs: Readonly<Record<string, string>>;
  /** The user's stack frame that applied the transform (`at file:line:col`), shown in errors; not part of identity. */
  readonly appliedAt?: string;
}

/** A composite transform: only structure; its children do the work. */
export interface CompositeNode extends NodeBase {
  /** Discriminant: a composite, which runners do not execute. */
  readonly kind: "Composite";
  /** Full names of the transforms applied directly inside it, in application order. */
  readonly children: readonly string[];
  /** Set on `combinePerKey` composites: runners may lift the combine (partial combine before the shuffle). */
  readonly combineFn?: CombineFn<unknown, unknown, unknown>;
}
/**
 * The Impulse primitive: no inputs; its bounded output holds a single `null` element at the minimum timestamp in
 * the global window, the root to hang a DoFn that produces data from.
 */
export interface ImpulseNode extends NodeBase {
  /** Discriminant: Impulse. */
  readonly kind: "Impulse";
}
/** The Read primitive: no inputs; its bounded output holds every element of a bounded source, in the global window. */
export interface ReadNode extends NodeBase {
  /** Discriminant: Read. */
  readonly kind: "Read";
  /**
   * The source; runners split it into pieces they may read in parallel. A bounded source is read split by split;
   * an unbounded one (see `isUnboundedSource`) through readers polled as data arrives. User code, not
   * serialisable.
   */
  readonly source: BoundedSource<unknown> | UnboundedSource<unknown>;
}
/**
 * The ParDo primitive: runs a DoFn on every element of its one main input (once per window the element is in),
 * writing to the main output and to any tagged outputs.
 */
export interface ParDoNode extends NodeBase {
  /** Discriminant: ParDo. */
  readonly kind: "ParDo";
  /** The user's DoFn. User code, not serialisable. */
  readonly doFn: DoFn<unknown, unknown, Record<string, unknown>>;
  /**
   * The views the DoFn may read with `ctx.sideInput(view)`, and only those. Their PCollections are read by this
   * step too (see {@link consumersOf}) but are not listed in `inputs`.
   */
  readonly sideInputs: readonly PCollectionView<unknown>[];
  /** Tag of the main output; the other output tags are tagged outputs. */
  readonly mainTag: string;
  /**
   * A finalizer runs only once every step that is not downstream of a finalizer has completed successfully: the
   * commit phase of a job. Sinks publish their output in one (writeText renames its files there), so a job that
   * fails anywhere leaves no output behind.
   */
  readonly finalizer?: boolean;
}
/**
 * The GroupByKey primitive (the shuffle): groups a KV PCollection's values by key within each window and emits
 * one `KV<K, V[]>` per key and window each time the windowing strategy's trigger fires (one pane per firing).
 */
export interface GroupByKeyNode extends NodeBase {
  /** Discriminant: GroupByKey. */
  readonly kind: "GroupByKey";
}
/** The Flatten primitive: the union of its inputs, which all have the same windowing strategy. */
export interface FlattenNode extends NodeBase {
  /** Discriminant: Flatten. */
  readonly kind: "Flatten";
}
/**
 * The AssignWindows primitive (`windowInto`): puts each element into the windows its WindowFn assigns; its
 * output carries the new windowing strategy that downstream GroupByKeys apply.
 */
export interface AssignWindowsNode extends NodeBase {
  /** Discriminant: AssignWindows. */
  readonly kind: "AssignWindows";
  /** Assigns each element's windows from its timestamp. User code, not serialisable. */
  readonly windowFn: WindowFn;
  /**
   * `configureWindowing`: elements keep the windows they have (the WindowFn only names the windowing), and only
   * the strategy changes.
   */
  readonly keepWindows?: boolean;
}

/** A node the runners execute: one of the primitives, told apart by `kind` ({@link PrimitiveKind}). */
export type PrimitiveNode = ImpulseNode | ReadNode | ParDoNode | GroupByKeyNode | FlattenNode | AssignWindowsNode | TestStreamNode;

/** A scripted unbounded source for tests: runners apply its events in order, on a test clock. */
export interface TestStreamNode extends NodeBase {
  /** Discriminant: TestStream. */
  readonly kind: "TestStream";
  /** The script (plain data). */
  readonly events: readonly TestStreamEvent[];
}
/** Any node of the graph: a composite (structure only) or a primitive. */
export type TransformNode = CompositeNode | PrimitiveNode;

/** The whole expanded graph. Read-only once the pipeline is built. */
export interface PipelineGraph {
  /** Every transform, composites and primitives, by full name. */
  readonly transforms: ReadonlyMap<string, TransformNode>;
  /** Every PCollection, by id (`<producer full name>.<tag>`). */
  readonly pcollections: ReadonlyMap<string, PCollectionNode>;
  /** Top-level transforms, in application order. */
  readonly roots: readonly string[];
}

/**
 * The primitives of a graph in application order, which is a topological order.
 * @example
 * for (const node of primitives(pipeline.graph)) console.log(node.kind, node.fullName);
 */
export function primitives(graph: PipelineGraph): PrimitiveNode[] {
  const out: PrimitiveNode[] = [];
  const visit = (name: string): void => {
    const node = graph.transforms.get(name)!;
    if (node.kind === "Composite") node.children.forEach(visit);
    else out.push(node);
  };
  graph.roots.forEach(visit);
  return out;
}

/**
 * The primitives that read a PCollection, as a main input or as a side input.
 * @example
 * const readers = consumersOf(pipeline.graph, words.id).map((node) => node.fullName);
 */
export function consumersOf(graph: PipelineGraph, pcollectionId: string): PrimitiveNode[] {
  return primitives(graph).filter(
    (t) => t.inputs.includes(pcollectionId) || (t.kind === "ParDo" && t.sideInputs.some((v) => v.pcollection.id === pcollectionId)),
  );
}

/**
 * A hash of everything about the graph except user code: names, kinds, edges, windowing, coders. Two builds of
 * the same pipeline module with the same arguments have the same fingerprint; a worker that computes another one
 * refuses to run.
 * @example
 * graphFingerprint(pipeline.graph); // 16 hex digits, e.g. "3f2a9c0d81b4e675"
 */
export function graphFingerprint(graph: PipelineGraph): string {
  const hash = createHash("sha256");
  for (const [name, node] of [...graph.transforms].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const side =
      node.kind === "ParDo"
        ? node.sideInputs.map((v) => `${v.kind}:${v.pcollection.id}`).join(",") + (node.finalizer ? "|finalizer" : "")
        : node.kind === "AssignWindows" && node.keepWindows
          ? "keepWindows"
          : "";
    hash.update(`T|${name}|${node.kind}|${node.inputs.join(",")}|${JSON.stringify(node.outputs)}|${side}\n`);
  }
  for (const [id, pc] of [...graph.pcollections].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`P|${id}|${pc.isBounded}|${describeWindowing(pc.windowing)}|${pc.coder?.name ?? ""}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}
