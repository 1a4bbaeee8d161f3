import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { trackTreeCpu } from "./pipelines/child-cpu.js";

/**
 * Benchmark helpers: best-of-N timing and a report of each contender as a ratio to a baseline measured in the
 * same run (ratios stay meaningful on a busy or different machine; absolute times don't).
 */

export interface Timing {
  readonly name: string;
  /** Best wall time over the repeats, in ms. */
  readonly ms: number;
  /** Peak resident set size seen after the runs, in MiB. */
  readonly rssMb: number;
}

/** Runs `fn` `repeats` times (after one warm-up) and keeps the fastest. */
export async function timeBest(name: string, fn: () => unknown, repeats: number): Promise<Timing> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    globalThis.gc?.();
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { name, ms: best, rssMb: process.memoryUsage().rss / 2 ** 20 };
}

/** Prints a table of throughput ratios to the baseline and one JSON line for tooling. */
export function reportRatios(title: string, baseline: Timing, results: readonly Timing[], elements: number): void {
  const rows = [baseline, ...results].map((t) => ({
    contender: t.name,
    "ratio to baseline": Number((baseline.ms / t.ms).toFixed(3)),
    "elements/s": Math.round((elements / t.ms) * 1000),
    "best ms": Math.round(t.ms),
  }));
  process.stdout.write(`${title}\n`);
  console.table(rows);
  process.stdout.write(`${JSON.stringify({ bench: title, ratios: Object.fromEntries(rows.map((r) => [r.contender, r["ratio to baseline"]])) })}\n`);
}

/** Keeps `run` as `name`'s in `best` if it is the fastest so far (whole-process benches taking turns). */
export function keepFastest<T extends { readonly ms: number }>(best: Map<string, T>, name: string, run: T): void {
  const b = best.get(name);
  if (!b || run.ms < b.ms) best.set(name, run);
}

/** One whole process: its wall time and the peak RSS of it or of its largest child process. */
export interface ProcessTiming {
  readonly ms: number;
  readonly rssMb: number;
}

/**
 * Runs `argv` as a process of its own in `cwd` (stdout discarded) and measures it with GNU time; with `cpu`, also
 * the CPU time of it and every process it starts (polled from /proc, so the last ~0.2 s of each is not seen; off
 * by default, so that polling does not compete with short runs). Throws with its stderr when it fails.
 */
export async function timeWholeProcess(argv: readonly string[], cwd: string, options: { cpu?: boolean } = {}): Promise<ProcessTiming & { readonly cpuMs?: number }> {
  const t0 = performance.now();
  const child = spawn("/usr/bin/env", ["time", "-f", "%M", ...argv], { cwd, stdio: ["ignore", "ignore", "pipe"] });
  const cpu = options.cpu ? trackTreeCpu(child.pid!, false, 200) : undefined;
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const ms = performance.now() - t0;
  const cpuMs = cpu?.stop();
  if (code !== 0) throw new Error(`${argv.join(" ")} failed (${code}):\n${stderr}`);
  return { ms, rssMb: Number(stderr.trim().split("\n").at(-1)) / 1024, ...(cpuMs === undefined ? {} : { cpuMs }) };
}

/** The value of `--name` on this process's command line, else `dflt`. */
export function benchArg(name: string, dflt: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
}

/** The shard files `writeText(prefix)` wrote (`<prefix>-00000-of-0000N.txt`). */
export function shardsOf(prefix: string): string[] {
  const dir = path.dirname(prefix);
  return fs.readdirSync(dir).filter((f) => f.startsWith(`${path.basename(prefix)}-`)).map((f) => path.join(dir, f));
}

/** The lines of `files` together, sorted: outputs compared as sets of lines (shard and line order aside). */
export function sortedLines(files: readonly string[]): string {
  return files.flatMap((f) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean)).sort().join("\n");
}

/** One line of `npm run bench`'s table, which each bench also prints in its closing JSON line (`rows`). */
export interface BenchRow {
  readonly case: string;
  readonly contender: string;
  /** What `ratio` is measured against (a contender of the same case, or of the same run). */
  readonly baseline: string;
  /** Throughput over the baseline's (> 1: faster than it). */
  readonly ratio: number;
  readonly wallMs: number;
  /** Peak RSS of the process, or of its largest worker, in MiB. */
  readonly rssMb: number;
}
