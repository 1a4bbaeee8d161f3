import { spawnSync } from "node:child_process";
import { expect } from "chai";
import { Pipeline, asIterable, groupByKey, impulse, kv, parDoWithOutputs, ptransform, type PCollection, type PipelineGraph } from "../../sdk/index.js";
import { quote, renderDot } from "../../runners/cli/graph/dot.js";
import { escapeMermaid, renderMermaid } from "../../runners/cli/graph/mermaid.js";
import { escapeXml, renderSvg } from "../../runners/cli/graph/svg.js";
import { graphView, shortPCollectionName } from "../../runners/cli/graph/view.js";

/**
 * Impulse → Outer(Inner(Pair, GroupByKey), Split[main, odd]) → Use (reads `Split.odd` as a side input).
 * Composite level: Impulse → Outer → Use, plus the side input Outer ⇢ Use.
 */
function nestedGraph(): PipelineGraph {
  const p = new Pipeline();
  const inner = ptransform("Inner", (input: PCollection<null>) => input.map(() => kv("k", 1), "Pair").apply(groupByKey<string, number>()));
  const outer = ptransform("Outer", (input: PCollection<null>) => {
    const split = input.apply(inner).apply(
      "Split",
      parDoWithOutputs<unknown, number, { odd: number }>({ process: (_e, ctx) => ctx.outputTo("odd", 1) }, ["odd"]),
    );
    return split;
  });
  const { main, odd } = p.apply(impulse()).apply(outer);
  main.parDo({ process: () => {} }, { name: "Use", sideInputs: [asIterable(odd)] });
  return p.graph;
}

/** The same graph with every PCollection unbounded (no unbounded source exists yet). */
function unbounded(graph: PipelineGraph): PipelineGraph {
  const pcollections = new Map([...graph.pcollections].map(([id, pc]) => [id, { ...pc, isBounded: false }]));
  return { ...graph, pcollections };
}

function hasDot(): boolean {
  return spawnSync("dot", ["-V"]).error === undefined;
}

describe("cli graph view", () => {
  it("collapses composites at the composite level and drops the edges inside them", () => {
    const view = graphView(nestedGraph(), "composite");
    expect(view.nodes.map((n) => `${n.label}:${n.kind}`)).to.deep.equal(["Impulse:Impulse", "Outer:Composite", "Use:ParDo"]);
    expect(view.clusters).to.deep.equal([]);
    expect(view.edges.map((e) => `${e.from}->${e.to} ${e.label}${e.sideInput ? " side" : ""}`)).to.deep.equal([
      "Impulse->Outer Impulse",
      "Outer->Use Split",
      "Outer->Use Split.odd side",
    ]);
  });

  it("shows every primitive in nested clusters at the expanded level", () => {
    const view = graphView(nestedGraph(), "expanded");
    expect(view.nodes.map((n) => `${n.id}@${n.cluster ?? "-"}`)).to.deep.equal([
      "Impulse@-",
      "Outer/Inner/Pair@Outer/Inner",
      "Outer/Inner/GroupByKey@Outer/Inner",
      "Outer/Split@Outer",
      "Use@-",
    ]);
    expect(view.clusters.map((c) => `${c.id}<${c.parent ?? "-"}`)).to.deep.equal(["Outer<-", "Outer/Inner<Outer"]);
    expect(view.edges.map((e) => `${e.from}->${e.to}`)).to.deep.equal([
      "Impulse->Outer/Inner/Pair",
      "Outer/Inner/Pair->Outer/Inner/GroupByKey",
      "Outer/Inner/GroupByKey->Outer/Split",
      "Outer/Split->Use",
      "Outer/Split->Use",
    ]);
  });

  it("names a PCollection by its producer's own name and its tag", () => {
    expect(shortPCollectionName({ producer: "A/B/ParDo", tag: "main" })).to.equal("ParDo");
    expect(shortPCollectionName({ producer: "Parse", tag: "errors" })).to.equal("Parse.errors");
  });
});

describe("cli mermaid renderer", () => {
  it("draws nodes by kind, clusters as subgraphs and side inputs as dotted edges", () => {
    const text = renderMermaid(nestedGraph(), { level: "expanded" });
    expect(text.split("\n")).to.include.members([
      "flowchart TB",
      '  n0(["Impulse"])',
      '  subgraph c0["Outer"]',
      '    subgraph c1["Inner"]',
      '      n2{{"GroupByKey"}}',
      "    end",
      '  n3 -->|"Split"| n4',
      '  n3 -.->|"Split.odd"| n4',
    ]);
  });

  it("marks unbounded PCollections with thick edges", () => {
    const text = renderMermaid(unbounded(nestedGraph()), { level: "composite" });
    expect(text).to.include('  n0 ==>|"Impulse (unbounded)"| n1');
    expect(text).to.include('  n1 -.->|"Split.odd (unbounded)"| n2');
  });

  it("escapes quotes, markup and line breaks in names", () => {
    expect(escapeMermaid('say "hi" <b>#1|2`&\\\nnext')).to.equal("say #quot;hi#quot; #60;b#62;#35;1#124;2#96;#38;#92; next");
    const p = new Pipeline();
    p.apply(impulse()).map((x) => x, 'a "quoted" <name>');
    expect(renderMermaid(p.graph, { level: "composite" })).to.include('  n1["a #quot;quoted#quot; #60;name#62;"]');
  });
});

describe("cli dot renderer", () => {
  it("draws composites as clusters and tags edges with their PCollection", () => {
    const text = renderDot(nestedGraph(), { level: "expanded", name: "nested" });
    expect(text).to.match(/^digraph "nested" \{\n/);
    expect(text).to.include('  subgraph "cluster_c0" {\n    label="Outer";');
    expect(text).to.include('      "n2" [label="GroupByKey", tooltip="Outer/Inner/GroupByKey", shape=hexagon];');
    expect(text).to.include('  "n3" -> "n4" [label="Split.odd", tooltip="Outer/Split.odd", style=dashed];');
    expect(text.trimEnd().endsWith("}")).to.equal(true);
  });

  it("marks unbounded PCollections with bold edges", () => {
    const text = renderDot(unbounded(nestedGraph()), { level: "composite" });
    expect(text).to.include('"n0" -> "n1" [label="Impulse (unbounded)", tooltip="Impulse.main", style=bold];');
  });

  it("escapes backslashes, quotes and line breaks", () => {
    expect(quote('a "b" \\N\nc')).to.equal('"a \\"b\\" \\\\N c"');
  });

  it("produces DOT that Graphviz accepts, whatever the names (when Graphviz is installed)", function () {
    if (!hasDot()) this.skip();
    const p = new Pipeline();
    p.apply(impulse()).map((x) => x, 'odd "name" \\ { } ; -> <x> \n end');
    const result = spawnSync("dot", ["-Tsvg"], { input: renderDot(p.graph, { level: "expanded", name: 'x"y' }) });
    expect(result.status, result.stderr.toString()).to.equal(0);
  });
});

describe("sluice graph: SVG", () => {
  /** The boxes, nodes (by their label's position) and edges of an SVG `renderSvg` drew. */
  function parts(svg: string) {
    const clusters = [...svg.matchAll(/<g class="cluster"><title>([^<]*)<\/title><rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((m) => ({
      id: m[1]!,
      x: Number(m[2]),
      y: Number(m[3]),
      w: Number(m[4]),
      h: Number(m[5]),
    }));
    const nodes = [...svg.matchAll(/<g class="node (\w+)"><title>([^<]*)<\/title>.*?<text x="([\d.-]+)" y="([\d.-]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
      kind: m[1]!,
      id: m[2]!,
      x: Number(m[3]),
      y: Number(m[4]),
      label: m[5]!,
    }));
    const edges = [...svg.matchAll(/<g class="edge"><title>([^<]*)<\/title>(<path [^>]*\/>)/g)].map((m) => ({ pcollection: m[1]!, dashed: m[2]!.includes("stroke-dasharray") }));
    return { clusters, nodes, edges };
  }

  it("draws every primitive inside the boxes of its composites, and the side input dashed", () => {
    const svg = renderSvg(nestedGraph(), { level: "expanded" });
    const { clusters, nodes, edges } = parts(svg);
    expect(nodes.map((n) => n.label).sort()).to.deep.equal(["GroupByKey", "Impulse", "Pair", "Split", "Use"]);
    expect(clusters.map((c) => c.id).sort()).to.deep.equal(["Outer", "Outer/Inner"]);
    for (const n of nodes) {
      for (const c of clusters) {
        const inside = n.x > c.x && n.x < c.x + c.w && n.y > c.y && n.y < c.y + c.h;
        expect(inside, `${n.id} inside ${c.id}`).to.equal(n.id.startsWith(`${c.id}/`));
      }
    }
    expect(nodes.find((n) => n.label === "GroupByKey")!.kind).to.equal("GroupByKey");
    expect(edges.filter((e) => e.dashed).map((e) => e.pcollection)).to.deep.equal(["Outer/Split.odd"]);
    expect(svg).to.not.match(/NaN|undefined/);
  });

  it("draws one node per top-level transform at the composite level, flowing downwards", () => {
    const { nodes, edges } = parts(renderSvg(nestedGraph(), { level: "composite" }));
    expect(nodes.map((n) => n.label)).to.deep.equal(["Impulse", "Outer", "Use"]);
    const y = Object.fromEntries(nodes.map((n) => [n.label, n.y]));
    expect(y.Impulse!).to.be.below(y.Outer!);
    expect(y.Outer!).to.be.below(y.Use!);
    expect(edges).to.have.length(3);
  });

  it("escapes names for XML", () => {
    const p = new Pipeline();
    p.apply(impulse()).map((x) => x, 'a <b> & "c"');
    const svg = renderSvg(p.graph, { level: "expanded", name: "x<y" });
    expect(svg).to.include(">a &lt;b&gt; &amp; &quot;c&quot;</text>").and.include("<title>x&lt;y</title>");
    expect(escapeXml("\u0001'")).to.equal(" &apos;");
  });
});
