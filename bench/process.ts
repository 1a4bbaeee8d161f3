/**
 * Process runner benchmark: WordCount over a large input and a large GroupByKey, on `process` and on `direct`, in
 * one run, as ratios to direct; plus the process runner's shuffle throughput and its largest worker's memory.
 *
 *   npx tsx bench/process.ts [--words 5000000] [--records 10000000] [--keys 1000000] [--memoryMb 256] [--repeats 1]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeCorpus } from "./corpus.js";
import { reportRatios, timeBest } from "./harness.js";
import wordcount from "../samples/wordcount.js";
import bigGroup from "../test/runners/process/fixtures/big-group.js";
import type { PipelineResult } from "../sdk/index.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const WORDS = arg("words", 5_000_000);
const RECORDS = arg("records", 10_000_000);
const KEYS = arg("keys", 1_000_000);
const MEMORY_MB = arg("memoryMb", 256);
const REPEATS = arg("repeats", 1);
const MiB = 2 ** 20;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-bench-process-"));
let last: PipelineResult | undefined;
const keep = (r: PipelineResult) => {
  last = r;
};
try {
  const input = path.join(dir, "corpus.txt");
  for (let i = 0; i < 4; i++) writeCorpus(path.join(dir, `part-${i}.txt`), WORDS / 4, i + 1);
  const glob = path.join(dir, "part-*.txt");
  const wc = (runner: string) => () => wordcount.run({ input: glob, output: path.join(dir, `wc-${runner}`), runner, quiet: true, enforceImmutability: false }).then(keep);
  const wcDirect = await timeBest("direct", wc("direct"), REPEATS);
  const wcProcess = await timeBest(`process (${os.availableParallelism()} workers)`, wc("process"), REPEATS);
  reportRatios(`WordCount, ${WORDS.toLocaleString("en")} words in 4 files`, wcDirect, [wcProcess], WORDS);
  void input;

  const group = (runner: string) => () =>
    bigGroup
      .run({ records: RECORDS, keys: KEYS, payload: 16, output: path.join(dir, `g-${runner}`, "groups"), runner, memoryMb: MEMORY_MB, quiet: true, enforceImmutability: false })
      .then(keep);
  const gDirect = await timeBest("direct", group("direct"), REPEATS);
  const gProcess = await timeBest(`process (--memoryMb ${MEMORY_MB})`, group("process"), REPEATS);
  const stats = last!.stats!;
  reportRatios(`GroupByKey, ${RECORDS.toLocaleString("en")} records, ${KEYS.toLocaleString("en")} keys`, gDirect, [gProcess], RECORDS);
  process.stdout.write(
    `process GroupByKey: ${(stats.shuffleBytes / MiB).toFixed(0)} MiB shuffled at ${(stats.shuffleBytes / MiB / (gProcess.ms / 1000)).toFixed(1)} MiB/s, ` +
      `${(stats.spilledBytes / MiB).toFixed(0)} MiB spilled in ${stats.spillRuns} runs, largest worker RSS ${(stats.workerMaxRssBytes / MiB).toFixed(0)} MiB\n`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
