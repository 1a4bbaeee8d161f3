/**
 * WordCount benchmark: Sluice's direct runner against a hand-written single-threaded loop (read, split, count in
 * a Map, write) on the same seeded ~1M-word corpus, in one run. Reports throughput as a ratio to the loop; no
 * absolute times are compared across machines.
 *
 *   npx tsx bench/wordcount.ts [--words 1000000] [--repeats 3]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeCorpus } from "./corpus.js";
import { timeBest, reportRatios } from "./harness.js";
import wordcount from "../samples/wordcount.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const WORDS = arg("words", 1_000_000);
const REPEATS = arg("repeats", 3);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-bench-wc-"));
const input = path.join(dir, "corpus.txt");
writeCorpus(input, WORDS);

/** The bar: what a careful programmer writes by hand for one machine and one thread. */
function handWritten(): void {
  const counts = new Map<string, number>();
  for (const line of fs.readFileSync(input, "utf8").split("\n")) {
    const words = line.match(/[A-Za-z']+/g);
    if (!words) continue;
    for (const w of words) {
      const word = w.toLowerCase();
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  const lines: string[] = [];
  for (const [word, n] of counts) lines.push(`${word}: ${n}`);
  fs.writeFileSync(path.join(dir, "hand.txt"), lines.join("\n") + "\n");
}

const sluice = (enforceImmutability: boolean) => async (): Promise<void> => {
  await wordcount.run({ input, output: path.join(dir, "sluice"), runner: "direct", quiet: true, enforceImmutability });
};

try {
  const baseline = await timeBest("hand-written loop", handWritten, REPEATS);
  const results = [
    await timeBest("sluice direct", sluice(false), REPEATS),
    await timeBest("sluice direct (immutability checks)", sluice(true), REPEATS),
  ];
  reportRatios(`WordCount, ${WORDS.toLocaleString("en")} words`, baseline, results, WORDS);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
