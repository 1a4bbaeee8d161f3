/**
 * Splits what follows `sluice run` / `sluice graph` into the CLI's own options, the pipeline file, and the
 * arguments for the pipeline's own parser.
 *
 * The CLI does this by hand rather than with yargs because the pipeline's arguments must reach
 * `definition.parse` verbatim: yargs would turn `--top 007` into the number 7 and expand or drop flags before the
 * pipeline's parser, which knows the option types, ever saw them.
 * @module
 */
import { UsageError } from "../../sdk/parse-options.js";

/** The three parts of a `run` or `graph` command line. */
export interface CommandArgs {
  /** The pipeline file as given (relative to the working directory), `undefined` when missing. */
  readonly file: string | undefined;
  /** The CLI's own options that were given, by name (last one wins). */
  readonly own: Readonly<Record<string, string>>;
  /** Everything else, in order, for `definition.parse`. */
  readonly pipelineArgs: readonly string[];
}

/**
 * Splits `args` (what follows the command name). The CLI's own options (`ownNames`, each taking a value as
 * `--name value` or `--name=value`) may appear anywhere before `--`; the first argument that is not an option is
 * the pipeline file; everything after `--` goes to the pipeline untouched (for a pipeline option that shares a
 * name with a CLI option). Pipeline options must come after the file.
 * @throws UsageError for a pipeline option before the file or a CLI option without a value
 * @example
 * splitCommandArgs(["wc.ts", "--format", "dot", "--top", "3"], ["format"]);
 * // { file: "wc.ts", own: { format: "dot" }, pipelineArgs: ["--top", "3"] }
 */
export function splitCommandArgs(args: readonly string[], ownNames: readonly string[]): CommandArgs {
  let file: string | undefined;
  const own: Record<string, string> = {};
  const pipelineArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      pipelineArgs.push(...args.slice(i + 1));
      break;
    }
    const option = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (option && ownNames.includes(option[1]!)) {
      const value = option[2] ?? args[++i];
      if (value === undefined || (option[2] === undefined && value.startsWith("-"))) {
        throw new UsageError(`--${option[1]} needs a value`);
      }
      own[option[1]!] = value;
    } else if (file === undefined && !arg.startsWith("-")) {
      file = arg;
    } else if (file === undefined) {
      throw new UsageError(`'${arg}' comes before the pipeline file; pipeline options go after it`);
    } else {
      pipelineArgs.push(arg);
    }
  }
  return { file, own, pipelineArgs };
}

/** The pipeline file in `args`, without validating the rest (to choose between the CLI's and the pipeline's help). */
export function findFileArg(args: readonly string[], ownNames: readonly string[]): string | undefined {
  try {
    return splitCommandArgs(args, ownNames).file;
  } catch {
    return undefined;
  }
}
