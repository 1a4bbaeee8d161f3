/**
 * The Nexmark bench: each query as a whole process per runner (start-up included), run as a user runs it
 * (`sluice run pipeline.ts`, from the program bundle), and the plain-TypeScript reference (compiled by esbuild) as
 * the baseline, reporting wall time (of the whole process; `run ms` is the run alone), events/s
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
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import { parseQueries } from "./queries/index.js";
import { timeWholeProcess, type BenchRow } from "../harness.js";

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
const pipelineFile = fileURLToPath(new URL("./pipeline.ts", import.meta.url));

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

const root = fileURLToPath(new URL("../..", import.meta.url));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-nexmark-"));
process.on("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));

/**
 * The reference, compiled once by esbuild into a plain script (npm packages external, so it stays in the
 * checkout's cache to find them): its runs, like the pipeline's under `sluice run`, load no TypeScript loader.
 */
function referenceScript(): string {
  const out = path.join(root, "node_modules", ".cache", "sluice", "bench", `nexmark-reference-${process.pid}.mjs`);
  esbuild.buildSync({ entryPoints: [script], outfile: out, bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "error" });
  process.on("exit", () => fs.rmSync(out, { force: true }));
  return out;
}
const reference = STREAMING ? "" : referenceScript();

/** The reference as a process of its own; `ms` is its whole wall time, start-up included. */
function runReference(q: number): Measure & { runMs: number } {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [reference, "reference", String(q), String(EVENTS), String(EVENT_RATE)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const wall = performance.now() - t0;
  const m = JSON.parse(out.trim().split("\n").at(-1)!) as Measure;
  return { ...m, ms: wall, runMs: m.ms };
}

/** One query on one runner as a user runs it, `sluice run` (the program bundle), measured as a whole process. */
async function runPipeline(q: number, runner: string): Promise<Measure & { runMs: number }> {
  const report = path.join(scratch, `q${q}-${runner}.json`);
  const flags = [`--runner=${runner}`, `--queries=${q}`, `--events=${EVENTS}`, `--eventRate=${EVENT_RATE}`, "--quiet", `--report=${report}`];
  if (runner === "direct") flags.push("--enforceImmutability=false"); // the parallel runners do not freeze elements
  if (STREAMING) flags.push("--streaming", ...(RATE > 0 ? [`--rate=${RATE}`] : []), ...(EVENTS === 0 ? [`--maxDuration=${MAX_DURATION_MS / 1000}`, "--drain"] : []));
  if (runner !== "direct" && PARALLELISM) flags.push(`--parallelism=${PARALLELISM}`);
  if (runner === "process" && MEMORY_MB) flags.push(`--memoryMb=${MEMORY_MB}`);
  const whole = await timeWholeProcess([process.execPath, path.join(root, "bin", "sluice.js"), "run", pipelineFile, ...flags], root, { cpu: true });
  const r = JSON.parse(fs.readFileSync(report, "utf8")) as { ms: number; results: number; eventsRead: number; workerRssMb: number };
  return { ms: whole.ms, runMs: r.ms, cpuMs: whole.cpuMs!, rssMb: whole.rssMb, results: r.results, eventsRead: r.eventsRead, workerRssMb: r.workerRssMb };
}

const rows: Record<string, string | number>[] = [];
const summary: Record<string, Record<string, number>> = {};
const benchRows: BenchRow[] = [];
for (const q of QUERIES) {
  // Streaming runs have no reference: how many events they read depends on the runner.
  const ref = STREAMING ? undefined : runReference(q);
  const perRunner: { runner: string; m: Measure & { runMs: number } }[] = [];
  for (const runner of RUNNERS) perRunner.push({ runner, m: await runPipeline(q, runner) });
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
