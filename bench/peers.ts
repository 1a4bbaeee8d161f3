/**
 * Sluice against its peer: the same WordCount on Apache Beam's TypeScript SDK (`apache-beam` 2.49.0, its direct
 * runner; `bench/peers/beam/`) and on every Sluice runner, as whole processes over one seeded corpus, the
 * outputs checked equal. Prints each Sluice runner's speed as a multiple of Beam's.
 *
 * The first run installs the peer's own package (`npm install` in `bench/peers/beam`, which needs the registry)
 * and compiles its pipeline with Beam's closure transform.
 *
 *   npm run bench:peers [-- --words 10000000 --runners direct,threads,process --repeats 1]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeCorpus } from "./corpus.js";
import { keepFastest, shardsOf, type BenchRow, sortedLines, timeWholeProcess, type ProcessTiming, benchArg } from "./harness.js";

const WORDS = Number(benchArg("words", "10000000"));
const RUNNERS = benchArg("runners", "direct,threads,process").split(",");
const REPEATS = Number(benchArg("repeats", "1"));
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const beamDir = path.join(root, "bench", "peers", "beam");

/** Installs and compiles the Beam pipeline when it is missing or older than its source. */
function prepareBeam(): string {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  if (!fs.existsSync(path.join(beamDir, "node_modules", "apache-beam"))) {
    process.stdout.write("Installing apache-beam 2.49.0 into bench/peers/beam (once)...\n");
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel", "error"], { cwd: beamDir, stdio: "inherit" });
  }
  const compiled = path.join(beamDir, "dist", "wordcount.js");
  const source = path.join(beamDir, "wordcount.ts");
  if (!fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(source).mtimeMs) {
    execFileSync(process.execPath, [path.join(beamDir, "build.cjs")], { cwd: beamDir, stdio: "inherit" });
  }
  return compiled;
}

const beam = prepareBeam();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-bench-peers-"));
const input = path.join(dir, "corpus.txt");
writeCorpus(input, WORDS);

const node = process.execPath;
const sluice = path.join(root, "bin", "sluice.js");
const sluiceRun = (runner: string, output: string): string[] => [node, sluice, "run", "samples/wordcount.ts", "--runner", runner, "--input", input, "--output", output, "--quiet"];
await timeWholeProcess(sluiceRun("direct", path.join(dir, "warm", "counts")), root); // builds the program bundle

const best = new Map<string, ProcessTiming>();
for (let r = 0; r < REPEATS; r++) {
  keepFastest(best, "beam", await timeWholeProcess([node, beam, input, path.join(dir, "beam.txt")], root));
  for (const runner of RUNNERS) keepFastest(best, runner, await timeWholeProcess(sluiceRun(runner, path.join(dir, runner, "counts")), root));
}

const expected = sortedLines([path.join(dir, "beam.txt")]);
for (const runner of RUNNERS) {
  if (sortedLines(shardsOf(path.join(dir, runner, "counts"))) !== expected) throw new Error(`WordCount on Sluice's ${runner} runner disagrees with Beam's`);
}

const base = best.get("beam")!;
const rows = ["beam", ...RUNNERS].map((name) => ({
  contender: name === "beam" ? "Apache Beam 2.49 (TypeScript, direct)" : `Sluice ${name}`,
  "speed × Beam's": Number((base.ms / best.get(name)!.ms).toFixed(2)),
  "wall ms": Math.round(best.get(name)!.ms),
  "largest process RSS MiB": Math.round(best.get(name)!.rssMb),
}));
process.stdout.write(`WordCount, ${WORDS.toLocaleString("en")} words, whole process (outputs checked equal)\n`);
console.table(rows);
const summary: BenchRow[] = ["beam", ...RUNNERS].map((name) => ({ case: "WordCount vs Apache Beam", contender: name, baseline: "beam", ratio: Number((base.ms / best.get(name)!.ms).toFixed(2)), wallMs: Math.round(best.get(name)!.ms), rssMb: Math.round(best.get(name)!.rssMb) }));
process.stdout.write(`${JSON.stringify({ bench: "peers", speedOverBeam: Object.fromEntries(RUNNERS.map((r) => [r, Number((base.ms / best.get(r)!.ms).toFixed(2))])), rows: summary })}\n`);
fs.rmSync(dir, { recursive: true, force: true });
