/**
 * What a user sees: WordCount and start-up as whole processes (`node` started, pipeline run, process exited), on
 * every runner, as ratios to baselines measured in the same run. The runners take turns `--repeats` times (start-ups ten times as often) and
 * each keeps its fastest run.
 *
 * - WordCount over a seeded corpus of `--words` words (~10 words a line): `samples/wordcount.ts` per runner
 *   against a hand-written single-threaded loop in a process of its own (read, split, count in a Map, write);
 *   the counts must be the same lines on every runner and in the loop.
 * - Start-up: `samples/minimal.ts` per runner against `node -e 0`.
 *
 * Pipelines run as a user runs them, `sluice run <file>`, with the program bundle built beforehand (a user's
 * first run of a changed pipeline also pays the build, ~0.3 s).
 *
 *   npx tsx bench/whole-process.ts [--words 10000000] [--runners direct,threads,process] [--repeats 2]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeCorpus } from "./corpus.js";
import { keepFastest, shardsOf, type BenchRow, sortedLines, timeWholeProcess, type ProcessTiming, benchArg } from "./harness.js";

const WORDS = Number(benchArg("words", "10000000"));
const RUNNERS = benchArg("runners", "direct,threads,process").split(",");
const REPEATS = Number(benchArg("repeats", "2"));
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-bench-whole-"));
const input = path.join(dir, "corpus.txt");
writeCorpus(input, WORDS);

/** The bar, as a script of its own: what a careful programmer writes by hand for one thread. */
const handLoop = path.join(dir, "hand.mjs");
fs.writeFileSync(
  handLoop,
  `import fs from "node:fs";
const counts = new Map();
for (const line of fs.readFileSync(process.argv[2], "utf8").split("\\n")) {
  const words = line.match(/[A-Za-z']+/g);
  if (!words) continue;
  for (const w of words) { const word = w.toLowerCase(); counts.set(word, (counts.get(word) ?? 0) + 1); }
}
const lines = [];
for (const [word, n] of counts) lines.push(word + ": " + n);
fs.writeFileSync(process.argv[3], lines.join("\\n") + "\\n");
`,
);

const node = process.execPath;
const timeProcess = (argv: readonly string[]): Promise<ProcessTiming> => timeWholeProcess(argv, root);
// As a user runs them: `sluice run`, which loads the pipeline from its program bundle (built by a first run
// below, before any timing, as a user's first run builds it).
const sluice = path.join(root, "bin", "sluice.js");
const wordcount = (runner: string): string[] => [node, sluice, "run", "samples/wordcount.ts", "--runner", runner, "--input", input, "--output", path.join(dir, runner, "counts"), "--quiet"];
const minimal = (runner: string): string[] => [node, sluice, "run", "samples/minimal.ts", "--runner", runner, "--quiet"];
await timeProcess(minimal("direct"));
await timeProcess([node, sluice, "run", "samples/wordcount.ts", "--input", input, "--output", path.join(dir, "warm", "counts"), "--quiet"]);

const best = new Map<string, ProcessTiming>();
// Start-ups are short and vary by tens of ms between runs here: they take their turns ten times as often.
for (let r = 0; r < REPEATS * 10; r++) {
  if (r % 10 === 0) {
    keepFastest(best, "wc:loop", await timeProcess([node, handLoop, input, path.join(dir, "hand.txt")]));
    for (const runner of RUNNERS) keepFastest(best, `wc:${runner}`, await timeProcess(wordcount(runner)));
  }
  keepFastest(best, "start:node", await timeProcess([node, "-e", "0"]));
  for (const runner of RUNNERS) keepFastest(best, `start:${runner}`, await timeProcess(minimal(runner)));
}

// Every runner's counts are the loop's, as sets of lines (shard order and line order are not the point).
const expected = sortedLines([path.join(dir, "hand.txt")]);
for (const runner of RUNNERS) {
  if (sortedLines(shardsOf(path.join(dir, runner, "counts"))) !== expected) throw new Error(`WordCount on ${runner} disagrees with the hand-written loop`);
}

const summary: BenchRow[] = [];
const table = (title: string, what: string, baseline: string, names: readonly string[]): Record<string, number> => {
  const base = best.get(baseline)!;
  const rows = [baseline, ...names].map((n) => ({ contender: n.split(":")[1]!, "ratio to baseline": Number((base.ms / best.get(n)!.ms).toFixed(3)), "wall ms": Math.round(best.get(n)!.ms), "times baseline's wall": Number((best.get(n)!.ms / base.ms).toFixed(2)), "largest process RSS MiB": Math.round(best.get(n)!.rssMb) }));
  process.stdout.write(`${title}\n`);
  console.table(rows);
  for (const r of rows) summary.push({ case: what, contender: r.contender, baseline: baseline.split(":")[1]!, ratio: r["ratio to baseline"], wallMs: r["wall ms"], rssMb: r["largest process RSS MiB"] });
  return Object.fromEntries(rows.map((r) => [r.contender, r["ratio to baseline"]]));
};
const wc = table(`WordCount, ${WORDS.toLocaleString("en")} words, whole process (counts checked against the loop)`, "WordCount", "wc:loop", RUNNERS.map((r) => `wc:${r}`));
const start = table("Start-up: samples/minimal.ts, whole process, against node -e 0", "start-up", "start:node", RUNNERS.map((r) => `start:${r}`));
process.stdout.write(`${JSON.stringify({ bench: "whole-process", wordcount: wc, startup: start, rows: summary })}\n`);
fs.rmSync(dir, { recursive: true, force: true });
