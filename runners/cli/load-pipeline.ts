/**
 * Loads a pipeline file for the CLI: resolves it against the working directory, imports it and finds its
 * pipeline definition.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { findPipeline, type PipelineDefinition } from "../../sdk/define-pipeline.js";
import { UsageError } from "../../sdk/parse-options.js";
import { importModule } from "../../sdk/internal/import-module.js";

/**
 * Imports `file` (relative to `cwd`) and returns the pipeline it defines, or the one called `name`.
 *
 * Importing does not start the pipeline: `definePipeline` only runs a pipeline by itself when its module is the
 * script node was started with, and under the CLI that script is `bin/sluice.js`.
 * @throws UsageError when the file does not exist or defines no (or no such) pipeline
 * @example
 * const definition = await loadPipeline("samples/wordcount.ts");
 * await definition.run(await definition.parse(["--top", "3"]));
 */
export async function loadPipeline(file: string, name?: string, cwd = process.cwd()): Promise<PipelineDefinition> {
  const resolved = path.resolve(cwd, file);
  let real: string;
  try {
    // import.meta.url of the module is its real path (node resolves symlinks), and definitions are keyed by it.
    real = fs.realpathSync(resolved);
  } catch {
    throw new UsageError(`no such file: ${file}`);
  }
  if (!fs.statSync(real).isFile()) throw new UsageError(`not a file: ${file}`);
  const moduleUrl = pathToFileURL(real).href;
  await importModule(moduleUrl);
  return findPipeline(moduleUrl, name);
}
