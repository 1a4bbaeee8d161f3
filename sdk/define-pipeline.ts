/**
 * `definePipeline`: how a pipeline file declares its pipeline. The pipeline is built by a function of its options,
 * so a worker thread or process can import the same module and rebuild the same graph (docs/architecture.md,
 * "How a runner plugs in", step 4): code reaches workers by re-import, never by serialised closures.
 * @module
 */
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { Pipeline } from "./pipeline.js";
import { graphFingerprint } from "./graph.js";
import { prepareRun, runPipeline } from "./run.js";
import { parseOptions, UsageError } from "./parse-options.js";
import { defaultOptions, type OptionsSpec, type ParsedOptions, type PipelineOptions } from "./options.js";
import { PipelineError, type PipelineResult, type PipelineSource } from "./runner-api.js";
import { constructionErrorLine, markConstructionError } from "./internal/construction-errors.js";

/** What a pipeline file declares. */
export interface PipelineSpec<S extends OptionsSpec> {
  /** Names the pipeline (default: the module's file name without extension). */
  readonly name?: string;
  /** One line for `--help`. */
  readonly description?: string;
  /** The pipeline's own options, as yargs options; they are typed in `build`. */
  readonly options?: S;
  /** Builds the pipeline. Must be deterministic: the same options always build the same graph. */
  build(p: Pipeline, options: ParsedOptions<S>): void;
  /** Runs on the launching process after a successful run (e.g. to print a summary of the output). */
  afterRun?(result: PipelineResult, options: ParsedOptions<S>): void | Promise<void>;
}

/** A declared pipeline: build it, run it, or run it as a command-line program. */
export interface PipelineDefinition<S extends OptionsSpec = OptionsSpec> {
  /** The spec's `name`, or the defining module's file name without its extension. */
  readonly name: string;
  /** The spec's one-line `description` (shown by `--help`), or `""`. */
  readonly description: string;
  /** `import.meta.url` of the defining module. */
  readonly moduleUrl: string;
  /** The pipeline's own options. */
  readonly optionsSpec: S;
  /** Builds the pipeline with the given options (defaults for the rest). */
  build(options?: Partial<ParsedOptions<S>>): Pipeline;
  /**
   * Parses command-line arguments (standard options, the chosen runner's and the pipeline's own). `scriptName` is
   * the command `--help` shows (default: the pipeline's name). Rejects with a UsageError.
   */
  parse(argv: readonly string[], scriptName?: string): Promise<ParsedOptions<S>>;
  /** Builds and runs with the given options. */
  run(options?: Partial<ParsedOptions<S>>): Promise<PipelineResult>;
  /** Parses `argv`, runs, prints errors as one clear message and sets the exit code. */
  main(argv?: readonly string[]): Promise<void>;
}

const definitions = new Map<string, PipelineDefinition>();

/**
 * Declares the pipeline of a module. Run the file directly (`npx tsx my-pipeline.ts --runner=direct`) or through
 * `npx sluice run my-pipeline.ts`; either way workers can re-import it.
 * @example
 * export default definePipeline(import.meta, {
 *   options: { input: { type: "string", demandOption: true, describe: "Files to read" } },
 *   build(p, { input }) {
 *     p.apply(readText(input)).apply(countPerElement());
 *   },
 * });
 */
export function definePipeline<S extends OptionsSpec = {}>(meta: { url: string }, spec: PipelineSpec<S>): PipelineDefinition<S> {
  const moduleUrl = meta.url;
  const name = spec.name ?? path.basename(fileURLToPath(moduleUrl)).replace(/\.[cm]?[jt]s$/, "");
  const key = `${moduleUrl}#${name}`;
  if (definitions.has(key)) throw new Error(`pipeline '${name}' is defined twice in ${moduleUrl}`);
  const optionsSpec = (spec.options ?? {}) as S;

  const withDefaults = (options: Partial<ParsedOptions<S>>): ParsedOptions<S> => {
    const own: Record<string, unknown> = {};
    for (const [k, o] of Object.entries(optionsSpec)) if (o.default !== undefined) own[k] = o.default;
    return { ...defaultOptions(), ...own, ...options } as ParsedOptions<S>;
  };
  const build = (options: ParsedOptions<S>): Pipeline => {
    const p = new Pipeline(options as PipelineOptions);
    try {
      spec.build(p, options);
    } catch (e) {
      // A transform refusing its input or options: printed as one line by runMain.
      throw markConstructionError(e);
    }
    return p;
  };

  const definition: PipelineDefinition<S> = {
    name,
    description: spec.description ?? "",
    moduleUrl,
    optionsSpec,
    build: (options = {}) => build(withDefaults(options)),
    parse: (argv, scriptName = name) =>
      parseOptions(argv, optionsSpec, { scriptName, description: spec.description }) as Promise<ParsedOptions<S>>,
    async run(options = {}) {
      const full = withDefaults(options);
      // A parallel runner's workers start now, while the graph is built.
      await prepareRun(full);
      const pipeline = build(full);
      const source: PipelineSource = {
        moduleUrl,
        name,
        options: plainOptions(full),
        fingerprint: graphFingerprint(pipeline.graph),
      };
      const result = await runPipeline(pipeline, full, source);
      await spec.afterRun?.(result, full);
      return result;
    },
    async main(argv = process.argv.slice(2)) {
      process.exitCode = await runMain(async () => definition.run((await definition.parse(argv)) as Partial<ParsedOptions<S>>));
    },
  };
  definitions.set(key, definition as unknown as PipelineDefinition);
  if (isEntryModule(moduleUrl)) setImmediate(() => void definition.main());
  return definition;
}

/**
 * The definition named `name` (or the only one) in an already imported module; how workers and the CLI find a
 * pipeline after importing its file.
 * @throws UsageError when the module defines no pipeline, several and no `name` is given, or none named `name`
 * @example
 * const url = pathToFileURL("pipelines/wordcount.ts").href;
 * await import(url);
 * const result = await findPipeline(url).run({ runner: "direct" });
 */
export function findPipeline(moduleUrl: string, name?: string): PipelineDefinition {
  const inModule = [...definitions.entries()].filter(([k]) => k.startsWith(`${moduleUrl}#`)).map(([, d]) => d);
  const found = name === undefined ? inModule : inModule.filter((d) => d.name === name);
  if (found.length === 1) return found[0]!;
  if (inModule.length === 0) {
    throw new UsageError(`${fileURLToPath(moduleUrl)} defines no pipeline (export default definePipeline(import.meta, {...}))`);
  }
  throw new UsageError(
    name === undefined
      ? `${fileURLToPath(moduleUrl)} defines several pipelines (${inModule.map((d) => d.name).join(", ")}); name one`
      : `${fileURLToPath(moduleUrl)} defines no pipeline named '${name}' (it has ${inModule.map((d) => d.name).join(", ")})`,
  );
}

/**
 * Runs `fn` as a command: a usage error prints its message (exit 2), and so does a construction error (a transform
 * refusing its input or options while the pipeline is built: one line naming the step and where it was
 * applied); a failed pipeline prints its step, element and user stack (exit 1); anything else prints its stack.
 * @returns the exit code: 0 on success, 2 for a usage or construction error, 1 otherwise
 * @example
 * process.exitCode = await runMain(() => wordcount.run({ input: "docs/*.md" }));
 */
export async function runMain(fn: () => Promise<unknown>): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof PipelineError) {
      process.stderr.write(`error: ${e.describe()}\n`);
      return 1;
    }
    const construction = constructionErrorLine(e);
    if (construction !== undefined) {
      process.stderr.write(`error: ${construction}\n`);
      return 2;
    }
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

/** Options as plain data (what a worker is sent to rebuild the graph). */
function plainOptions(options: PipelineOptions): PipelineOptions {
  return JSON.parse(JSON.stringify(options)) as PipelineOptions;
}

/** Whether this module is the script node was started with (and not a worker re-importing it). */
function isEntryModule(moduleUrl: string): boolean {
  if (!isMainThread || process.env.SLUICE_WORKER || !process.argv[1] || !moduleUrl.startsWith("file:")) return false;
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  return real(path.resolve(process.argv[1])) === real(fileURLToPath(moduleUrl));
}
