/**
 * Renders a pipeline graph as a standalone SVG (`sluice graph --format svg > graph.svg`), laid out by dagre
 * (a layered layout, as Graphviz's `dot` does), so nothing needs to be installed.
 * @module
 */
import type dagreModule from "@dagrejs/dagre";
import { lazyRequire } from "../../../sdk/internal/lazy-require.js";
import type { PipelineGraph } from "../../../sdk/graph.js";
import { edgeLabel, graphView, type GraphLevel, type ViewNode } from "./view.js";

/** Loaded at the first drawing: `sluice run` imports this module (through the CLI) but seldom draws. */
const dagre = lazyRequire<typeof dagreModule>("@dagrejs/dagre");

/** Text metrics without a font engine: Helvetica at these sizes averages about this much per character. */
const NODE_FONT = 12;
const EDGE_FONT = 10;
const CHAR_WIDTH = 0.6;
const NODE_HEIGHT = 32;
const CLUSTER_PADDING = 18;
const MARGIN = 16;

interface Laid {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The graph as an SVG document. The picture matches the DOT and Mermaid ones: composites are dashed boxes around
 * their parts at the expanded level (double-edged boxes when collapsed); sources are ellipses, GroupByKeys
 * hexagons, Flattens trapezia; side inputs are dashed edges, unbounded PCollections thick edges marked
 * `(unbounded)`. Every node, box and edge has a `<title>` with its full name (a tooltip in browsers), and each edge's
 * label its PCollection id in `data-pcollection` (the `--ui` page writes element counts next to it).
 * @example
 * fs.writeFileSync("wordcount.svg", renderSvg(pipeline.graph, { level: "composite", name: "wordcount" }));
 */
export function renderSvg(graph: PipelineGraph, options: { level: GraphLevel; name?: string }): string {
  const view = graphView(graph, options.level);
  const g = new (dagre().graphlib.Graph)({ compound: true, multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 44, edgesep: 12, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  // Ids of our own: full names may hold any character, and dagre keys are plain strings anyway.
  const nodeKey = new Map(view.nodes.map((n, i) => [n.id, `n${i}`]));
  const clusterKey = new Map(view.clusters.map((c, i) => [c.id, `c${i}`]));
  for (const c of view.clusters) {
    g.setNode(clusterKey.get(c.id)!, { width: 0, height: 0, paddingTop: CLUSTER_PADDING + NODE_FONT, paddingX: CLUSTER_PADDING });
    if (c.parent !== undefined) g.setParent(clusterKey.get(c.id)!, clusterKey.get(c.parent)!);
  }
  for (const n of view.nodes) {
    g.setNode(nodeKey.get(n.id)!, { width: textWidth(n.label, NODE_FONT) + 28, height: NODE_HEIGHT });
    if (n.cluster !== undefined) g.setParent(nodeKey.get(n.id)!, clusterKey.get(n.cluster)!);
  }
  view.edges.forEach((e, i) => {
    g.setEdge(nodeKey.get(e.from)!, nodeKey.get(e.to)!, { width: textWidth(edgeLabel(e), EDGE_FONT), height: EDGE_FONT + 4, labelpos: "c" }, `e${i}`);
  });
  dagre().layout(g);

  const size = g.graph() as { width?: number; height?: number };
  const width = Math.ceil(size.width ?? 0);
  const height = Math.ceil(size.height ?? 0);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(options.name ?? "pipeline")}</title>`,
    "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>",
  ];
  // Outer boxes first, so that inner ones and the nodes are drawn over them.
  for (const c of view.clusters) {
    const b = g.node(clusterKey.get(c.id)!) as Laid;
    const left = b.x - b.width / 2;
    const top = b.y - b.height / 2;
    out.push(
      `<g class="cluster"><title>${escapeXml(c.id)}</title>` +
        `<rect x="${num(left)}" y="${num(top)}" width="${num(b.width)}" height="${num(b.height)}" rx="8" fill="none" stroke="#666" stroke-dasharray="5,3"/>` +
        `<text x="${num(left + 8)}" y="${num(top + NODE_FONT + 4)}" font-size="${NODE_FONT}" fill="#444">${escapeXml(c.label)}</text></g>`,
    );
  }
  view.edges.forEach((e, i) => {
    const laid = g.edge(nodeKey.get(e.from)!, nodeKey.get(e.to)!, `e${i}`) as { points: { x: number; y: number }[]; x?: number; y?: number };
    const path = laid.points.map((p, j) => `${j === 0 ? "M" : "L"}${num(p.x)},${num(p.y)}`).join(" ");
    const style = e.sideInput ? ' stroke-dasharray="6,4"' : e.unbounded ? ' stroke-width="2.5"' : "";
    out.push(
      `<g class="edge"><title>${escapeXml(e.pcollection)}</title>` +
        `<path d="${path}" fill="none" stroke="#333"${style} marker-end="url(#arrow)"/>` +
        (laid.x !== undefined && laid.y !== undefined
          ? `<text x="${num(laid.x)}" y="${num(laid.y + EDGE_FONT / 2 - 1)}" font-size="${EDGE_FONT}" text-anchor="middle" fill="#555" data-pcollection="${escapeXml(e.pcollection)}">${escapeXml(edgeLabel(e))}</text>`
          : "") +
        "</g>",
    );
  });
  for (const n of view.nodes) {
    const b = g.node(nodeKey.get(n.id)!) as Laid;
    out.push(
      `<g class="node ${n.kind}"><title>${escapeXml(n.id)}</title>${shape(n, b)}` +
        `<text x="${num(b.x)}" y="${num(b.y + NODE_FONT / 2 - 1)}" font-size="${NODE_FONT}" text-anchor="middle">${escapeXml(n.label)}</text></g>`,
    );
  }
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

const FILL = 'fill="#f6f8fa" stroke="#333"';

/** The node's outline, by kind, centred on its laid-out box. */
function shape(n: ViewNode, b: Laid): string {
  const left = b.x - b.width / 2;
  const right = b.x + b.width / 2;
  const top = b.y - b.height / 2;
  const bottom = b.y + b.height / 2;
  switch (n.kind) {
    case "Impulse":
    case "Read":
    case "TestStream":
      return `<ellipse cx="${num(b.x)}" cy="${num(b.y)}" rx="${num(b.width / 2)}" ry="${num(b.height / 2)}" ${FILL}/>`;
    case "GroupByKey": {
      const cut = b.height / 2;
      return polygon([[left + cut, top], [right - cut, top], [right, b.y], [right - cut, bottom], [left + cut, bottom], [left, b.y]]);
    }
    case "Flatten": {
      const cut = b.height / 2;
      return polygon([[left, top], [right, top], [right - cut, bottom], [left + cut, bottom]]);
    }
    case "Composite":
      return (
        `<rect x="${num(left + 3)}" y="${num(top - 3)}" width="${num(b.width)}" height="${num(b.height)}" ${FILL}/>` +
        `<rect x="${num(left)}" y="${num(top)}" width="${num(b.width)}" height="${num(b.height)}" ${FILL}/>`
      );
    case "ParDo":
    case "AssignWindows":
      return `<rect x="${num(left)}" y="${num(top)}" width="${num(b.width)}" height="${num(b.height)}" rx="6" ${FILL}/>`;
  }
}

function polygon(points: readonly (readonly [number, number])[]): string {
  return `<polygon points="${points.map(([x, y]) => `${num(x)},${num(y)}`).join(" ")}" ${FILL}/>`;
}

function textWidth(text: string, fontSize: number): number {
  return Math.ceil(text.length * fontSize * CHAR_WIDTH);
}

function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/**
 * Text as XML character data or an attribute value; characters XML 1.0 does not allow become spaces.
 * @example
 * escapeXml('a < "b"'); // 'a &lt; &quot;b&quot;'
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, " ")
    .replace(/[<>&"']/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[ch]!);
}
