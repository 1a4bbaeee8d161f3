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
import type { DoFn } from "./model/dofn.js";
import type { PCollectionView } from "./model/view.js";
import type { WindowFn } from "./model/window-fn.js";
import { describeWindowing, type WindowingStrategy } from "./model/windowing-strategy.js";
import type { Coder } from "./model/coder.js";
import type { CombineFn } from "./model/combine-fn.js";

/** The primitives every transform expands to. */
export type PrimitiveKind = "Impulse" | "Read" | "ParDo" | "GroupByKey" | "Flatten" | "AssignWindows";

/** An edge of the graph. */
export interface PCollectionNode {
  /** `<producer full name>.<tag>` */
  readonly id: string;
  /** Full name of the primitive that produces it. */
  readonly producer: string;
  readonly tag: string;
  readonly isBounded: boolean;
  readonly windowing: WindowingStrategy;
  /** Set by `PCollection.setCoder`; absent means the default (msgpack) coder. */
  coder?: Coder<unknown>;
}

interface NodeBase {
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
  readonly kind: "Composite";
  readonly children: readonly string[];
  /** Set on `combinePerKey` composites: runners may lift the combine (partial combine before the shuffle). */
  readonly combineFn?: CombineFn<unknown, unknown, unknown>;
}
export interface ImpulseNode extends NodeBase {
  readonly kind: "Impulse";
}
export interface ReadNode extends NodeBase {
  readonly kind: "Read";
  readonly source: BoundedSource<unknown>;
}
export interface ParDoNode extends NodeBase {
  readonly kind: "ParDo";
  readonly doFn: DoFn<unknown, unknown, Record<string, unknown>>;
  readonly sideInputs: readonly PCollectionView<unknown>[];
  /** Tag of the main output; the other output tags are tagged outputs. */
  readonly mainTag: string;
}
export interface GroupByKeyNode extends NodeBase {
  readonly kind: "GroupByKey";
}
export interface FlattenNode extends NodeBase {
  readonly kind: "Flatten";
}
export interface AssignWindowsNode extends NodeBase {
  readonly kind: "AssignWindows";
  readonly windowFn: WindowFn;
}

export type PrimitiveNode = ImpulseNode | ReadNode | ParDoNode | GroupByKeyNode | FlattenNode | AssignWindowsNode;
export type TransformNode = CompositeNode | PrimitiveNode;

/** The whole expanded graph. Read-only once the pipeline is built. */
export interface PipelineGraph {
  readonly transforms: ReadonlyMap<string, TransformNode>;
  readonly pcollections: ReadonlyMap<string, PCollectionNode>;
  /** Top-level transforms, in application order. */
  readonly roots: readonly string[];
}

/** The primitives of a graph in application order, which is a topological order. */
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

/** The primitives that read a PCollection, as a main input or as a side input. */
export function consumersOf(graph: PipelineGraph, pcollectionId: string): PrimitiveNode[] {
  return primitives(graph).filter(
    (t) => t.inputs.includes(pcollectionId) || (t.kind === "ParDo" && t.sideInputs.some((v) => v.pcollection.id === pcollectionId)),
  );
}

/**
 * A hash of everything about the graph except user code: names, kinds, edges, windowing, coders. Two builds of
 * the same pipeline module with the same arguments have the same fingerprint; a worker that computes another one
 * refuses to run.
 */
export function graphFingerprint(graph: PipelineGraph): string {
  const hash = createHash("sha256");
  for (const [name, node] of [...graph.transforms].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const side = node.kind === "ParDo" ? node.sideInputs.map((v) => `${v.kind}:${v.pcollection.id}`).join(",") : "";
    hash.update(`T|${name}|${node.kind}|${node.inputs.join(",")}|${JSON.stringify(node.outputs)}|${side}\n`);
  }
  for (const [id, pc] of [...graph.pcollections].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`P|${id}|${pc.isBounded}|${describeWindowing(pc.windowing)}|${pc.coder?.name ?? ""}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}
