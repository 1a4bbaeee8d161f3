import { expect } from "chai";
import nondeterministic from "./fixtures/nondeterministic-build.js";
import { rebuildGraph, summarizeGraph } from "../../../runners/core/rebuild.js";
import { graphFingerprint, PipelineError } from "../../../sdk/index.js";
import wordcount from "../../../samples/wordcount.js";

describe("rebuilding a pipeline from its module", () => {
  it("rebuilds the same graph for a deterministic pipeline", async () => {
    const options = { input: "x.txt", output: "out/x" };
    const graph = wordcount.build(options).graph;
    const source = { moduleUrl: wordcount.moduleUrl, name: wordcount.name, options: wordcount.build(options).options, fingerprint: graphFingerprint(graph) };
    const rebuilt = await rebuildGraph(source, summarizeGraph(graph));
    expect(graphFingerprint(rebuilt)).to.equal(source.fingerprint);
  });

  it("fails clearly, naming the differing step, when build() is not deterministic", async () => {
    const graph = nondeterministic.build().graph;
    const source = { moduleUrl: nondeterministic.moduleUrl, name: "nondeterministic", options: {} as never, fingerprint: graphFingerprint(graph) };
    const error = await rebuildGraph(source, summarizeGraph(graph)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PipelineError);
    expect((error as Error).message).to.match(/nondeterministic-build\.ts built a different graph for pipeline 'nondeterministic' \(step 'Step\d+' instead of 'Step\d+'\): build\(\) must build the same steps/);
  });

  it("is checked by the direct runner when a defined pipeline runs", async () => {
    const error = await nondeterministic.run({ quiet: true }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PipelineError);
    expect((error as Error).message).to.contain("built a different graph");
  });
});
