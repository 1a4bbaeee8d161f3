/**
 * Seeded synthetic text for benchmarks: words drawn from a Zipf-like vocabulary, so counts look like real text
 * (a few very common words, a long tail), and the same seed always gives the same file.
 */
import fs from "node:fs";
import { seededRandom } from "../runners/direct/seeded-random.js";

/** Writes about `words` words (lines of 5–15 words) to `file`. */
export function writeCorpus(file: string, words: number, seed = 42, vocabularySize = 30_000): void {
  const random = seededRandom(seed);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const vocabulary: string[] = [];
  for (let i = 0; i < vocabularySize; i++) {
    const length = 2 + Math.floor(random() * 9);
    let w = "";
    for (let j = 0; j < length; j++) w += letters[Math.floor(random() * 26)];
    vocabulary.push(random() < 0.1 ? w[0]!.toUpperCase() + w.slice(1) : w);
  }
  // Zipf(1): rank r has weight 1/r; sample by inverting the cumulative weights.
  const cumulative = new Float64Array(vocabularySize);
  let total = 0;
  for (let r = 0; r < vocabularySize; r++) cumulative[r] = total += 1 / (r + 1);
  const pick = (): string => {
    const x = random() * total;
    let lo = 0;
    let hi = vocabularySize - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
  const out: string[] = [];
  let written = 0;
  while (written < words) {
    const n = 5 + Math.floor(random() * 11);
    const line: string[] = [];
    for (let i = 0; i < n; i++) line.push(pick() + (random() < 0.08 ? "," : random() < 0.05 ? "." : ""));
    out.push(line.join(" "));
    written += n;
  }
  fs.writeFileSync(file, out.join("\n") + "\n");
}
