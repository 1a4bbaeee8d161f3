// Entry of a worker thread. Plain JavaScript because no TypeScript loader is active in a worker thread yet:
// Node 20 does not apply the parent's `--import tsx` hooks to workers, so the worker registers tsx itself.
import { register } from "tsx/esm/api";

register();
const { handleTask } = await import("./threads-worker.ts");
export default handleTask;
