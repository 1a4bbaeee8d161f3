/**
 * Threads runner benchmark: the same pipelines on `threads` and on `direct`, in one run, reported as ratios to
 * direct. A CPU-heavy pipeline (the threads runner's purpose: target ≥ 1.8× on 2 cores) and WordCount (target:
 * no slower than direct).
 *
 *   npx tsx bench/threads.ts [--elements 5000000] [--words 5000000] [--repeats 2]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeCorpus } from "./corpus.js";
import { reportRatios, timeBest } from "./harness.js";
import cpuHeavy, { burn } from "./pipelines/cpu-heavy.js";
import wordcount from "../samples/wordcount.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const ELEMENTS = arg("elements", 5_000_000);
const WORDS = arg("words", 5_000_000);
const REPEATS = arg("repeats", 2);
const parallelism = os.availableParallelism();

{
  const t = performance.now();
  for (let i = 0; i < 100_000; i++) burn(i);
  process.stdout.write(`burn(): ${(((performance.now() - t) / 100_000) * 1000).toFixed(2)} µs per element on this machine; ${parallelism} cores\n`);
}

const direct = await timeBest("direct", () => cpuHeavy.run({ elements: ELEMENTS, runner: "direct", enforceImmutability: false, quiet: true }), REPEATS);
const threads = await timeBest(`threads (${parallelism} workers)`, () => cpuHeavy.run({ elements: ELEMENTS, runner: "threads", quiet: true }), REPEATS);
reportRatios(`CPU-heavy map + sum per key, ${ELEMENTS.toLocaleString("en")} elements`, direct, [threads], ELEMENTS);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-bench-threads-"));
try {
  const input = path.join(dir, "corpus.txt");
  writeCorpus(input, WORDS);
  const run = (runner: string) => () => wordcount.run({ input, output: path.join(dir, runner), runner, quiet: true, enforceImmutability: false });
  const wcDirect = await timeBest("direct", run("direct"), REPEATS);
  const wcThreads = await timeBest(`threads (${parallelism} workers)`, run("threads"), REPEATS);
  reportRatios(`WordCount, ${WORDS.toLocaleString("en")} words`, wcDirect, [wcThreads], WORDS);
  const same = fs.readFileSync(path.join(dir, "direct-00000-of-00001.txt")).equals(fs.readFileSync(path.join(dir, "threads-00000-of-00001.txt")));
  process.stdout.write(`WordCount output identical on both runners: ${same}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
