/**
 * `sluice run <file> [pipeline options]`: runs a pipeline file exactly as `npx tsx <file> [options]` would.
 * @module
 */
import { UsageError } from "../../sdk/parse-options.js";
import { loadPipeline } from "./load-pipeline.js";
import type { CommandArgs } from "./split-args.js";

/** The CLI's own options of `sluice run`. */
export const RUN_OPTIONS = ["pipeline"] as const;

/**
 * Loads the pipeline, parses its options (standard and own; `--help` prints them and exits) and runs it to
 * completion. Errors propagate to `runMain`, which maps them to exit codes.
 * @example
 * await runCommand(splitCommandArgs(["wordcount.ts", "--runner=direct"], RUN_OPTIONS));
 */
export async function runCommand(args: CommandArgs): Promise<void> {
  if (args.file === undefined) throw new UsageError("sluice run needs a pipeline file (see sluice run --help)");
  const definition = await loadPipeline(args.file, args.own.pipeline);
  await definition.run(await definition.parse(args.pipelineArgs, `sluice run ${args.file}`));
}
