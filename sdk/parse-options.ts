/**
 * Command-line parsing of pipeline options with yargs: standard options plus the pipeline's own, strict (an
 * unknown option is an error), with `--help` listing both.
 * @module
 */
import yargs from "yargs";
import { UsageError } from "./usage-error.js";
import { STANDARD_OPTIONS, type OptionsSpec, type PipelineOptions } from "./options.js";

export { UsageError } from "./usage-error.js";

/**
 * Parses `argv` into options. `--help` prints usage and exits the process.
 * @throws UsageError for unknown options and invalid values
 * @example
 * const options = parseOptions(["--top", "5"], { top: { type: "number", default: 10 } }, { scriptName: "wordcount" });
 * options.top; // 5
 * options.runner; // "direct" (the default)
 */
export function parseOptions(
  argv: readonly string[],
  own: OptionsSpec,
  info: { scriptName: string; description?: string | undefined },
): PipelineOptions {
  let failure: string | undefined;
  const parser = yargs([...argv])
    .scriptName(info.scriptName)
    .usage(info.description ? `${info.description}\n\nUsage: $0 [options]` : "Usage: $0 [options]")
    .options(STANDARD_OPTIONS)
    .options(own)
    .strict()
    .version(false)
    .help()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      failure = msg ?? err?.message ?? "invalid arguments";
    });
  const parsed = parser.parseSync() as Record<string, unknown>;
  if (failure !== undefined) throw new UsageError(`${failure} (see --help)`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (k !== "_" && k !== "$0" && !k.includes("-")) out[k] = v;
  }
  const positional = parsed._ as unknown[];
  if (positional.length > 0) throw new UsageError(`unexpected argument '${String(positional[0])}' (see --help)`);
  return out as PipelineOptions;
}
