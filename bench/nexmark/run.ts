/**
 * The Nexmark bench: each query as a whole process per runner (start-up included), and the plain-TypeScript
 * reference as the baseline, reporting wall time (of the whole process; `run ms` is the run alone), events/s
 * (over the whole process's time), the ratio of each runner's throughput to direct's and
 * to the reference's, CPU (the run's process and its workers) and peak RSS (the run's process, and its largest
 * worker on the parallel runners).
 *
 *   npx tsx bench/nexmark/run.ts --events 1000000 --queries 0,1,2 --runners direct,threads,process
 *   npx tsx bench/nexmark/run.ts --streaming --maxDuration 10000 --queries 5,7    # unbounded, 10 s each
 *
 * `--streaming` reads the generator as an unbounded source, for `--maxDuration` ms (converted to the runners'
 * `--maxDuration`, which is in seconds, with `--drain`) or until `--events` events if given; it reports the
 * events read per second. Other options: `--eventRate` (events per second of event time, default Beam's 10,000),
 * `--rate` (streaming: cap on events per second of processing time), `--parallelism`, `--memoryMb` (process).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseQueries } from "./queries/index.js";
import type { BenchRow } from "../harness.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined && !args[i + 1]!.startsWith("--") ? args[i + 1]! : dflt;
};
const flag = (name: string): boolean => args.includes(`--${name}`);

const STREAMING = flag("streaming");
const QUERIES = parseQueries(arg("queries", STREAMING ? "5,7" : "0,1,2,3,4,5,6,7,8,9,11,12"));
const EVENTS = Number(arg("events", STREAMING ? "0" : "1000000"));
const RUNNERS = arg("runners", "direct,threads,process").split(",");
const EVENT_RATE = Number(arg("eventRate", "10000"));
const MAX_DURATION_MS = Number(arg("maxDuration", "10000"));
const RATE = Number(arg("rate", "0"));
const PARALLELISM = arg("parallelism", "");
const MEMORY_MB = arg("memoryMb", "");
const script = fileURLToPath(new URL("./run-one.ts", import.meta.url));

if (!STREAMING && !(EVENTS > 0)) throw new Error("--events must be positive for a bounded run");
if (STREAMING && EVENTS === 0 && !(MAX_DURATION_MS > 0)) throw new Error("an endless streaming run needs --maxDuration (ms)");

interface Measure {
  readonly ms: number;
  readonly cpuMs: number;
  readonly results: number;
  readonly eventsRead: number;
  readonly rssMb: number;
  readonly workerRssMb: number;
}

/** Runs one measurement as a process of its own; `ms` becomes the whole process's wall time, start-up included. */
function measure(argv: readonly string[]): Measure & { runMs: number } {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, ["--import", "tsx", script, ...argv], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const wall = performance.now() - t0;
  const m = JSON.parse(out.trim().split("\n").at(-1)!) as Measure;
  return { ...m, ms: wall, runMs: m.ms };
}

function runPipeline(q: number, runner: string): Measure & { runMs: number } {
  const options: Record<string, unknown> = { runner, queries: String(q), events: EVENTS, eventRate: EVENT_RATE };
  if (STREAMING) Object.assign(options, { streaming: true, ...(RATE > 0 ? { rate: RATE } : {}), ...(EVENTS === 0 ? { maxDuration: MAX_DURATION_MS / 1000, drain: true } : {}) });
  if (runner !== "direct" && PARALLELISM) options.parallelism = Number(PARALLELISM);
  if (runner === "process" && MEMORY_MB) options.memoryMb = Number(MEMORY_MB);
  return measure(["pipeline", JSON.stringify(options)]);
}

const rows: Record<string, string | number>[] = [];
const summary: Record<string, Record<string, number>> = {};
const benchRows: BenchRow[] = [];
for (const q of QUERIES) {
  // Streaming runs have no reference: how many events they read depends on the runner.
  const ref = STREAMING ? undefined : measure(["reference", String(q), String(EVENTS), String(EVENT_RATE)]);
  const perRunner = RUNNERS.map((runner) => ({ runner, m: runPipeline(q, runner) }));
  const rate = (m: Measure) => (m.eventsRead / m.ms) * 1000;
  const direct = perRunner.find((r) => r.runner === "direct")?.m;
  summary[`Q${q}`] = {};
  for (const { runner, m } of [...(ref ? [{ runner: "reference", m: ref }] : []), ...perRunner]) {
    if (runner !== "reference" && ref && m.results !== ref.results && q !== 12) {
      process.stderr.write(`warning: Q${q} on ${runner} gave ${m.results} results, the reference ${ref.results}\n`);
    }
    rows.push({
      query: `Q${q}`,
      runner,
      "wall ms": Math.round(m.ms),
      "run ms": Math.round(m.runMs),
      "events/s": Math.round(rate(m)),
      "ratio to direct": direct ? Number((rate(m) / rate(direct)).toFixed(3)) : "-",
      "ratio to reference": ref ? Number((rate(m) / rate(ref)).toFixed(3)) : "-", // streaming: no reference run
      results: m.results,
      "CPU s": Number((m.cpuMs / 1000).toFixed(1)),
      "peak RSS MiB": Math.round(m.rssMb),
      "largest worker RSS MiB": Math.round(m.workerRssMb),
    });
    summary[`Q${q}`]![runner] = Math.round(rate(m));
    // For `npm run bench`: each runner against direct, and direct against the reference.
    const against = runner === "direct" ? (ref ? { name: "reference", m: ref } : undefined) : direct ? { name: "direct", m: direct } : undefined;
    if (runner !== "reference" && against) benchRows.push({ case: `Nexmark Q${q}`, contender: runner, baseline: against.name, ratio: Number((rate(m) / rate(against.m)).toFixed(3)), wallMs: Math.round(m.ms), rssMb: Math.round(Math.max(m.rssMb, m.workerRssMb)) });
  }
}
const what = STREAMING
  ? `unbounded, ${EVENTS > 0 ? `${EVENTS.toLocaleString("en")} events` : `${MAX_DURATION_MS} ms a run`}`
  : `${EVENTS.toLocaleString("en")} events`;
process.stdout.write(`Nexmark, ${what}, event rate ${EVENT_RATE}/s of event time (each run a whole process)\n`);
console.table(rows);
process.stdout.write(`${JSON.stringify({ bench: STREAMING ? "nexmark-streaming" : "nexmark", eventsPerSecond: summary, rows: benchRows })}\n`);
