// Entry of a worker process. Plain JavaScript, so that it loads before any TypeScript loader: built (the
// package), it imports the compiled runtime; from the source tree it registers tsx first. The user's pipeline
// module is imported later, through importModule, which registers tsx then if the pipeline is TypeScript.
import { existsSync } from "node:fs";

const built = new URL("./process-worker.js", import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  globalThis[Symbol.for("sluice.tsx-registered")] = true;
  await import("./process-worker.ts");
}
