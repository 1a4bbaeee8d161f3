/**
 * `--ui`: a live status page of a run, on every runner, served on 127.0.0.1 only (Flink's web UI is the model):
 *
 * ```
 *  runner ──snapshot()──▶ StatusServer ──GET /status.json (polled by the page)──▶ browser
 *                               └──GET / (the page)   GET /graph.svg (the composite graph, drawn once)
 * ```
 *
 * The server asks the runner for the same snapshot the progress display draws (stages, element counts per
 * PCollection, metrics), samples it every second for the throughput history, and holds nothing else of the run.
 * Nothing is fetched from elsewhere: the page, its script and the graph are all served from here.
 * @module
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { PipelineGraph } from "../../sdk/graph.js";
import type { ProgressSnapshot } from "../core/progress-display.js";
import { renderSvg } from "../cli/graph/svg.js";
import { STATUS_PAGE } from "./status-page.js";

/** How many one-second throughput samples the page gets (five minutes). */
const HISTORY = 300;

/** The run as the page sees it: `/status.json`. */
export interface StatusReport {
  readonly name: string;
  readonly runner: string;
  readonly state: "running" | "succeeded" | "failed";
  readonly error?: string;
  readonly startedAt: number;
  readonly now: number;
  readonly retries: number;
  readonly stages: ProgressSnapshot["stages"];
  /** Elements produced so far, by PCollection id. */
  readonly elements: Readonly<Record<string, number>>;
  readonly metrics: NonNullable<ProgressSnapshot["metrics"]>;
  /** Per second: when, and the elements every stage had consumed by then. */
  readonly history: readonly { readonly at: number; readonly elementsIn: number }[];
}

/** How long the page stays up after the run, if the process lives on (it never keeps the process alive). */
const LINGER_MS = 30_000;

/** A running status server; `close()` stops it. */
export interface StatusServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /**
   * The run ended: the page shows how, for {@link LINGER_MS} more if the process lives on (a program that runs
   * several pipelines), then the server closes.
   */
  finished(outcome: { readonly error?: unknown }): void;
  close(): Promise<void>;
}

/**
 * Starts the status page of one run.
 * @param options.port the port on 127.0.0.1 (0: any free one)
 * @example
 * const ui = await startStatusServer({ graph, name: "wordcount", runner: "direct", port: 0, snapshot: () => job.progress() });
 * process.stderr.write(`Status page: ${ui.url}\n`);
 */
export async function startStatusServer(options: {
  readonly graph: PipelineGraph;
  readonly name: string;
  readonly runner: string;
  readonly port: number;
  readonly snapshot: () => ProgressSnapshot;
}): Promise<StatusServer> {
  const startedAt = Date.now();
  const history: { at: number; elementsIn: number }[] = [];
  let state: StatusReport["state"] = "running";
  let error: string | undefined;
  let last: ProgressSnapshot = { stages: [], retries: 0 };
  let graphSvg: string | undefined;

  const take = (): ProgressSnapshot => {
    // A snapshot is the runner's live state: read it while the run lasts, keep the last one after.
    if (state === "running") {
      try {
        last = options.snapshot();
      } catch {
        // A runner still starting may have nothing to show yet.
      }
    }
    return last;
  };
  const sample = setInterval(() => {
    const snap = take();
    history.push({ at: Date.now(), elementsIn: snap.stages.reduce((n, s) => n + s.elementsIn, 0) });
    if (history.length > HISTORY) history.shift();
  }, 1000);
  sample.unref();

  const report = (): StatusReport => {
    const snap = take();
    return {
      name: options.name,
      runner: options.runner,
      state,
      ...(error !== undefined ? { error } : {}),
      startedAt,
      now: Date.now(),
      retries: snap.retries,
      stages: snap.stages,
      elements: Object.fromEntries(snap.elements ?? []),
      metrics: snap.metrics ?? { counters: [], distributions: [], gauges: [] },
      history,
    };
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (type: string, body: string, status = 200): void => {
      // The page is served to this machine only; still, no caching, and no sniffing of types.
      res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
      res.end(body);
    };
    if (req.method !== "GET") return send("text/plain; charset=utf-8", "method not allowed\n", 405);
    switch (path) {
      case "/":
        return send("text/html; charset=utf-8", STATUS_PAGE);
      case "/status.json":
        return send("application/json", JSON.stringify(report()));
      case "/graph.svg":
        graphSvg ??= renderSvg(options.graph, { level: "composite", name: options.name });
        return send("image/svg+xml", graphSvg);
      default:
        return send("text/plain; charset=utf-8", "not found\n", 404);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  // The page must never keep a finished run's process alive.
  server.unref();
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> => {
    clearInterval(sample);
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  return {
    url: `http://127.0.0.1:${port}/`,
    close,
    finished(outcome) {
      take();
      state = outcome.error === undefined ? "succeeded" : "failed";
      if (outcome.error !== undefined) error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      clearInterval(sample);
      setTimeout(() => void close(), LINGER_MS).unref();
    },
  };
}
