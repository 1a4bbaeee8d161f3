/**
 * Streaming with large keyed state (the one-engine issue's bench): `bench/pipelines/session-state.ts` — an
 * unbounded generator of `--events` events over `--keys` keys in session windows, about `--keys` sessions live at
 * a time — on direct, threads and process, each a whole process (start-up included), as ratios to direct, with
 * the peak RSS of the run's process and of its largest worker.
 *
 * With `--repeats N` the runners take turns N times and each keeps its fastest run (this machine's wall times
 * for one runner vary by up to a third between runs).
 *
 *   npx tsx bench/streaming-state.ts [--events 5000000] [--keys 1000000] [--runners direct,threads,process] [--memoryMb 3072] [--repeats 1]
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { keepFastest, benchArg } from "./harness.js";

const EVENTS = Number(benchArg("events", "5000000"));
const KEYS = Number(benchArg("keys", "1000000"));
const RUNNERS = benchArg("runners", "direct,threads,process").split(",");
/** The process runner's memory budget per worker: resident streaming state does not spill yet, so it must fit. */
const MEMORY_MB = benchArg("memoryMb", "");
const REPEATS = Number(benchArg("repeats", "1"));
const script = fileURLToPath(new URL("./pipelines/run-session-state.ts", import.meta.url));

interface Row {
  readonly runner: string;
  readonly ms: number;
  /** CPU of the run's process and its worker processes. */
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly workerRssMb: number;
}

const best = new Map<string, Row>();
for (let r = 0; r < REPEATS; r++) {
  for (const runner of RUNNERS) {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, ["--import", "tsx", script, runner, String(EVENTS), String(KEYS), ...(runner === "process" && MEMORY_MB ? [MEMORY_MB] : [])], { encoding: "utf8" });
    const wall = performance.now() - t0;
    const row = { ...(JSON.parse(out.trim().split("\n").at(-1)!) as Row), ms: wall };
    keepFastest(best, runner, row);
  }
}
const rows = RUNNERS.map((runner) => best.get(runner)!);
const base = rows[0]!;
process.stdout.write(`Streaming sessions, ${EVENTS.toLocaleString("en")} events over ${KEYS.toLocaleString("en")} keys (whole process)\n`);
console.table(
  rows.map((r) => ({
    runner: r.runner,
    "ratio to direct": Number((base.ms / r.ms).toFixed(3)),
    "events/s": Math.round((EVENTS / r.ms) * 1000),
    "wall ms": Math.round(r.ms),
    "CPU s": Number((r.cpuMs / 1000).toFixed(1)),
    "peak RSS MiB": Math.round(r.rssMb),
    "largest worker RSS MiB": Math.round(r.workerRssMb),
  })),
);
process.stdout.write(`${JSON.stringify({ bench: "streaming-state", ratios: Object.fromEntries(rows.map((r) => [r.runner, Number((base.ms / r.ms).toFixed(3))])) })}\n`);
