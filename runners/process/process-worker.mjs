// Entry of a worker process. Plain JavaScript: it registers tsx so the worker runtime and the user's pipeline
// module (TypeScript) load without a build step, then serves tasks over the IPC channel.
import { register } from "tsx/esm/api";

register();
await import("./process-worker.ts");
