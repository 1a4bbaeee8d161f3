/**
 * The `sluice` command line: `run`, `graph`, `runners` and `worker`. `bin/sluice.js` loads this module through tsx and
 * calls {@link main}.
 *
 * yargs declares the commands (so `sluice --help`, `sluice run --help` and `--version` come from it), but once a
 * pipeline file is named, the rest of the line belongs to the pipeline: its own parser (`definition.parse`) reads
 * it, including `--help`, exactly as when the file is run directly.
 * @module
 */
import yargs, { type Argv } from "yargs";
import { runMain } from "../../sdk/define-pipeline.js";
import { UsageError } from "../../sdk/parse-options.js";
import { closestName } from "../../sdk/internal/closest-name.js";
import { GRAPH_FORMATS, GRAPH_OPTIONS, graphCommand } from "./graph-command.js";
import { GRAPH_LEVELS } from "./graph/view.js";
import { RUN_OPTIONS, runCommand } from "./run-command.js";
import { runnersCommand } from "./runners-command.js";
import { findFileArg, splitCommandArgs } from "./split-args.js";
import { sluiceVersion } from "./version.js";
import { WORKER_OPTIONS, workerCommand, type WorkerCommandOptions } from "./worker-command.js";

/** The commands, for the unknown-command message. */
export const COMMANDS = ["run", "graph", "runners", "worker"] as const;

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code: 0 done, 1 the pipeline
 * failed, 2 a usage error. `--help` and `--version` print and exit the process directly.
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export function main(argv: readonly string[]): Promise<number> {
  return runMain(async () => {
    const action = parseCommandLine(argv);
    await action();
  });
}

/** Picks the command's action; yargs handles help, version and the errors it can see. */
function parseCommandLine(argv: readonly string[]): () => Promise<void> {
  const [command, ...rest] = argv;
  if (command !== undefined && !command.startsWith("-") && !(COMMANDS as readonly string[]).includes(command)) {
    const suggestion = closestName(command, COMMANDS);
    throw new UsageError(
      `unknown command '${command}'${suggestion ? ` (did you mean '${suggestion}'?)` : ""}; commands: ${COMMANDS.join(", ")} (see sluice --help)`,
    );
  }
  // With a pipeline file named, `--help` (and `--version`) must reach the pipeline's parser, not yargs.
  const ownOptions = command === "graph" ? GRAPH_OPTIONS : RUN_OPTIONS;
  const fileGiven = (command === "run" || command === "graph") && findFileArg(rest, ownOptions) !== undefined;
  // `sluice run <file> ...` is the command users time: its arguments all go to the pipeline's parser (help and
  // version included), so the CLI's own parser has nothing to check, and building its usage costs ~50 ms.
  if (command === "run" && fileGiven) return () => runCommand(splitCommandArgs(rest, RUN_OPTIONS));

  let action: (() => Promise<void>) | undefined;
  const withPipelineOption = (y: Argv) =>
    y
      .positional("file", { type: "string", describe: "Pipeline module (.ts or .js) that calls definePipeline" })
      .option("pipeline", { type: "string", describe: "Which pipeline, when the file defines several" })
      // Pipeline options are not known here; the pipeline's own parser checks them strictly.
      .strict(false);

  const parser = yargs([...argv]);
  if (fileGiven) parser.version(false);
  else parser.version(sluiceVersion());
  parser
    .scriptName("sluice")
    .usage("sluice <command> [options]\n\nBuild, draw and run Sluice pipelines.")
    .command(
      "run [file]",
      "Run a pipeline file (its options and the standard ones, e.g. --runner, follow the file)",
      (y) =>
        withPipelineOption(y)
          .usage("sluice run <file> [--pipeline <name>] [pipeline options]\n\nRuns a pipeline file as `tsx <file>` would.")
          .example("sluice run samples/wordcount.ts --top 10", "run on the default (direct) runner")
          .example("sluice run samples/wordcount.ts --help", "the pipeline's own options and the standard ones"),
      () => {
        action = () => runCommand(splitCommandArgs(rest, RUN_OPTIONS));
      },
    )
    .command(
      "graph [file]",
      "Print a pipeline's graph (Mermaid, DOT or SVG) without running it",
      (y) =>
        withPipelineOption(y)
          .usage("sluice graph <file> [--format <f>] [--level <l>] [pipeline options]\n\nBuilds the pipeline and prints its graph.")
          .option("format", { choices: GRAPH_FORMATS, default: GRAPH_FORMATS[0], describe: "Output format (svg: a standalone SVG, laid out without Graphviz)" })
          .option("level", {
            choices: GRAPH_LEVELS,
            default: GRAPH_LEVELS[0],
            describe: "composite: top-level transforms; expanded: every primitive, boxed by composite",
          })
          .example("sluice graph wc.ts", "Mermaid, top-level transforms")
          .example("sluice graph wc.ts --level expanded --format svg", "every primitive, as SVG"),
      () => {
        action = () => graphCommand(splitCommandArgs(rest, GRAPH_OPTIONS));
      },
    )
    .command("runners", "List the runners --runner can name", (y) => y, () => {
      action = async () => runnersCommand();
    })
    .command(
      "worker",
      "Serve jobs of the NATS runner (--runner=nats) from a NATS JetStream cluster",
      (y) =>
        y
          .usage("sluice worker --servers nats://h1:4222,nats://h2:4222 [auth options] [--concurrency N]\n\nServes any number of jobs until SIGINT or SIGTERM.")
          .options(WORKER_OPTIONS)
          .example("sluice worker --servers nats://10.0.0.5:4222 --user sluice --password ...", "serve jobs on this machine"),
      (argv) => {
        action = () => workerCommand(argv as unknown as WorkerCommandOptions);
      },
    )
    .demandCommand(1, "no command given")
    .strict()
    .help(!fileGiven)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // yargs's messages can span lines ("Invalid values:\n  Argument: ..."); a usage error is one line.
      const help = command !== undefined && !command.startsWith("-") ? `sluice ${command} --help` : "sluice --help";
      throw error ?? new UsageError(`${message.replace(/\s*\n\s*/g, " ")} (see ${help})`);
    })
    .parseSync();
  if (!action) throw new UsageError("no command given (see sluice --help)");
  return action;
}
