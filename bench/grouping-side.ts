/**
 * Grouping-side micro-benchmark: 2M adds over 5000 keys straight into `createGroupingSide` (no runner),
 * the watermark advanced every 4096 records, best of 3, per driver case. Pass other checkouts of the repo with
 * `--against` to compare them on the same machine in one run (each checkout runs in a process of its own, so the
 * JIT of one cannot help or hurt another):
 *
 *   npx tsx bench/grouping-side.ts [--adds 2000000] [--lean] [--against /path/to/other/checkout ...]
 *
 * `--lean` runs only the lean driver's cases.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const N = Number(flag("adds") ?? 2_000_000);
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Runs the cases against the checkout at `repo`; prints one line per case. */
async function runCases(repo: string): Promise<void> {
  const { createGroupingSide } = await import(path.join(repo, "runners/core/grouping-side.ts"));
  const sdk = await import(path.join(repo, "sdk/index.ts"));
  const { GLOBAL_WINDOWING } = await import(path.join(repo, "sdk/model/windowing-strategy.ts"));
  const { FixedWindows, GlobalWindows, Sessions, AfterCount, Repeatedly, TIMESTAMP_MAX_VALUE } = sdk;
  const sum = {
    createAccumulator: () => 0,
    addInput: (a: number, x: number) => a + x,
    mergeAccumulators: (as: number[]) => as.reduce((a, b) => a + b, 0),
    extractOutput: (a: number) => a,
  };
  const fixed = { ...GLOBAL_WINDOWING, windowFn: new FixedWindows(1000) };
  const cases: [string, any, boolean][] = [
    ["lean global bag", { ...GLOBAL_WINDOWING, windowFn: new GlobalWindows() }, false],
    ["lean fixed bag", fixed, false],
    ["lean fixed EARLIEST combine", { ...fixed, timestampCombiner: "EARLIEST" }, true],
    ["lean fixed LATEST bag", { ...fixed, timestampCombiner: "LATEST" }, false],
    ["general fixed count(100) bag", { ...fixed, trigger: Repeatedly(AfterCount(100)), accumulationMode: "DISCARDING" }, false],
    ["general fixed lateness combine", { ...fixed, allowedLateness: 1000, accumulationMode: "DISCARDING" }, true],
    // A key recurs every ~312 ms, within the gap: each element extends its key's session (Nexmark Q11's shape).
    ["general sessions combine", { ...GLOBAL_WINDOWING, windowFn: new Sessions(1000) }, true],
    ["general sessions bag", { ...GLOBAL_WINDOWING, windowFn: new Sessions(1000) }, false],
  ];
  let groups = 0;
  const sink = { receive: () => void groups++ };
  for (const [name, windowing, combine] of cases) {
    if (args.includes("--lean") && !name.startsWith("lean")) continue;
    let best = Infinity;
    for (let rep = 0; rep < 3; rep++) {
      const g = createGroupingSide({ step: "b", windowing, ...(combine ? { combineFn: sum } : {}) });
      const t0 = performance.now();
      for (let i = 0; i < N; i++) {
        const ts = i >> 4; // 16 records per ms: 16k records per fixed window
        const key = `k${i % 5000}`;
        for (const w of windowing.windowFn.assignWindows(ts)) g.add(key, w, ts, 1);
        if ((i & 4095) === 4095) g.advanceInputWatermark(ts - 500, sink);
      }
      g.advanceInputWatermark(TIMESTAMP_MAX_VALUE, sink);
      best = Math.min(best, performance.now() - t0);
    }
    process.stdout.write(`${JSON.stringify({ case: name, ms: Math.round(best) })}\n`);
  }
}

if (flag("child") !== undefined) {
  await runCases(flag("child")!);
} else {
  const repos = [here];
  for (let i = 0; i < args.length; i++) if (args[i] === "--against") repos.push(path.resolve(args[i + 1]!));
  const table: Record<string, Record<string, number>> = {};
  for (const repo of repos) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child", repo, "--adds", String(N), ...(args.includes("--lean") ? ["--lean"] : [])], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (child.status !== 0) throw new Error(`benchmark of ${repo} failed (exit ${child.status})`);
    for (const line of child.stdout.trim().split("\n")) {
      const { case: name, ms } = JSON.parse(line) as { case: string; ms: number };
      (table[name] ??= {})[repo === here ? "this checkout" : repo] = ms;
    }
  }
  process.stdout.write(`grouping sides, ${N} adds over 5000 keys, best of 3 (ms)\n`);
  console.table(table);
}
