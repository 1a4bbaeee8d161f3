/**
 * Renders a pipeline graph in Graphviz DOT (`sluice graph --format dot | dot -Tpng > graph.png`).
 * @module
 */
import type { PipelineGraph } from "../../../sdk/graph.js";
import { clusterContents, edgeLabel, graphView, viewIds, type GraphLevel, type ViewEdge, type ViewNode } from "./view.js";

/**
 * The graph as a DOT `digraph`. Composites are clusters at the expanded level (boxes with a 3-D edge when
 * collapsed); sources are ovals, GroupByKeys hexagons, Flattens trapezia; side inputs are dashed edges and
 * unbounded PCollections bold edges marked `(unbounded)`. Each node's tooltip is its full name.
 * @example
 * renderDot(pipeline.graph, { level: "composite", name: "wordcount" });
 * // digraph "wordcount" {
 * //   ...
 */
export function renderDot(graph: PipelineGraph, options: { level: GraphLevel; name?: string }): string {
  const view = graphView(graph, options.level);
  const ids = viewIds(view);
  const inside = clusterContents(view);
  const lines = [
    `digraph ${quote(options.name ?? "pipeline")} {`,
    "  rankdir=TB;",
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const emit = (cluster: string | undefined, indent: string): void => {
    const { clusters, nodes } = inside(cluster);
    for (const n of nodes) lines.push(`${indent}${quote(ids.node(n.id))} [${nodeAttributes(n)}];`);
    for (const c of clusters) {
      // Graphviz draws a box around a subgraph only when its name starts with "cluster".
      lines.push(`${indent}subgraph ${quote(`cluster_${ids.cluster(c.id)}`)} {`);
      lines.push(`${indent}  label=${quote(c.label)}; tooltip=${quote(c.id)}; style="rounded,dashed"; color=gray40;`);
      emit(c.id, `${indent}  `);
      lines.push(`${indent}}`);
    }
  };
  emit(undefined, "  ");
  for (const e of view.edges) lines.push(`  ${quote(ids.node(e.from))} -> ${quote(ids.node(e.to))} [${edgeAttributes(e)}];`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/**
 * A DOT double-quoted string: backslashes (which start DOT escapes such as `\N`) and quotes are escaped, line
 * breaks become spaces.
 * @example
 * quote('a "b"'); // '"a \\"b\\""'
 */
export function quote(text: string): string {
  return `"${text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

const SHAPES: Readonly<Record<ViewNode["kind"], string>> = {
  Impulse: "oval",
  Read: "oval",
  TestStream: "oval",
  GroupByKey: "hexagon",
  Flatten: "invtrapezium",
  ParDo: "box",
  AssignWindows: "box",
  Composite: "box3d",
};

function nodeAttributes(n: ViewNode): string {
  return `label=${quote(n.label)}, tooltip=${quote(n.id)}, shape=${SHAPES[n.kind]}`;
}

function edgeAttributes(e: ViewEdge): string {
  const attributes = [`label=${quote(edgeLabel(e))}`, `tooltip=${quote(e.pcollection)}`];
  if (e.sideInput) attributes.push("style=dashed");
  else if (e.unbounded) attributes.push("style=bold");
  return attributes.join(", ");
}
