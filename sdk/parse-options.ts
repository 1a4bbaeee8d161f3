/**
 * Command-line parsing of pipeline options with yargs: the standard options, the runners' own and the pipeline's
 * own, strict (an unknown option is an error), with `--help` listing them all.
 *
 * Each runner declares its options in its registry entry (`runners/registry.ts`, reached lazily through
 * `sdk/run.ts`, so parsing is async). Every runner's options are known to the parser, so that one of another
 * runner gets a clear message rather than "Unknown argument": a runner's option is accepted only when that
 * runner is chosen (Beam rejects options no registered interface declares; here an option of the wrong runner
 * would otherwise be silently ignored). `--help` lists the options of the runner `--runner` names, or of every
 * runner when none is named, grouped per runner.
 * @module
 */
import type { Options as YargsOption } from "yargs";
import type yargsParser from "yargs-parser";
import { UsageError } from "./usage-error.js";
import { STANDARD_OPTIONS, type OptionsSpec, type PipelineOptions } from "./options.js";
import type { RunnerDeclaration } from "./runner-api.js";
import { runnerRegistry } from "./run.js";
import { closestName } from "./internal/closest-name.js";

export { UsageError } from "./usage-error.js";

/**
 * Parses `argv` into options: the standard ones, the chosen runner's (with its defaults) and `own`. `--help`
 * prints usage and exits the process.
 * @throws UsageError for unknown options, options of a runner other than the chosen one, and invalid values
 * @example
 * const options = await parseOptions(["--top", "5"], { top: { type: "number", default: 10 } }, { scriptName: "wordcount" });
 * options.top; // 5
 * options.runner; // "direct" (the default)
 */
export async function parseOptions(
  argv: readonly string[],
  own: OptionsSpec,
  info: { scriptName: string; description?: string | undefined },
): Promise<PipelineOptions> {
  // Imported here, not at the top: a worker loads the pipeline module (and so this one) but never parses options.
  const { default: yargs } = await import("yargs");
  // yargs's own argument parser, for the two looks at the line before and after the full parse (which runner it
  // names; what was typed for a numeric option): a yargs instance for each cost ~15 ms of every start.
  const { default: parseArgs } = await import("yargs-parser");
  const registry = await runnerRegistry();
  const runners = registry.runnerDeclarations();
  const named = namedRunner(parseArgs, argv);
  const shown = runners.some((r) => r.name === named) ? [named!] : runners.map((r) => r.name);
  const runnerOptions = declareRunnerOptions(runners, shown, own);
  let failure: string | undefined;
  const parser = yargs([...argv])
    .scriptName(info.scriptName)
    .usage(info.description ? `${info.description}\n\nUsage: $0 [options]` : "Usage: $0 [options]")
    .options(STANDARD_OPTIONS)
    .options(runnerOptions)
    .options(own)
    .strict()
    .version(false)
    .help()
    .epilogue(named === undefined ? "Options of one runner only: --runner=<name> --help" : "")
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      failure = msg ?? err?.message ?? "invalid arguments";
    });
  const parsed = parser.parseSync() as Record<string, unknown>;
  const declared = { ...STANDARD_OPTIONS, ...runnerOptions, ...own } as Record<string, YargsOption>;
  if (failure !== undefined) throw new UsageError(`${withSuggestions(failure, Object.keys(declared))} (see --help)`);
  checkNumbers(parseArgs, argv, declared);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (k !== "_" && k !== "$0" && !k.includes("-")) out[k] = v;
  }
  const positional = parsed._ as unknown[];
  if (positional.length > 0) throw new UsageError(`unexpected argument '${String(positional[0])}' (see --help)`);
  const runner = registry.runnerDeclaration(String(out.runner));
  for (const name of Object.keys(runnerOptions)) {
    if (out[name] === undefined || Object.hasOwn(runner.options, name)) continue;
    const owners = runners.filter((r) => Object.hasOwn(r.options, name)).map((r) => r.name);
    throw new UsageError(
      `--${name} is an option of the ${listed(owners)} runner${owners.length > 1 ? "s" : ""}, not of the ${runner.name} runner ` +
        `(--runner=${runner.name}${named === undefined ? ", the default" : ""}; see --runner=${runner.name} --help)`,
    );
  }
  for (const [name, option] of Object.entries(runner.options)) {
    if (out[name] === undefined && option.default !== undefined) out[name] = option.default;
  }
  return out as PipelineOptions;
}

/**
 * yargs's "Unknown argument(s): a, b" with the closest declared option for each name that looks like a typo of
 * one: `Unknown argument: paralelism (did you mean --parallelism?)`.
 */
function withSuggestions(failure: string, declared: readonly string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(failure);
  if (!m) return failure.replace(/\s*\n\s*/g, " ");
  const known = [...declared, "help"].flatMap((name) => [name, kebab(name)]);
  const typed = m[1]!.split(", ");
  // yargs reports `--max-durtion` twice, also as `maxDurtion`: keep the form typed.
  const unique = typed.filter((name) => kebab(name) === name || !typed.includes(kebab(name)));
  const names = unique.map((name) => {
    const suggestion = closestName(name, known);
    return suggestion === undefined ? name : `${name} (did you mean --${suggestion}?)`;
  });
  return `Unknown argument${names.length > 1 ? "s" : ""}: ${names.join(", ")}`;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Refuses a numeric option given a value that is not a number (yargs makes `--parallelism lots` NaN) or no value
 * at all (`--parallelism` alone, or `--parallelism=`, which yargs would take as its default or 0), quoting it.
 */
function checkNumbers(parseArgs: typeof yargsParser, argv: readonly string[], declared: Record<string, YargsOption>): void {
  const numeric = Object.keys(declared).filter((name) => declared[name]!.type === "number");
  if (numeric.length === 0) return;
  // The line again with every numeric option as text: what was typed.
  const alias: Record<string, string[]> = {};
  for (const name of numeric) if (declared[name]!.alias !== undefined) alias[name] = [declared[name]!.alias!].flat();
  const raw = parseArgs([...argv], {
    string: numeric,
    array: numeric.filter((name) => declared[name]!.array).map((key) => ({ key, string: true })),
    alias,
  }) as Record<string, unknown>;
  for (const name of numeric) {
    const given = [raw[name]].flat().filter((x) => x !== undefined);
    const bad = given.find((x) => typeof x !== "string" || x.trim() === "" || Number.isNaN(Number(x)));
    if (bad === undefined) continue;
    throw new UsageError(
      typeof bad === "string" && bad.trim() !== ""
        ? `--${name} must be a number, got '${bad}' (see --help)`
        : `--${name} needs a number (see --help)`,
    );
  }
}

/** The runner `--runner` names on the command line, if any (the last, as yargs takes it). */
function namedRunner(parseArgs: typeof yargsParser, argv: readonly string[]): string | undefined {
  const r = (parseArgs([...argv], { string: ["runner"] }) as { runner?: string | string[] }).runner;
  return Array.isArray(r) ? r[r.length - 1] : r;
}

/**
 * Every runner's options as yargs declarations: each under the group of the runners of `shown` that declare it
 * (hidden from `--help` when none of them does), with its default shown but not applied, so that the parser can
 * tell an option given on the command line from one defaulted. A pipeline's own option of the same name wins.
 */
function declareRunnerOptions(runners: readonly RunnerDeclaration[], shown: readonly string[], own: OptionsSpec): Record<string, YargsOption> {
  const out: Record<string, YargsOption> = {};
  for (const r of runners) {
    for (const [name, option] of Object.entries(r.options)) {
      if (Object.hasOwn(out, name) || Object.hasOwn(own, name)) continue;
      const owners = runners.filter((o) => Object.hasOwn(o.options, name) && shown.includes(o.name));
      const { default: _, ...rest } = option;
      // Runners that mean different things by one option (nats's --parallelism is not the threads runner's) each
      // get their own words in the one entry --help can show.
      const variants = new Map<string, string[]>();
      for (const o of owners) {
        const own = o.options[name]!;
        const shown = defaultText(own);
        const text = `${String(own.describe ?? "")}${shown !== undefined ? ` [default: ${shown}]` : ""}`;
        variants.set(text, [...(variants.get(text) ?? []), o.name]);
      }
      const describe = variants.size > 1 ? [...variants].map(([text, names]) => `${listed(names)}: ${text}`).join("; ") : undefined;
      const shownDefault = describe === undefined ? defaultText(option) : undefined;
      out[name] = {
        ...rest,
        ...(describe !== undefined ? { describe, defaultDescription: undefined } : shownDefault !== undefined ? { defaultDescription: shownDefault } : {}),
        ...(owners.length > 0 ? { group: `${capitalized(listed(owners.map((o) => o.name)))} runner options:` } : { hidden: true }),
      };
    }
  }
  return out;
}

/** What `--help` shows as an option's default, if it has one. */
function defaultText(option: YargsOption): string | undefined {
  if (option.defaultDescription !== undefined) return option.defaultDescription;
  const value: unknown = option.default;
  return value === undefined ? undefined : typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
