#!/usr/bin/env node
// The `sluice` command. Installed, it runs the compiled CLI (dist/); in a source checkout it runs the TypeScript
// sources through tsx, with no build step. Either way a TypeScript pipeline is loaded through tsx, registered
// when it is imported.
import { existsSync } from "node:fs";

const source = new URL("../runners/cli/main.ts", import.meta.url);
let main;
if (existsSync(source)) {
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
  ({ main } = await import(source.href));
} else {
  ({ main } = await import(new URL("../dist/runners/cli/main.js", import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2));
