/**
 * WordCount: counts the words of text files and writes `word: count` lines.
 *
 *   npx tsx samples/wordcount.ts --input 'samples/data/*.txt' --output out/wordcount/counts --top 10
 *   npx sluice run samples/wordcount.ts --runner=direct --input big.txt.gz --shards 4
 *
 * A word is a maximal run of letters and apostrophes, lower-cased.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { definePipeline, kv, ptransform, type KV, type PCollection } from "../sdk/index.js";
import { countPerElement, topLargest, readText, writeText } from "../transforms/index.js";

const BUNDLED_CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), "data", "*.txt");

/** Splits lines into words and counts each word: the reusable heart of WordCount. */
export const countWords = ptransform("CountWords", (lines: PCollection<string>): PCollection<KV<string, number>> =>
  lines
    .flatMap((line) => (line.match(/[A-Za-z']+/g) ?? []).map((w) => w.toLowerCase()), "ExtractWords")
    .apply(countPerElement()),
);

/** Highest count first; ties alphabetically, so the order is the same on every runner. */
function byCount(a: KV<string, number>, b: KV<string, number>): number {
  return a.value - b.value || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0);
}

export default definePipeline(import.meta, {
  description: "Counts the words of text files.",
  options: {
    input: { type: "string", default: BUNDLED_CORPUS, describe: "Files to read (a path or glob; .gz is decompressed)" },
    output: { type: "string", default: "out/wordcount/counts", describe: "Output prefix: writes <prefix>-00000-of-00001.txt" },
    shards: { type: "number", default: 1, describe: "Number of output files" },
    top: { type: "number", default: 0, describe: "Also print the N most frequent words (0: don't)" },
  },
  build(p, { input, output, shards, top }) {
    const counts = p.apply("ReadLines", readText(input)).apply(countWords);
    counts.map(({ key, value }) => `${key}: ${value}`, "Format").apply("WriteCounts", writeText(output, { shards }));
    if (top > 0) {
      counts
        .apply("TopWords", topLargest(top, byCount))
        .flatMap((words) => words.map(({ key, value }, i) => `${String(i + 1).padStart(3)}. ${key} (${value})`), "FormatTop")
        .apply("WriteTop", writeText(`${output}-top`));
    }
  },
  afterRun(result, { output, top, quiet }) {
    if (quiet) return;
    process.stdout.write(`Wrote word counts to ${output}-*.txt (${result.durationMs} ms)\n`);
    if (top > 0) {
      const lines = fs.readFileSync(`${output}-top-00000-of-00001.txt`, "utf8").split("\n").filter(Boolean);
      // The shard is sorted as text; the rank prefix restores the ranking.
      process.stdout.write(`Top ${top} words:\n${lines.sort().join("\n")}\n`);
    }
  },
});
