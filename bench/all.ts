/**
 * `npm run bench`: the benches that carry the performance targets, each in processes of its own, one after the
 * other, then one table of every result with its target and whether it holds. Each bench's own table is printed
 * as it finishes; the summary is built from the `rows` of their closing JSON lines.
 *
 * - `whole-process.ts`: WordCount (ratio to a hand-written loop) and start-up (ratio to `node -e 0`)
 * - `nexmark/run.ts`: queries 0–9, 11, 12 at `--events` (threads and process against direct, direct against the
 *   plain-TypeScript reference)
 * - `scale.ts`: GroupByKey of 10M, 50M and 100M records on the process runner at `--memoryMb 256` (throughput
 *   against the smallest size's: 1 is linear; RSS is the largest worker's; `--no-scale` skips it), and a hot key
 *   of 2M values at `--memoryMb 64` (ratio: the budget over the memory it added to a worker)
 * - `peers.ts`: WordCount against Apache Beam's TypeScript SDK (installed on first use; `--no-peers` skips it)
 * - `nats.ts`: WordCount at `--words` and a GroupByKey of `--natsRecords` records on nats (`--localWorkers 2`, a
 *   3-node JetStream cluster it starts on 127.0.0.1) against process (`--parallelism 2`), with the MiB/s through
 *   JetStream (`--no-nats` skips it; without nats-server it says so and adds no rows)
 *
 *   npm run bench [-- --words 10000000 --events 1000000 --peerWords 2000000 --scaleSizes 10000000,50000000 --natsRecords 10000000 --repeats 2 --no-scale --no-peers --no-nats]
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchArg, type BenchRow } from "./harness.js";

const args = process.argv.slice(2);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const REPEATS = benchArg("repeats", "2");

/** Runs one bench with tsx, its output shown as it goes, and returns the rows of its closing JSON line. */
function runBench(script: string, benchArgs: readonly string[]): BenchRow[] {
  process.stdout.write(`\n$ tsx ${script} ${benchArgs.join(" ")}\n`);
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(root, script), ...benchArgs], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 256 << 20 });
  process.stdout.write(run.stdout ?? "");
  if (run.status !== 0) throw new Error(`${script} failed (${run.status ?? run.signal})`);
  const last = run.stdout.trim().split("\n").at(-1)!;
  return (JSON.parse(last) as { rows: BenchRow[] }).rows;
}

/** The targets: a minimum ratio over the named baseline (start-up: a maximum of times its wall). */
function target(row: BenchRow): string | undefined {
  const runner = row.contender;
  if (row.case === "WordCount") return { direct: "≥ 1.0", threads: "≥ 1.6", process: "≥ 1.4" }[runner];
  if (row.case === "start-up") return runner === "direct" ? "≤ 3× wall" : runner === "threads" || runner === "process" ? "≤ 6× wall" : undefined;
  if (row.case.startsWith("GroupByKey scale")) return row.contender !== row.baseline && row.baseline !== row.case.replace("GroupByKey scale ", "") ? "≥ 0.8" : undefined;
  if (row.case.startsWith("Nexmark")) return runner === "threads" ? "≥ 1.5" : runner === "direct" ? "≥ 0.667" : undefined;
  return undefined;
}

function holds(row: BenchRow, t: string): boolean {
  const bound = Number(/[\d.]+/.exec(t)![0]);
  return t.includes("wall") ? 1 / row.ratio <= bound : row.ratio >= bound;
}

const rows = [
  ...runBench("bench/whole-process.ts", ["--words", benchArg("words", "10000000"), "--repeats", REPEATS]),
  ...runBench("bench/nexmark/run.ts", ["--events", benchArg("events", "1000000"), "--queries", "all"]),
  ...(args.includes("--no-scale") ? [] : runBench("bench/scale.ts", ["--sizes", benchArg("scaleSizes", "10000000,50000000,100000000")])),
  ...(args.includes("--no-peers") ? [] : runBench("bench/peers.ts", ["--words", benchArg("peerWords", "2000000")])),
  ...(args.includes("--no-nats") ? [] : runBench("bench/nats.ts", ["--words", benchArg("words", "10000000"), "--records", benchArg("natsRecords", "10000000"), "--repeats", REPEATS])),
];

process.stdout.write("\nSummary (ratio: throughput over the baseline's, > 1 is faster; start-up: times the baseline's wall)\n");
console.table(
  rows
    .filter((r) => r.contender !== r.baseline)
    .map((r) => {
      const t = target(r);
      return {
        case: r.case,
        contender: r.contender,
        "against": r.baseline,
        ratio: r.case === "start-up" ? `${(1 / r.ratio).toFixed(2)}× wall` : r.ratio,
        target: t ?? "",
        holds: t === undefined ? "" : holds(r, t) ? "yes" : "NO",
        "wall ms": r.wallMs,
        "peak RSS MiB": r.rssMb,
      };
    }),
);
