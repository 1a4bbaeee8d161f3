#!/usr/bin/env node
// The `sluice` command. Runs the TypeScript CLI from source, with no build step: tsx compiles on import.
import { register } from "tsx/esm/api";

const tsxLoader = import.meta.resolve("tsx");
// Already started with `node --import tsx` (or by `tsx`): the hooks are in place.
if (!process.execArgv.includes(tsxLoader)) {
  register();
  // register() covers this thread only. Record the loader in execArgv, as `tsx` itself does, so that workers and
  // child processes that a runner starts with `execArgv: process.execArgv` can import .ts pipeline modules too.
  process.execArgv.push("--import", tsxLoader);
}
const { main } = await import("../runners/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
