/**
 * What `sluice graph` draws, at either level, as plain data the renderers turn into text.
 *
 * ```
 *  PipelineGraph ──graphView(level)──▶ GraphView { nodes, clusters, edges } ──▶ mermaid.ts / dot.ts
 * ```
 *
 * - `composite`: one node per top-level transform; a PCollection becomes an edge between the top-level
 *   transforms that contain its producer and its consumer (edges inside one composite disappear).
 * - `expanded`: one node per primitive, each inside the cluster of its enclosing composite (clusters nest).
 *
 * Keeping the projection apart from the syntax means both formats show the same picture and the renderers only
 * deal with escaping and layout.
 * @module
 */
import { primitives, type PCollectionNode, type PipelineGraph, type PrimitiveKind } from "../../../sdk/graph.js";

/** How much of the structure to show. */
export type GraphLevel = "composite" | "expanded";

/** The levels `--level` accepts. */
export const GRAPH_LEVELS: readonly GraphLevel[] = ["composite", "expanded"];

/** A box: a top-level transform (composite level) or a primitive (expanded level). */
export interface ViewNode {
  /** The transform's full name (unique). */
  readonly id: string;
  /** Its own name: the last segment of the full name. */
  readonly label: string;
  readonly kind: PrimitiveKind | "Composite";
  /** Full name of the cluster (enclosing composite) it is drawn in; `undefined` at the top level. */
  readonly cluster: string | undefined;
}

/** A composite drawn as a box around its parts (expanded level only). */
export interface ViewCluster {
  /** The composite's full name. */
  readonly id: string;
  readonly label: string;
  /** Full name of the enclosing cluster; `undefined` at the top level. */
  readonly parent: string | undefined;
}

/** A PCollection flowing from one node to another. */
export interface ViewEdge {
  readonly from: string;
  readonly to: string;
  /** Short PCollection name; see {@link shortPCollectionName}. */
  readonly label: string;
  /** The PCollection's id. */
  readonly pcollection: string;
  readonly unbounded: boolean;
  /** Read as a side input rather than as a main input. */
  readonly sideInput: boolean;
}

/** A graph projected for drawing. Nodes, clusters and edges are in application order (deterministic output). */
export interface GraphView {
  readonly nodes: readonly ViewNode[];
  /** Parents come before their children. */
  readonly clusters: readonly ViewCluster[];
  readonly edges: readonly ViewEdge[];
}

/**
 * The caption every renderer writes on an edge: the PCollection's short name, marked `(unbounded)` for a stream.
 * @example
 * edgeLabel({ label: "Read", unbounded: true }); // "Read (unbounded)"
 */
export function edgeLabel(e: Pick<ViewEdge, "label" | "unbounded">): string {
  return e.unbounded ? `${e.label} (unbounded)` : e.label;
}

/**
 * Projects a pipeline graph for drawing at `level`.
 * @example
 * const view = graphView(pipeline.graph, "composite");
 * view.nodes.map((n) => n.label); // ["Read", "CountWords", "Format"]
 */
export function graphView(graph: PipelineGraph, level: GraphLevel): GraphView {
  return level === "composite" ? compositeView(graph) : expandedView(graph);
}

/**
 * A PCollection's name on an edge: the last segment of its producer's full name, plus `.tag` for a tagged
 * (non-main) output. `WordCount/Split/ParDo.main` → `ParDo`; `Parse.errors` → `Parse.errors`.
 * @example
 * shortPCollectionName({ producer: "A/B", tag: "main" }); // "B"
 */
export function shortPCollectionName(pc: Pick<PCollectionNode, "producer" | "tag">): string {
  const own = lastSegment(pc.producer);
  return pc.tag === "main" ? own : `${own}.${pc.tag}`;
}

/** The last `/`-separated segment of a full name. */
export function lastSegment(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf("/") + 1);
}

function compositeView(graph: PipelineGraph): GraphView {
  const nodes = graph.roots.map((id): ViewNode => ({ id, label: id, kind: graph.transforms.get(id)!.kind, cluster: undefined }));
  const topLevel = (fullName: string): string => {
    let name = fullName;
    for (let p = graph.transforms.get(name)?.parent; p !== undefined; p = graph.transforms.get(p)?.parent) name = p;
    return name;
  };
  return { nodes, clusters: [], edges: edgesBetween(graph, topLevel) };
}

function expandedView(graph: PipelineGraph): GraphView {
  const prims = primitives(graph);
  const nodes = prims.map((t): ViewNode => ({ id: t.fullName, label: lastSegment(t.fullName), kind: t.kind, cluster: t.parent }));
  // Only composites that contain a primitive somewhere: an empty one has nothing to draw a box around.
  const used = new Set<string>();
  for (const t of prims) {
    for (let c = t.parent; c !== undefined && !used.has(c); c = graph.transforms.get(c)?.parent) used.add(c);
  }
  const clusters: ViewCluster[] = [];
  const visit = (name: string): void => {
    const node = graph.transforms.get(name)!;
    if (node.kind !== "Composite" || !used.has(name)) return;
    clusters.push({ id: name, label: lastSegment(name), parent: node.parent });
    node.children.forEach(visit);
  };
  graph.roots.forEach(visit);
  return { nodes, clusters, edges: edgesBetween(graph, (name) => name) };
}

/** One edge per (drawn producer, drawn consumer, PCollection, main/side), skipping edges inside one node. */
function edgesBetween(graph: PipelineGraph, drawnAs: (fullName: string) => string): ViewEdge[] {
  const edges: ViewEdge[] = [];
  const seen = new Set<string>();
  const add = (pcId: string, consumer: string, sideInput: boolean): void => {
    const pc = graph.pcollections.get(pcId);
    if (!pc) return;
    const from = drawnAs(pc.producer);
    const to = drawnAs(consumer);
    const key = `${from}\u0000${to}\u0000${pcId}\u0000${sideInput}`;
    if (from === to || seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to, label: shortPCollectionName(pc), pcollection: pcId, unbounded: !pc.isBounded, sideInput });
  };
  for (const t of primitives(graph)) {
    for (const input of t.inputs) add(input, t.fullName, false);
    if (t.kind === "ParDo") for (const view of t.sideInputs) add(view.pcollection.id, t.fullName, true);
  }
  return edges;
}

/** What is drawn directly inside one cluster (or at the top level). */
export interface ClusterContents {
  readonly clusters: readonly ViewCluster[];
  readonly nodes: readonly ViewNode[];
}

/**
 * Indexes a view by cluster, for renderers that nest clusters: `contentsOf(undefined)` is the top level.
 * @example
 * const inside = clusterContents(view);
 * inside(undefined).clusters; // the top-level composites
 */
export function clusterContents(view: GraphView): (cluster: string | undefined) => ClusterContents {
  const index = new Map<string | undefined, { clusters: ViewCluster[]; nodes: ViewNode[] }>();
  const at = (cluster: string | undefined) => {
    let entry = index.get(cluster);
    if (!entry) index.set(cluster, (entry = { clusters: [], nodes: [] }));
    return entry;
  };
  for (const c of view.clusters) at(c.parent).clusters.push(c);
  for (const n of view.nodes) at(n.cluster).nodes.push(n);
  return (cluster) => index.get(cluster) ?? { clusters: [], nodes: [] };
}

/**
 * Short, syntax-safe identifiers for the nodes (`n0`, `n1`, ...) and clusters (`c0`, ...) of a view, so that
 * transform names, which may contain any character but `/`, only ever appear inside escaped labels.
 */
export function viewIds(view: GraphView): { node(id: string): string; cluster(id: string): string } {
  const nodes = new Map(view.nodes.map((n, i) => [n.id, `n${i}`]));
  const clusters = new Map(view.clusters.map((c, i) => [c.id, `c${i}`]));
  return {
    node: (id) => nodes.get(id) ?? fail(`no node ${id}`),
    cluster: (id) => clusters.get(id) ?? fail(`no cluster ${id}`),
  };
}

function fail(message: string): never {
  throw new Error(`graph view: ${message}`);
}
