/**
 * Starts the `--ui` status page for a run when the options ask for it; the server's code is loaded only then, so
 * runs without `--ui` pay nothing for it.
 * @module
 */
import type { Job } from "../../sdk/runner-api.js";
import type { ProgressSnapshot } from "../core/progress-display.js";
import type { StatusServer } from "./status-server.js";

/**
 * The run's status server, or `undefined` without `--ui`. Prints the page's address on stderr.
 * @example
 * const ui = await startUi(job, "direct", () => directJob.progress());
 * try { ...; ui?.finished({}); } catch (error) { ui?.finished({ error }); throw error; }
 */
export async function startUi(job: Job, runner: string, snapshot: () => ProgressSnapshot): Promise<StatusServer | undefined> {
  if (job.options.ui !== true) return undefined;
  const { startStatusServer } = await import("./status-server.js");
  const port = Number(job.options.uiPort ?? 0);
  const server = await startStatusServer({ graph: job.graph, name: job.source?.name ?? "pipeline", runner, port, snapshot });
  process.stderr.write(`Status page: ${server.url}\n`);
  return server;
}
