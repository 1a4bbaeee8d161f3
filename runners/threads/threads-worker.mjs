// Entry of a worker thread. Plain JavaScript, so that it loads before any TypeScript loader: from a program
// bundle it imports the bundle's runtime; built (the package), the compiled runtime; from the source tree it
// registers tsx first (Node 20 does not apply the parent's `--import tsx` hooks to worker threads). The user's
// pipeline module is imported later, through importModule (the bundle's copy, or with tsx if it is TypeScript).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const built = new URL("./threads-worker.js", import.meta.url);
let runtime;
const bundle = process.env.SLUICE_BUNDLE;
if (bundle) {
  // Started by `sluice run` from a program bundle (runners/cli/program-bundle.mjs): no TypeScript loader needed.
  process.setSourceMapsEnabled(true);
  runtime = await import(pathToFileURL(join(bundle, "threads-worker.mjs")).href);
} else if (existsSync(built)) {
  runtime = await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  globalThis[Symbol.for("sluice.tsx-registered")] = true;
  runtime = await import("./threads-worker.ts");
}
export default runtime.handleTask;
