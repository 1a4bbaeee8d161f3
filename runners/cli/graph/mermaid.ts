/**
 * Renders a pipeline graph as a Mermaid flowchart (paste it into a Markdown file on GitHub, or mermaid.live).
 * @module
 */
import type { PipelineGraph } from "../../../sdk/graph.js";
import { clusterContents, edgeLabel, graphView, viewIds, type GraphLevel, type ViewEdge, type ViewNode } from "./view.js";

/**
 * The graph as Mermaid `flowchart` text. Sources are stadiums, GroupByKeys hexagons, collapsed composites
 * double-sided boxes; side inputs are dotted edges and unbounded PCollections thick edges marked `(unbounded)`.
 * @example
 * renderMermaid(pipeline.graph, { level: "expanded" });
 * // flowchart TB
 * //   n0(["Impulse"])
 * //   ...
 */
export function renderMermaid(graph: PipelineGraph, options: { level: GraphLevel }): string {
  const view = graphView(graph, options.level);
  const ids = viewIds(view);
  const inside = clusterContents(view);
  const lines = ["flowchart TB"];
  const emit = (cluster: string | undefined, indent: string): void => {
    const { clusters, nodes } = inside(cluster);
    for (const n of nodes) lines.push(`${indent}${ids.node(n.id)}${shape(n)}`);
    for (const c of clusters) {
      lines.push(`${indent}subgraph ${ids.cluster(c.id)}["${escapeMermaid(c.label)}"]`);
      emit(c.id, `${indent}  `);
      lines.push(`${indent}end`);
    }
  };
  emit(undefined, "  ");
  for (const e of view.edges) lines.push(`  ${ids.node(e.from)} ${arrow(e)}|"${escapeMermaid(edgeLabel(e))}"| ${ids.node(e.to)}`);
  return `${lines.join("\n")}\n`;
}

/**
 * Makes text safe inside a double-quoted Mermaid label: characters Mermaid would read as syntax, HTML or
 * Markdown become entity codes (`#quot;`, `#lt;`, ...), and line breaks become spaces.
 * @example
 * escapeMermaid('say "hi"'); // "say #quot;hi#quot;"
 */
export function escapeMermaid(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/[#"<>&|`\\]/g, (ch) => (ch === '"' ? "#quot;" : `#${ch.charCodeAt(0)};`));
}

function shape(n: ViewNode): string {
  const label = `"${escapeMermaid(n.label)}"`;
  switch (n.kind) {
    case "Impulse":
    case "TestStream":
    case "Read":
      return `([${label}])`;
    case "GroupByKey":
      return `{{${label}}}`;
    case "Composite":
      return `[[${label}]]`;
    default:
      return `[${label}]`;
  }
}

function arrow(e: ViewEdge): string {
  if (e.sideInput) return "-.->";
  return e.unbounded ? "==>" : "-->";
}
