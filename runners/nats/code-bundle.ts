/**
 * Code to workers: the coordinator bundles the pipeline module with its local imports (`jobBundle` in
 * `runners/cli/program-bundle.mjs`: Sluice and npm packages stay out) and stores it in the job's object store
 * under its SHA-256; a worker fetches it, checks the hash, points its Sluice imports at its own installed copy,
 * writes it next to its `node_modules` (so the bundle's bare imports resolve to the worker's packages) and
 * imports it in place of the pipeline module. The worker then rebuilds the graph and checks its fingerprint
 * (`rebuildGraph`), as the other parallel runners' workers do: nothing is evaluated from data.
 * @module
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ObjectStore } from "@nats-io/obj";
import { aliasModule } from "../../sdk/internal/import-module.js";
import { retryThroughFailover } from "./failover-retry.js";

/** The built bundle: its bytes and their hash. */
export interface CodeBundle {
  readonly code: Uint8Array;
  readonly sha256: string;
}

/** Bundles the pipeline module at `moduleUrl` (a file: URL). */
export async function buildCodeBundle(moduleUrl: string): Promise<CodeBundle> {
  if (!moduleUrl.startsWith("file:")) throw new Error(`the NATS runner ships a pipeline's code from a file, not from ${moduleUrl}`);
  const bundler = new URL("../cli/program-bundle.mjs", import.meta.url).href;
  const { jobBundle } = (await import(bundler)) as { jobBundle: (file: string) => Promise<Uint8Array> };
  const code = await jobBundle(fs.realpathSync(fileURLToPath(moduleUrl)));
  return { code, sha256: sha256(code) };
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** This installation of Sluice: its root, and whether it runs from the TypeScript sources or the build. */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const FROM_SOURCES = import.meta.url.endsWith(".ts");
/** runners/nats/ in the sources, dist/runners/nats/ when built: either way two levels up holds sdk/. */
const MODULES_ROOT = path.resolve(HERE, "../..");

/** The URL of this installation's copy of a Sluice module, named as in a bundle (`sdk/index`). */
function ownModule(name: string): string {
  if (!/^[\w./-]+$/.test(name) || name.split("/").includes("..")) throw new Error(`the job's code imports an unexpected Sluice module '${name}'`);
  const file = path.join(MODULES_ROOT, `${name}${FROM_SOURCES ? ".ts" : ".js"}`);
  if (!fs.existsSync(file)) throw new Error(`the job's code imports Sluice module '${name}', which this worker's Sluice does not have (is it the same version?)`);
  return pathToFileURL(file).href;
}

/** Where fetched bundles are kept: in the `node_modules` of the installation, so bare imports resolve there. */
function codeDir(): string {
  const parts = MODULES_ROOT.split(path.sep);
  const nm = parts.lastIndexOf("node_modules");
  const modules = nm >= 0 ? parts.slice(0, nm + 1).join(path.sep) : path.join(FROM_SOURCES ? MODULES_ROOT : path.dirname(MODULES_ROOT), "node_modules");
  return path.join(modules, ".cache", "sluice", "jobs");
}

/** How long a worker keeps trying to fetch a bundle while the cluster fails over (a server died). */
const FETCH_RETRY_MS = 60_000;

/**
 * Fetches a job's bundle from the object store, trying again while the store does not answer (its reads go
 * through a consumer of one replica, which fails while that server is down).
 * @throws Error when the object is missing, or the store did not answer for a minute
 */
export async function fetchCodeBundle(openStore: () => Promise<ObjectStore>, name: string): Promise<Uint8Array> {
  const code = await retryThroughFailover(async () => (await openStore()).getBlob(name), () => FETCH_RETRY_MS, 500);
  if (!code) throw new Error(`the job's code bundle ${name} is missing from the object store`);
  return code;
}

/**
 * Checks a job's bundle and makes `moduleUrl` import it.
 * @throws Error when its hash differs
 */
export function installCodeBundle(code: Uint8Array, expectedSha256: string, moduleUrl: string): void {
  const actual = sha256(code);
  if (actual !== expectedSha256) throw new Error(`the job's code bundle has SHA-256 ${actual}, expected ${expectedSha256}`);
  const text = new TextDecoder().decode(code).replace(/(["'])sluice-self:([^"']+)\1/g, (_, q: string, mod: string) => `${q}${ownModule(mod)}${q}`);
  const dir = codeDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${expectedSha256}-${FROM_SOURCES ? "src" : "dist"}.mjs`);
  if (!fs.existsSync(file)) {
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  }
  aliasModule(moduleUrl, pathToFileURL(file).href);
}
