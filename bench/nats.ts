/**
 * The NATS runner against the process runner, as a user sees them: WordCount over a seeded corpus of `--words`
 * words and a GroupByKey of `--records` records (`test/runners/process/fixtures/big-group.ts`, `--keys` keys,
 * 16-character values), each `sluice run` as a whole process (start-up included) on `nats` with
 * `--localWorkers 2` and on `process` with `--parallelism 2`, both at `--memoryMb`. The two take turns
 * `--repeats` times per case and each keeps its fastest run; their outputs must be the same bytes.
 *
 * The bench starts its own 3-node JetStream cluster on 127.0.0.1 (`nats-server`, on PATH or in /usr/sbin;
 * without it, it says so and reports nothing) and stops it at the end, also when a run fails. Reports per case:
 * nats's ratio to process (throughput over process's, as everywhere in `npm run bench`: < 1 is slower) and its
 * wall as a multiple of process's, the MiB each run shuffled (its `--stats`) and the MiB/s through JetStream
 * (nats's shuffled bytes over its wall), the CPU of each run's processes and of the NATS servers during it, and
 * peak RSS (the largest process of the run, and the largest worker as `--stats` reports it).
 *
 *   npm run bench:nats [-- --words 10000000 --records 10000000 --keys 1000000 --memoryMb 256 --repeats 2]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeCorpus } from "./corpus.js";
import { benchArg, type BenchRow } from "./harness.js";
import { trackTreeCpu } from "./pipelines/child-cpu.js";
import { natsServerAvailable, startNatsCluster, type NatsCluster } from "../test/runners/nats/nats-cluster.js";

const WORDS = Number(benchArg("words", "10000000"));
const RECORDS = Number(benchArg("records", "10000000"));
const KEYS = Number(benchArg("keys", String(Math.max(1, Math.floor(RECORDS / 10)))));
const MEMORY_MB = Number(benchArg("memoryMb", "256"));
const REPEATS = Number(benchArg("repeats", "2"));
const WORKERS = 2;
const MiB = 2 ** 20;
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const node = process.execPath;
const sluice = path.join(root, "bin", "sluice.js");

if (!natsServerAvailable()) {
  process.stdout.write("bench/nats.ts skipped: nats-server is not installed (not on PATH nor at /usr/sbin/nats-server; apt-get install nats-server)\n");
  process.stdout.write(`${JSON.stringify({ bench: "nats", skipped: "nats-server is not installed", rows: [] })}\n`);
  process.exit(0);
}

/** One whole `sluice run` with `--stats`: its wall, peak RSS, CPU and what its statistics line says. */
interface Run {
  readonly ms: number;
  /** Peak RSS of the run's largest process (GNU time), MiB. */
  readonly rssMb: number;
  /** CPU of the run's process and every process below it (polled from /proc), ms. */
  readonly cpuMs: number;
  /** CPU of the NATS servers while it ran, ms (0 for process). */
  readonly serverCpuMs: number;
  readonly shuffledBytes: number;
  readonly workerRssBytes: number;
}

/** `12.3 MiB` (as `--stats` prints sizes) in bytes. */
function parseBytes(text: string): number {
  const m = /^([\d.]+) (B|KiB|MiB|GiB)$/.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text}`);
  return Number(m[1]) * { B: 1, KiB: 1024, MiB: MiB, GiB: 2 ** 30 }[m[2] as "B"];
}

/** CPU of the NATS servers (this process's `nats-server` children) so far, ms; 0 off Linux. */
function natsServerCpuMs(): number {
  let ms = 0;
  try {
    for (const tid of fs.readdirSync("/proc/self/task")) {
      for (const pid of fs.readFileSync(`/proc/self/task/${tid}/children`, "utf8").split(" ").filter(Boolean)) {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        if (!stat.includes("(nats-server)")) continue;
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        ms += (Number(fields[11]) + Number(fields[12])) * 10;
      }
    }
  } catch {
    // not Linux, or a server exited meanwhile
  }
  return ms;
}

/** The NATS servers' peak RSS (VmHWM) each, MiB; empty off Linux. */
function natsServerPeakRssMb(): number[] {
  const peaks: number[] = [];
  try {
    for (const tid of fs.readdirSync("/proc/self/task")) {
      for (const pid of fs.readFileSync(`/proc/self/task/${tid}/children`, "utf8").split(" ").filter(Boolean)) {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        if (!/^Name:\s+nats-server$/m.test(status)) continue;
        peaks.push(Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]) / 1024);
      }
    }
  } catch {
    // not Linux
  }
  return peaks;
}

/** Runs `sluice run <args> --stats --quiet` as a process of its own under GNU time. Throws with its stderr when it fails. */
async function runSluice(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const server0 = natsServerCpuMs();
  const t0 = performance.now();
  const child = spawn("/usr/bin/env", ["time", "-f", "%M", node, sluice, "run", ...args, "--stats", "--quiet"], { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
  const cpu = trackTreeCpu(child.pid!, false, 200);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const ms = performance.now() - t0;
  const cpuMs = cpu.stop();
  const serverCpuMs = natsServerCpuMs() - server0;
  if (code !== 0) throw new Error(`sluice run ${args.join(" ")} failed (${code}):\n${stderr}`);
  // The totals line of --stats: "N bundles (M retried), X shuffled, Y spilled in R runs, largest worker RSS Z, T s".
  const totals = /, ([\d.]+ (?:B|KiB|MiB|GiB)) shuffled, .*largest worker RSS ([\d.]+ (?:B|KiB|MiB|GiB)), /.exec(stderr);
  if (!totals) throw new Error(`sluice run ${args.join(" ")}: no --stats totals line in its stderr:\n${stderr}`);
  return { ms, rssMb: Number(stderr.trim().split("\n").at(-1)) / 1024, cpuMs, serverCpuMs, shuffledBytes: parseBytes(totals[1]!), workerRssBytes: parseBytes(totals[2]!) };
}

/** A prefix's shard files (`<prefix>-0000i-of-0000N.txt`) concatenated in name order. */
function shardBytes(prefix: string): Buffer {
  const dir = path.dirname(prefix);
  const files = fs.readdirSync(dir).filter((f) => f.startsWith(`${path.basename(prefix)}-`)).sort();
  if (files.length === 0) throw new Error(`no output under ${prefix}`);
  return Buffer.concat(files.map((f) => fs.readFileSync(path.join(dir, f))));
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-bench-nats-"));
let cluster: NatsCluster | undefined;
const stopCluster = async () => {
  await cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
};
// Ctrl-C or a kill: the servers go too (a repeated signal, as npx and tsx relay one, waits for the same stop).
let interrupted: Promise<void> | undefined;
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.on(signal, () => void (interrupted ??= stopCluster().finally(() => process.exit(code))));
}

const rows: BenchRow[] = [];
const table: Record<string, number | string>[] = [];
const jetstream: Record<string, number> = {};
try {
  const corpus = path.join(dir, "corpus.txt");
  writeCorpus(corpus, WORDS);
  cluster = await startNatsCluster({ nodes: 3 });
  const env = { ...process.env, SLUICE_NATS_PASSWORD: cluster.password };
  const runnerArgs: Record<string, string[]> = {
    process: ["--runner=process", "--parallelism", String(WORKERS), "--memoryMb", String(MEMORY_MB)],
    nats: ["--runner=nats", "--localWorkers", String(WORKERS), "--servers", cluster.servers.join(","), "--user", cluster.user, "--memoryMb", String(MEMORY_MB)],
  };
  const cases = [
    {
      name: "WordCount",
      title: `WordCount, ${WORDS.toLocaleString("en")} words`,
      elements: WORDS,
      args: (output: string, warm: boolean) => ["samples/wordcount.ts", ...(warm ? [] : ["--input", corpus]), "--output", output],
    },
    {
      name: `GroupByKey ${(RECORDS / 1e6).toLocaleString("en")}M`,
      title: `GroupByKey, ${RECORDS.toLocaleString("en")} records, ${KEYS.toLocaleString("en")} keys`,
      elements: RECORDS,
      args: (output: string, warm: boolean) => ["test/runners/process/fixtures/big-group.ts", "--records", String(warm ? 1000 : RECORDS), "--keys", String(warm ? 100 : KEYS), "--payload", "16", "--output", output],
    },
  ];
  for (const c of cases) {
    // Untimed first runs on a small input: each pipeline's program bundle is built and, on nats, the streams,
    // buckets and stored code exist, as for a user running a pipeline again.
    for (const runner of ["process", "nats"]) await runSluice([...c.args(path.join(dir, "warm", runner, "out"), true), ...runnerArgs[runner]!], env);
    const best = new Map<string, Run>();
    for (let r = 0; r < REPEATS; r++) {
      for (const runner of ["process", "nats"]) {
        const run = await runSluice([...c.args(path.join(dir, c.name, runner, "out"), false), ...runnerArgs[runner]!], env);
        if (!best.has(runner) || run.ms < best.get(runner)!.ms) best.set(runner, run);
      }
    }
    if (!shardBytes(path.join(dir, c.name, "process", "out")).equals(shardBytes(path.join(dir, c.name, "nats", "out")))) {
      throw new Error(`${c.title}: the nats runner's output differs from the process runner's`);
    }
    const base = best.get("process")!;
    for (const runner of ["process", "nats"]) {
      const run = best.get(runner)!;
      const ratio = Number((base.ms / run.ms).toFixed(3));
      table.push({
        case: c.name,
        runner,
        "ratio to process": ratio,
        "× process's wall": Number((run.ms / base.ms).toFixed(2)),
        "wall ms": Math.round(run.ms),
        "elements/s": Math.round((c.elements / run.ms) * 1000),
        "shuffled MiB": Number((run.shuffledBytes / MiB).toFixed(1)),
        "shuffle MiB/s": Number((run.shuffledBytes / MiB / (run.ms / 1000)).toFixed(1)),
        "CPU s": Number((run.cpuMs / 1000).toFixed(1)),
        "NATS servers' CPU s": Number((run.serverCpuMs / 1000).toFixed(1)),
        "largest process RSS MiB": Math.round(run.rssMb),
        "largest worker RSS MiB": Math.round(run.workerRssBytes / MiB),
      });
      // Peak RSS: of the largest process GNU time saw, or of the largest worker (the process runner's are not all
      // reaped by the run's process, so GNU time may miss them).
      rows.push({ case: `${c.name} nats vs process`, contender: runner, baseline: "process", ratio, wallMs: Math.round(run.ms), rssMb: Math.round(Math.max(run.rssMb, run.workerRssBytes / MiB)) });
    }
    const nats = best.get("nats")!;
    jetstream[c.name] = Number((nats.shuffledBytes / MiB / (nats.ms / 1000)).toFixed(1));
    fs.rmSync(path.join(dir, c.name), { recursive: true, force: true });
  }
  const peaks = natsServerPeakRssMb();
  process.stdout.write(
    `nats (--localWorkers ${WORKERS}, 3-node JetStream cluster on 127.0.0.1) against process (--parallelism ${WORKERS}), --memoryMb ${MEMORY_MB}, ` +
      `whole processes, best of ${REPEATS}, outputs checked byte for byte; shuffle MiB/s is the run's shuffled bytes (--stats) over its wall\n`,
  );
  console.table(table);
  if (peaks.length) process.stdout.write(`NATS servers' peak RSS: ${peaks.map((p) => `${Math.round(p)} MiB`).join(", ")}\n`);
  process.stdout.write(`${JSON.stringify({ bench: "nats", jetstreamMiBPerS: jetstream, rows })}\n`);
} finally {
  await stopCluster();
}
