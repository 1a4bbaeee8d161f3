/**
 * Rebuilding a pipeline from its module, as a worker does (DESIGN.md decision 4): import the module, find the
 * pipeline by name, build it with the same options, and check that the graph is the same one the launcher built.
 * @module
 */
import { importModule } from "../../sdk/internal/import-module.js";
import { fileURLToPath } from "node:url";
import { findPipeline } from "../../sdk/define-pipeline.js";
import { graphFingerprint, type PipelineGraph } from "../../sdk/graph.js";
import { PipelineError, type PipelineSource } from "../../sdk/runner-api.js";

/** What the launcher knows of its graph, to explain a mismatch. */
export interface GraphSummary {
  readonly fingerprint: string;
  /** Full names of every transform, sorted. */
  readonly steps: readonly string[];
}

/** The summary of a graph. */
export function summarizeGraph(graph: PipelineGraph): GraphSummary {
  return { fingerprint: graphFingerprint(graph), steps: [...graph.transforms.keys()].sort() };
}

/**
 * Imports the pipeline's module and builds its graph again.
 * @throws PipelineError when the rebuilt graph differs, naming the first differing step when known
 */
export async function rebuildGraph(source: PipelineSource, expected?: GraphSummary): Promise<PipelineGraph> {
  await importModule(source.moduleUrl);
  const graph = findPipeline(source.moduleUrl, source.name).build(source.options).graph;
  const fingerprint = graphFingerprint(graph);
  if (fingerprint !== source.fingerprint) {
    const file = source.moduleUrl.startsWith("file:") ? fileURLToPath(source.moduleUrl) : source.moduleUrl;
    throw new PipelineError(
      `re-importing ${file} built a different graph for pipeline '${source.name}'` +
        `${expected ? ` (${describeDifference(expected.steps, [...graph.transforms.keys()].sort())})` : ""}: ` +
        "build() must build the same steps every time it is called with the same options " +
        "(no randomness, clock reads or mutable module state in step names or structure)",
    );
  }
  return graph;
}

function describeDifference(expected: readonly string[], actual: readonly string[]): string {
  const have = new Set(actual);
  const want = new Set(expected);
  const missing = expected.find((s) => !have.has(s));
  const extra = actual.find((s) => !want.has(s));
  if (missing !== undefined && extra !== undefined) return `step '${extra}' instead of '${missing}'`;
  if (missing !== undefined) return `step '${missing}' is missing`;
  if (extra !== undefined) return `unexpected step '${extra}'`;
  return "same steps, different edges, windowing or coders";
}
