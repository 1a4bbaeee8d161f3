/**
 * Importing a user's pipeline module, TypeScript included: the built package runs as plain JavaScript, so the
 * TypeScript loader (tsx) is registered only when a `.ts` module is imported in a thread that has none.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";

/** Set (on `globalThis`) by whatever registered tsx in this thread: Sluice's entries, or this module. */
const TSX_ACTIVE = Symbol.for("sluice.tsx-registered");

const TYPESCRIPT = /\.(c|m)?tsx?$/;

/** Whether this thread can import TypeScript: `node --import tsx`, `tsx` itself, or a registration we made. */
function typeScriptLoaderActive(): boolean {
  if ((globalThis as Record<symbol, unknown>)[TSX_ACTIVE]) return true;
  // `--import tsx` applies to the main thread only (Node 20 does not pass loader hooks to worker threads).
  return isMainThread && process.execArgv.some((a) => /(^|[\\/])tsx([\\/]|$)/.test(a));
}

/**
 * Registers tsx in this thread if it has no TypeScript loader yet.
 * @throws Error naming the module when tsx is not installed
 */
export async function ensureTypeScriptLoader(forModule: string): Promise<void> {
  if (typeScriptLoaderActive()) return;
  let register: () => unknown;
  try {
    ({ register } = (await import("tsx/esm/api")) as { register: () => unknown });
  } catch {
    throw new Error(`cannot import ${forModule}: TypeScript pipelines need tsx (npm install tsx), or compile the pipeline to JavaScript`);
  }
  register();
  (globalThis as Record<symbol, unknown>)[TSX_ACTIVE] = true;
}

/**
 * In a process started from a program bundle (`runners/cli/program-bundle.mjs`: `sluice run` and its workers),
 * the bundled module that stands for `url`, when the bundle holds it.
 */
function bundledModule(url: string): string | undefined {
  const dir = process.env.SLUICE_BUNDLE;
  if (!dir) return undefined;
  // Read once per bundle: a worker rebuilds the graph, and so imports the pipeline, for every job it serves.
  if (bundleManifest?.dir !== dir) {
    const { pipeline } = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { pipeline: string };
    bundleManifest = { dir, pipeline };
  }
  return bundleManifest.pipeline === url ? pathToFileURL(path.join(dir, "pipeline.mjs")).href : undefined;
}

/** The manifest of the bundle last read (`SLUICE_BUNDLE` is set once, by `sluice run`, before any import). */
let bundleManifest: { readonly dir: string; readonly pipeline: string } | undefined;

/** Modules that stand for others (see {@link aliasModule}). */
const aliases = new Map<string, string>();

/**
 * Makes {@link importModule} import `replacement` for `url`: a NATS worker's copy of a pipeline module, which came
 * from the cluster as a bundle while `url` names the file on the coordinator's machine.
 */
export function aliasModule(url: string, replacement: string): void {
  aliases.set(url, replacement);
}

/**
 * Imports a module by URL: an alias set with {@link aliasModule}, the program bundle's copy when the process runs from one, else the module itself,
 * registering tsx first when it is TypeScript.
 * @example
 * await importModule(pathToFileURL("pipelines/wordcount.ts").href);
 */
export async function importModule(url: string): Promise<unknown> {
  const alias = aliases.get(url);
  if (alias) return import(alias);
  const bundled = bundledModule(url);
  if (bundled) return import(bundled);
  const file = url.startsWith("file:") ? fileURLToPath(url) : url;
  if (TYPESCRIPT.test(file)) await ensureTypeScriptLoader(file);
  return import(url);
}
