#!/usr/bin/env node
// The `sluice` command. `sluice run <file>` runs from a program bundle (runners/cli/program-bundle.mjs): the
// pipeline and Sluice compiled into one cached ES module bundle, loaded by the CLI and every worker without a
// TypeScript loader. Otherwise (other commands, or when bundling fails: the error then comes from the usual
// path) it runs the compiled CLI (dist/) when installed, or the TypeScript sources through tsx in a checkout,
// where a TypeScript pipeline is loaded through tsx, registered when it is imported.
import { existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

const argv = process.argv.slice(2);
const source = new URL("../runners/cli/main.ts", import.meta.url);
const main = (await fromBundle()) ?? (await fromModules());
process.exitCode = await main(argv);

/** The CLI's main from the program bundle of `sluice run <file>`, or undefined. */
async function fromBundle() {
  const file = argv[0] === "run" && process.env.SLUICE_NO_BUNDLE === undefined ? runFile(argv.slice(1)) : undefined;
  if (file === undefined) return undefined;
  const bundler = existsSync(source) ? "../runners/cli/program-bundle.mjs" : "../dist/runners/cli/program-bundle.mjs";
  let bundle;
  try {
    bundle = await (await import(new URL(bundler, import.meta.url).href)).programBundle(file);
  } catch (e) {
    if (process.env.SLUICE_DEBUG_BUNDLE) console.error("sluice: not bundled:", e);
    return undefined;
  }
  process.env.SLUICE_BUNDLE = bundle.dir;
  process.setSourceMapsEnabled(true);
  return (await import(bundle.cliUrl)).main;
}

/** The pipeline file of `sluice run [--pipeline name] <file> ...` (as split-args.ts finds it), resolved, if it exists. */
function runFile(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return undefined;
    if (arg === "--pipeline") i++;
    else if (!arg.startsWith("-")) {
      try {
        const real = realpathSync(path.resolve(arg));
        return statSync(real).isFile() ? real : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The CLI's main from its modules: compiled, or the sources through tsx. */
async function fromModules() {
  if (!existsSync(source)) return (await import(new URL("../dist/runners/cli/main.js", import.meta.url).href)).main;
  const { register } = await import("tsx/esm/api");
  const tsxLoader = import.meta.resolve("tsx");
  // Already started with `node --import tsx` (or by `tsx`): the hooks are in place.
  if (!process.execArgv.includes(tsxLoader)) {
    register();
    // register() covers this thread only. Record the loader in execArgv, as `tsx` itself does, so that child
    // processes that a runner starts with `execArgv: process.execArgv` can import .ts modules too.
    process.execArgv.push("--import", tsxLoader);
  }
  globalThis[Symbol.for("sluice.tsx-registered")] = true;
  return (await import(source.href)).main;
}
