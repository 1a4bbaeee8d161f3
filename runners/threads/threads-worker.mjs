// Entry of a worker thread. Plain JavaScript, so that it loads before any TypeScript loader: built (the package),
// it imports the compiled runtime; from the source tree it registers tsx first (Node 20 does not apply the
// parent's `--import tsx` hooks to worker threads). The user's pipeline module is imported later, through
// importModule, which registers tsx then if the pipeline is TypeScript.
import { existsSync } from "node:fs";

const built = new URL("./threads-worker.js", import.meta.url);
let runtime;
if (existsSync(built)) {
  runtime = await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  globalThis[Symbol.for("sluice.tsx-registered")] = true;
  runtime = await import("./threads-worker.ts");
}
export default runtime.handleTask;
