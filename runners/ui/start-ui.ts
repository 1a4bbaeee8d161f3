/**
 * Starts the `--ui` status page for a run when the options ask for it; the server's code is loaded only then, so
 * runs without `--ui` pay nothing for it.
 * @module
 */
import type { Job } from "../../sdk/runner-api.js";
import type { ProgressSnapshot } from "../core/progress-display.js";
import type { StatusServer } from "./status-server.js";

/**
 * Runs `run` with the `--ui` page up when the options ask for it, and tells the page how the run ended.
 * @example
 * const result = await runWithUi(job, "direct", () => directJob.progress(), () => directJob.run());
 */
export async function runWithUi<T>(job: Job, runner: string, snapshot: () => ProgressSnapshot, run: () => Promise<T>): Promise<T> {
  const ui = await startUi(job, runner, snapshot);
  try {
    const result = await run();
    ui?.finished({});
    return result;
  } catch (error) {
    ui?.finished({ error });
    throw error;
  }
}

/** The run's status server, or `undefined` without `--ui`. Prints the page's address on stderr. */
async function startUi(job: Job, runner: string, snapshot: () => ProgressSnapshot): Promise<StatusServer | undefined> {
  if (job.options.ui !== true) return undefined;
  const { startStatusServer } = await import("./status-server.js");
  const port = Number(job.options.uiPort ?? 0);
  const server = await startStatusServer({ graph: job.graph, name: job.source?.name ?? "pipeline", runner, port, snapshot });
  process.stderr.write(`Status page: ${server.url}\n`);
  return server;
}
