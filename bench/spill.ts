/**
 * Spill benchmark: ExternalGrouper (add every record, then read every group) without and with spilling, against
 * grouping the same records in an in-memory Map, in one run. Reports throughput as a ratio to the Map, records/s,
 * and MB/s of encoded records (the frames the store buffers and spills), plus the spill stats.
 *
 *   npx tsx bench/spill.ts [--records 2000000] [--keys 200000] [--budgetMb 8] [--repeats 3]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { timeBest, type Timing } from "./harness.js";
import { ExternalGrouper, type SpillStats } from "../runners/shared/spill/index.js";
import { GLOBAL_WINDOW } from "../sdk/model/window.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const RECORDS = arg("records", 2_000_000);
const KEYS = arg("keys", 200_000);
const BUDGET = arg("budgetMb", 8) * 2 ** 20;
const REPEATS = arg("repeats", 3);

// The keys, made once so that no contender pays for building strings.
const keys = Array.from({ length: KEYS }, (_, k) => `key-${k}`);
const keyOf = (i: number): string => keys[(i * 7919) % KEYS]!;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-bench-spill-"));
let checksum = 0;

/** The bar: group in a Map of arrays, then visit every group. */
function inMemoryMap(): void {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < RECORDS; i++) {
    const key = keyOf(i);
    const values = groups.get(key);
    if (values) values.push(i);
    else groups.set(key, [i]);
  }
  let n = 0;
  for (const values of groups.values()) n += values.length;
  checksum += n;
}

let lastStats: SpillStats | undefined;
const grouper = (memoryBytes: number, combine: boolean) => async (): Promise<void> => {
  const store = new ExternalGrouper({ dir, memoryBytes, combine: combine ? { merge: (a, b) => (a as number) + (b as number) } : undefined });
  try {
    for (let i = 0; i < RECORDS; i++) store.write(keyOf(i), GLOBAL_WINDOW, i, combine ? 1 : i);
    let n = 0;
    for await (const g of store.groups()) n += g.records.length;
    checksum += n;
  } finally {
    await store.close();
  }
  lastStats = store.stats;
};

/** Bytes of the records, encoded (the frames a store buffers and spills). */
async function frameBytes(): Promise<number> {
  const store = new ExternalGrouper({ dir, memoryBytes: 2 ** 40 });
  for (let i = 0; i < RECORDS; i++) store.write(keyOf(i), GLOBAL_WINDOW, i, i);
  await store.close();
  return store.stats.recordBytes;
}

try {
  const bytes = await frameBytes();
  const baseline = await timeBest("in-memory Map", inMemoryMap, REPEATS);
  const results: [Timing, SpillStats | undefined][] = [[baseline, undefined]];
  for (const [name, memory, combine] of [
    ["ExternalGrouper, no spill", 2 ** 40, false],
    [`ExternalGrouper, ${BUDGET / 2 ** 20} MiB budget`, BUDGET, false],
    [`ExternalGrouper, ${BUDGET / 2 ** 20} MiB budget, combining (sum)`, BUDGET, true],
  ] as const) {
    const t = await timeBest(name, grouper(memory, combine), REPEATS);
    results.push([t, lastStats]);
  }
  const title = `Group ${RECORDS.toLocaleString("en")} records over ${KEYS.toLocaleString("en")} keys (${(bytes / 2 ** 20).toFixed(0)} MiB encoded)`;
  process.stdout.write(`${title}\n`);
  console.table(
    results.map(([t, s]) => ({
      contender: t.name,
      "ratio to Map": Number((baseline.ms / t.ms).toFixed(3)),
      "records/s": Math.round((RECORDS / t.ms) * 1000),
      "MiB/s": Number((bytes / 2 ** 20 / (t.ms / 1000)).toFixed(1)),
      "best ms": Math.round(t.ms),
      runs: s ? s.spills + s.mergedRuns : "",
      "spilled MiB": s ? Number((s.spilledBytes / 2 ** 20).toFixed(1)) : "",
    })),
  );
  process.stdout.write(`${JSON.stringify({ bench: title, ratios: Object.fromEntries(results.map(([t]) => [t.name, Number((baseline.ms / t.ms).toFixed(3))])) })}\n`);
  if (checksum === 0) throw new Error("nothing grouped");
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
