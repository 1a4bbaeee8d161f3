// @ts-check
/**
 * The program bundle: `sluice run` compiles the user's pipeline module, its local imports and Sluice's own code
 * into one ES module bundle (esbuild), cached on disk, and the CLI and every worker it starts load that bundle
 * instead of hundreds of modules through a TypeScript loader.
 *
 * Why: through tsx every module is resolved and loaded by a loader thread and the SDK is ~350 modules; a worker
 * started that way took ~1.4 s before its first task and a six-word pipeline ~1 s. A bundle loads in one read,
 * needs no loader at all, and is rebuilt only when one of its input files changes (sizes and mtimes recorded).
 *
 * Plain JavaScript because it runs before any TypeScript loader exists.
 *
 * - Entries: `cli` (the CLI's `main`), `threads-worker`, `process-worker` and `pipeline`, split so that they
 *   share chunks: a process that imports two entries gets one copy of each Sluice module (one pipeline
 *   registry, one set of classes).
 * - `import.meta` in a bundled file is that file's own (its original URL), so code that finds files next to
 *   itself (worker entries, package.json, the user's data files) behaves as unbundled, and pipelines keep their
 *   identity (`definePipeline(import.meta)` records the original URL).
 * - npm packages stay external, imported by absolute path as esbuild resolves them from the importing file:
 *   the bundle works from any directory and loads the very files the sources would.
 * - Source maps are linked; the CLI and the workers enable them, so stack traces name the original files.
 *
 * The bundle's directory reaches workers in `SLUICE_BUNDLE` (environment variables pass to worker threads and
 * child processes alike); `manifest.json` in it names the pipeline module it holds.
 * @module
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Bumped when the bundle's layout or options change, so that old cache entries are not reused. */
const FORMAT = 1;

/** The environment variable that names the bundle a process and its workers run from. */
export const BUNDLE_ENV = "SLUICE_BUNDLE";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Sluice's package root: this file is runners/cli/ in the source tree, dist/runners/cli/ when built. */
const ROOT = fs.existsSync(path.join(HERE, "../../package.json")) ? path.resolve(HERE, "../..") : path.resolve(HERE, "../../..");

/** Sluice's own modules in the bundle: the TypeScript sources in a checkout, the compiled ones when built. */
function sluiceEntries() {
  const pick = (/** @type {string} */ rel) => {
    const ts = path.join(HERE, `${rel}.ts`);
    return fs.existsSync(ts) ? ts : path.join(HERE, `${rel}.js`);
  };
  return { cli: pick("main"), "threads-worker": pick("../threads/threads-worker"), "process-worker": pick("../process/process-worker") };
}

/** Where bundles are cached: `SLUICE_CACHE_DIR`, else `node_modules/.cache/sluice` of the install. */
function cacheRoot() {
  if (process.env.SLUICE_CACHE_DIR) return process.env.SLUICE_CACHE_DIR;
  const parts = ROOT.split(path.sep);
  const nm = parts.lastIndexOf("node_modules");
  const modules = nm >= 0 ? parts.slice(0, nm + 1).join(path.sep) : path.join(ROOT, "node_modules");
  return path.join(modules, ".cache", "sluice", "bundles");
}

/**
 * @typedef {object} Bundle
 * @property {string} dir the bundle's directory (for `SLUICE_BUNDLE`)
 * @property {string} pipelineUrl the original URL of the pipeline module it holds
 * @property {string} cliUrl URL of the bundled CLI entry
 */

/**
 * The bundle for `pipelineFile`, from the cache when none of its inputs changed, else built now.
 * @param {string} pipelineFile absolute path (symlinks resolved) of the pipeline module
 * @returns {Promise<Bundle>}
 */
export async function programBundle(pipelineFile) {
  const key = crypto.createHash("sha256").update(JSON.stringify({ FORMAT, node: process.version, ROOT, pipelineFile })).digest("hex").slice(0, 20);
  const keyDir = path.join(cacheRoot(), key);
  const cached = readCurrent(keyDir);
  const dir = cached && inputsUnchanged(cached.inputs) ? path.join(keyDir, cached.build) : await build(keyDir, pipelineFile);
  return { dir, pipelineUrl: pathToFileURL(pipelineFile).href, cliUrl: pathToFileURL(path.join(dir, "cli.mjs")).href };
}

/**
 * @typedef {object} Current
 * @property {string} build the directory of the current build, in the key's directory
 * @property {string} entry the pipeline file
 * @property {[string, number, number][]} inputs every bundled file with its mtime (ms) and size
 */

/** @returns {Current | undefined} */
function readCurrent(/** @type {string} */ keyDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(keyDir, "current.json"), "utf8"));
  } catch {
    return undefined;
  }
}

function inputsUnchanged(/** @type {Current["inputs"]} */ inputs) {
  for (const [file, mtimeMs, size] of inputs) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs !== mtimeMs || stat.size !== size) return false;
  }
  return true;
}

/** Builds into a fresh directory of the key and makes it current (atomically: concurrent builds both succeed). */
async function build(/** @type {string} */ keyDir, /** @type {string} */ pipelineFile) {
  const buildId = `${Date.now().toString(36)}-${crypto.randomBytes(4).toString("hex")}`;
  const outdir = path.join(keyDir, buildId);
  fs.mkdirSync(outdir, { recursive: true });
  let result;
  try {
    result = await bundle(outdir, pipelineFile);
  } catch (e) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
  const inputs = Object.keys(result.metafile.inputs).map((rel) => {
    const file = path.resolve(ROOT, rel);
    const stat = fs.statSync(file);
    return /** @type {[string, number, number]} */ ([file, stat.mtimeMs, stat.size]);
  });
  fs.writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify({ pipeline: pathToFileURL(pipelineFile).href }));
  const current = path.join(keyDir, `current.json.${buildId}`);
  fs.writeFileSync(current, JSON.stringify({ build: buildId, entry: pipelineFile, inputs }));
  fs.renameSync(current, path.join(keyDir, "current.json"));
  prune(keyDir, buildId);
  return outdir;
}

/** esbuild, with the options above. */
async function bundle(/** @type {string} */ outdir, /** @type {string} */ pipelineFile) {
  const esbuild = await import("esbuild");
  return esbuild.build({
    entryPoints: { ...sluiceEntries(), pipeline: pipelineFile },
    absWorkingDir: ROOT,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: `node${process.versions.node.split(".")[0]}`,
    // The conditions node's own resolver uses for `import` ("module" is esbuild's and bundlers' only).
    conditions: ["node"],
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: "linked",
    // Stack traces need the mappings only; without the sources the maps parse several times faster at start-up.
    sourcesContent: false,
    metafile: true,
    logLevel: "silent",
    define: { "import.meta": "__sluiceImportMeta" },
    plugins: [ownImportMeta, externalPackages],
  });
}

/**
 * The job bundle of the NATS runner: the pipeline module and its local imports in one ES module, without Sluice
 * (imports of Sluice's own modules become `sluice-self:<path without extension>`, which the worker points at its
 * own copy) and without npm packages (bare imports, resolved on the worker). Source maps inline, for stack traces.
 * @param {string} pipelineFile absolute path of the pipeline module
 * @returns {Promise<Uint8Array>} the bundle's code
 */
export async function jobBundle(pipelineFile) {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [pipelineFile],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: `node${process.versions.node.split(".")[0]}`,
    conditions: ["node"],
    sourcemap: "inline",
    sourcesContent: false,
    logLevel: "silent",
    outfile: "job.mjs",
    define: { "import.meta": "__sluiceImportMeta" },
    plugins: [ownImportMeta, sluiceAndPackagesExternal],
  });
  return result.outputFiles[0].contents;
}

/** Sluice's own code in the package: what a worker has installed, so never in a job bundle. */
function isSluiceModule(/** @type {string} */ file) {
  const rel = path.relative(ROOT, file).split(path.sep);
  return ["sdk", "transforms", "runners", "dist"].includes(rel[0] ?? "") && !rel.includes("node_modules");
}

/** @type {import("esbuild").Plugin} */
const sluiceAndPackagesExternal = {
  name: "sluice-job-externals",
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.inner || args.kind === "entry-point") return undefined;
      if (args.path.startsWith("node:") || builtins.has(args.path)) return { path: args.path, external: true };
      const specifier = args.path.startsWith("file:") ? fileURLToPath(args.path) : args.path;
      const resolved = await build.resolve(specifier, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (isSluiceModule(resolved.path)) {
        const own = path.relative(ROOT, sourceOf(resolved.path)).split(path.sep).join("/").replace(/\.[cm]?[jt]s$/, "");
        return { path: `sluice-self:${own.replace(/^dist\//, "")}`, external: true };
      }
      const bare = /^[^./]/.test(args.path) && !args.path.startsWith("file:") && !path.isAbsolute(args.path);
      if (resolved.path.includes(`${path.sep}node_modules${path.sep}`)) return { path: bare ? args.path : resolved.path, external: true };
      return { path: resolved.path };
    });
  },
};

/** A build older than this that is not current is deleted (a long job may still be loading its chunks). */
const STALE_MS = 24 * 3600 * 1000;

/** Removes stale builds of this key, and keys whose pipeline file is gone (temporary pipelines, mostly). */
function prune(/** @type {string} */ keyDir, /** @type {string} */ current) {
  const old = (/** @type {string} */ p) => Date.now() - (fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0) > STALE_MS;
  for (const name of fs.readdirSync(keyDir)) {
    if (name !== current && name !== "current.json" && old(path.join(keyDir, name))) fs.rmSync(path.join(keyDir, name), { recursive: true, force: true });
  }
  const root = path.dirname(keyDir);
  for (const key of fs.readdirSync(root)) {
    const entry = readCurrent(path.join(root, key))?.entry;
    if (entry && !fs.existsSync(entry) && old(path.join(root, key, "current.json"))) fs.rmSync(path.join(root, key), { recursive: true, force: true });
  }
}

/**
 * Gives each bundled file its own `import.meta` (the `define` above renames the expression; this declares it
 * per module, and esbuild keeps modules' top-level names apart), with its original URL.
 * @type {import("esbuild").Plugin}
 */
const ownImportMeta = {
  name: "sluice-own-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, "utf8");
      const ext = path.extname(args.path).slice(1);
      const loader = /** @type {import("esbuild").Loader} */ (ext.startsWith("c") || ext.startsWith("m") ? ext.slice(1) : ext);
      if (!source.includes("import.meta")) return { contents: source, loader };
      const url = pathToFileURL(args.path).href;
      // On the first line, so that the source map's lines stay the file's own.
      const meta =
        `const __sluiceImportMeta = { url: ${JSON.stringify(url)}, filename: ${JSON.stringify(args.path)}, dirname: ${JSON.stringify(path.dirname(args.path))}, ` +
        `resolve: (s) => new URL(s, ${JSON.stringify(url)}).href };`;
      return { contents: meta + source, loader };
    });
  },
};

/**
 * In a source checkout, `sluice` resolves (through package.json's exports) to the compiled `dist/`, while the CLI
 * and workers are bundled from the sources: the source file, where there is one, keeps Sluice one copy.
 */
function sourceOf(/** @type {string} */ file) {
  const dist = path.join(ROOT, "dist") + path.sep;
  if (!file.startsWith(dist)) return file;
  const source = path.join(ROOT, file.slice(dist.length)).replace(/\.(m?)js$/, ".$1ts");
  return fs.existsSync(source) ? source : file;
}

/**
 * npm packages stay out of the bundle, imported by the absolute path esbuild resolves from the importing file;
 * Sluice itself (imported as `sluice` by a user's pipeline) is bundled, so that there is one copy of it.
 * @type {import("esbuild").Plugin}
 */
const externalPackages = {
  name: "sluice-external-packages",
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.inner || args.path.startsWith("node:") || builtins.has(args.path) || path.isAbsolute(args.path)) return undefined;
      // A file URL (which node imports and esbuild does not) is its path, resolved as esbuild resolves paths.
      const specifier = args.path.startsWith("file:") ? fileURLToPath(args.path) : args.path;
      const resolved = await build.resolve(specifier, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      const own = resolved.path.startsWith(ROOT + path.sep) && !resolved.path.slice(ROOT.length).includes(`${path.sep}node_modules${path.sep}`);
      return own ? { path: sourceOf(resolved.path) } : { path: resolved.path, external: true };
    });
  },
};
