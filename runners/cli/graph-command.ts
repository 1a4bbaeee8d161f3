/**
 * `sluice graph <file> [--format mermaid|dot|svg] [--level composite|expanded] [pipeline options]`: builds a
 * pipeline (without running it) and prints its graph.
 * @module
 */
import { UsageError } from "../../sdk/parse-options.js";
import { renderDot } from "./graph/dot.js";
import { renderMermaid } from "./graph/mermaid.js";
import { renderSvg } from "./graph/svg.js";
import { GRAPH_LEVELS, type GraphLevel } from "./graph/view.js";
import { loadPipeline } from "./load-pipeline.js";
import type { CommandArgs } from "./split-args.js";

/** The CLI's own options of `sluice graph`. */
export const GRAPH_OPTIONS = ["pipeline", "format", "level"] as const;

/** Output formats of `sluice graph`. */
export type GraphFormat = "mermaid" | "dot" | "svg";

/** The formats `--format` accepts; the first is the default. */
export const GRAPH_FORMATS: readonly GraphFormat[] = ["mermaid", "dot", "svg"];

/** Shown before the pipeline's own options by `sluice graph <file> --help`. */
const GRAPH_HELP = `sluice graph <file> [options]: prints the pipeline's graph without running it

Graph options:
  --format    ${GRAPH_FORMATS.join(" | ")} (default ${GRAPH_FORMATS[0]}); svg is drawn by Sluice itself
  --level     ${GRAPH_LEVELS.join(" | ")} (default ${GRAPH_LEVELS[0]}): top-level transforms, or every primitive
  --pipeline  which pipeline, when the file defines several

The pipeline's options, which decide how the graph is built:
`;

/**
 * Loads and builds the pipeline with its parsed options and writes its graph to `out`.
 * @example
 * await graphCommand(splitCommandArgs(["wordcount.ts", "--format", "dot"], GRAPH_OPTIONS));
 */
export async function graphCommand(args: CommandArgs, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (args.file === undefined) throw new UsageError("sluice graph needs a pipeline file (see sluice graph --help)");
  const format = oneOf("format", args.own.format ?? GRAPH_FORMATS[0]!, GRAPH_FORMATS);
  const level = oneOf("level", args.own.level ?? GRAPH_LEVELS[0]!, GRAPH_LEVELS);
  const definition = await loadPipeline(args.file, args.own.pipeline);
  // The pipeline's parser prints its own help and exits; say first what `graph` itself accepts.
  if (args.pipelineArgs.includes("--help")) out.write(GRAPH_HELP);
  const options = await definition.parse(args.pipelineArgs, `sluice graph ${args.file}`);
  const graph = definition.build(options).graph;
  out.write(await render(format, level, graph, definition.name));
}

async function render(
  format: GraphFormat,
  level: GraphLevel,
  graph: Parameters<typeof renderDot>[0],
  name: string,
): Promise<string> {
  switch (format) {
    case "mermaid":
      return renderMermaid(graph, { level });
    case "dot":
      return renderDot(graph, { level, name });
    case "svg":
      return renderSvg(graph, { level, name });
  }
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${option} must be one of ${allowed.join(", ")}, got '${value}'`);
  }
  return value as T;
}
