/**
 * The GroupByKey scale curve: the same keyed grouping at growing sizes on the process runner with a small memory
 * budget, to show that time grows linearly with the records while worker memory stays near the budget (the
 * shuffle spills to disk). Reports per size: wall time, time per 10M records (flat when linear), MiB shuffled
 * and the shuffle's MiB/s, MiB spilled, and the largest worker's peak RSS.
 *
 *   npx tsx bench/scale.ts [--sizes 10000000,50000000,100000000] [--keysPer 10] [--memoryMb 256] [--payload 16]
 *
 * Each size runs in-process after the previous one (start-up is not what this measures; `whole-process.ts` is).
 * Then a hot key: 2M values under one key at `--hotMemoryMb` (64), whose group does not fit in a worker's heap and
 * goes through the spooled values path; reported as the largest worker's RSS over an idle worker's, against the
 * budget (`--hotRecords 0` skips it).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import bigGroup from "../test/runners/process/fixtures/big-group.js";
import hotKey from "../test/runners/process/fixtures/hot-key.js";
import { closeIdlePools } from "../runners/process/process-runner.js";
import { benchArg, type BenchRow } from "./harness.js";

const SIZES = benchArg("sizes", "10000000,50000000,100000000").split(",").map(Number);
const KEYS_PER = Number(benchArg("keysPer", "10")); // values per key: keys = records / keysPer
const MEMORY_MB = Number(benchArg("memoryMb", "256"));
const PAYLOAD = Number(benchArg("payload", "16"));
const HOT_RECORDS = Number(benchArg("hotRecords", "2000000"));
const HOT_MEMORY_MB = Number(benchArg("hotMemoryMb", "64"));
const MiB = 2 ** 20;

let firstPerRecord = 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-bench-scale-"));
const rows: Record<string, number | string>[] = [];
const benchRows: BenchRow[] = [];
try {
  // A small run first, so that the first size does not also pay for starting the workers.
  await bigGroup.run({ records: 100_000, keys: 10_000, payload: PAYLOAD, output: path.join(dir, "warm", "groups"), runner: "process", memoryMb: MEMORY_MB, quiet: true });
  for (const records of SIZES) {
    const t0 = performance.now();
    const result = await bigGroup.run({ records, keys: Math.max(1, Math.floor(records / KEYS_PER)), payload: PAYLOAD, output: path.join(dir, `g${records}`, "groups"), runner: "process", memoryMb: MEMORY_MB, quiet: true });
    const s = (performance.now() - t0) / 1000;
    const stats = result.stats!;
    rows.push({
      records: records.toLocaleString("en"),
      "wall s": Number(s.toFixed(1)),
      "s per 10M": Number(((s * 1e7) / records).toFixed(2)),
      "shuffled MiB": Math.round(stats.shuffleBytes / MiB),
      "shuffle MiB/s": Number((stats.shuffleBytes / MiB / s).toFixed(1)),
      "spilled MiB": Math.round(stats.spilledBytes / MiB),
      "largest worker RSS MiB": Math.round(stats.workerMaxRssBytes / MiB),
    });
    // For `npm run bench`: throughput against the smallest size's (1 is perfectly linear).
    const first = benchRows[0];
    const perRecord = s / records;
    benchRows.push({ case: `GroupByKey scale ${(records / 1e6).toLocaleString("en")}M`, contender: "process", baseline: first ? first.case.replace("GroupByKey scale ", "") : `${(records / 1e6).toLocaleString("en")}M`, ratio: first ? Number((firstPerRecord / perRecord).toFixed(3)) : 1, wallMs: Math.round(s * 1000), rssMb: Math.round(stats.workerMaxRssBytes / MiB) });
    if (!first) firstPerRecord = perRecord;
    fs.rmSync(path.join(dir, `g${records}`), { recursive: true, force: true });
  }
  if (HOT_RECORDS > 0) {
    // Fresh workers (a worker's peak RSS is for its lifetime): an idle one's first, then the hot key's.
    await closeIdlePools();
    const idle = await hotKey.run({ records: 1000, output: path.join(dir, "idle", "g"), runner: "process", quiet: true });
    const idleMb = idle.stats!.workerMaxRssBytes / MiB;
    await closeIdlePools();
    const t0 = performance.now();
    const result = await hotKey.run({ records: HOT_RECORDS, output: path.join(dir, "hot", "g"), runner: "process", memoryMb: HOT_MEMORY_MB, quiet: true });
    const wallMs = Math.round(performance.now() - t0);
    const rssMb = result.stats!.workerMaxRssBytes / MiB;
    const hot = fs.readFileSync(path.join(dir, "hot", "g-00000-of-00001.txt"), "utf8").split("\n").find((l) => l.startsWith("hot "));
    process.stdout.write(`hot key, ${HOT_RECORDS} records at --memoryMb ${HOT_MEMORY_MB}: ${wallMs} ms, largest worker ${rssMb.toFixed(0)} MiB (idle worker ${idleMb.toFixed(0)} MiB), spilled ${Math.round(result.stats!.spilledBytes / MiB)} MiB; ${hot}\n`);
    // The ratio: the budget over what the hot key added to a worker (≥ 0.5: it added at most twice the budget).
    benchRows.push({ case: `GroupByKey hot key ${(HOT_RECORDS / 1e6).toLocaleString("en")}M`, contender: "process", baseline: `--memoryMb ${HOT_MEMORY_MB}`, ratio: Number((HOT_MEMORY_MB / Math.max(rssMb - idleMb, 1)).toFixed(3)), wallMs, rssMb: Math.round(rssMb) });
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`GroupByKey scale curve, process runner, --memoryMb ${MEMORY_MB}, ${KEYS_PER} values a key, ${PAYLOAD}-character values\n`);
console.table(rows);
process.stdout.write(`${JSON.stringify({ bench: "scale", rows: benchRows })}\n`);
