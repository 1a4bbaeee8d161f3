/**
 * Windowed WordCount: counts words per fixed window of event time and writes one set of files per window.
 *
 *   npx tsx samples/windowed-wordcount.ts                                  # the bundled corpus, 30-minute windows
 *   npx tsx samples/windowed-wordcount.ts --input events.tsv --windowMinutes 60
 *
 * Each line gets an event timestamp: a line `<timestamp>\t<text>` (the timestamp in ms since the epoch or an ISO
 * 8601 date) carries its own; any other line (such as the bundled corpus's) gets a synthetic one, a hash of its
 * text spread over the two hours after `--start`, so that the same input always gives the same windows on every
 * runner, as Beam's WindowedWordCount spreads its input over two hours. Words are then counted in fixed windows of
 * `--windowMinutes`, and `writeText` writes each window's counts to
 * `<output>-<windowStart>-<windowEnd>-0-00000-of-00001.txt` (the pane index is 0: bounded input, the default
 * trigger, one pane per window).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FixedWindows, definePipeline, windowInto, type Instant } from "../sdk/index.js";
import { readText, withTimestamps, writeText } from "../transforms/index.js";
import { countWords } from "./wordcount.js";

const BUNDLED_CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), "data", "*.txt");
/** The span synthetic timestamps are spread over. */
const SYNTHETIC_SPAN_MS = 2 * 60 * 60 * 1000;

/** A line and its event time. */
export interface TimedLine {
  readonly text: string;
  readonly timestamp: Instant;
}

/**
 * The event time of a line: its own (`<ms or ISO date>\t<text>`), or a synthetic one derived from its text
 * (FNV-1a, so it is the same everywhere) within two hours of `start`.
 * @example
 * timeLine("2026-01-01T10:15:00Z\tfour score", 0); // { text: "four score", timestamp: 1767262500000 }
 */
export function timeLine(line: string, start: Instant): TimedLine {
  const tab = line.indexOf("\t");
  if (tab > 0) {
    const stamp = line.slice(0, tab);
    const t = /^-?\d+$/.test(stamp) ? Number(stamp) : Date.parse(stamp);
    if (Number.isSafeInteger(t)) return { text: line.slice(tab + 1), timestamp: t };
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < line.length; i++) h = Math.imul(h ^ line.charCodeAt(i), 0x01000193);
  return { text: line, timestamp: start + ((h >>> 0) % SYNTHETIC_SPAN_MS) };
}

export default definePipeline(import.meta, {
  description: "Counts words per fixed window of event time, one set of output files per window.",
  options: {
    input: { type: "string", default: BUNDLED_CORPUS, describe: "Files to read: lines of text, or <timestamp>\\t<text>" },
    output: { type: "string", default: "out/windowed-wordcount/counts", describe: "Output prefix" },
    windowMinutes: { type: "number", default: 30, describe: "Window size in minutes" },
    start: { type: "string", default: "2026-01-01T00:00:00Z", describe: "Start of the synthetic timestamps (ISO 8601)" },
  },
  build(p, { input, output, windowMinutes, start }) {
    const startMs = Date.parse(start);
    if (!Number.isSafeInteger(startMs)) throw new Error(`--start must be an ISO 8601 date, got '${start}'`);
    p.apply("ReadLines", readText(input))
      .map((line) => timeLine(line, startMs), "ParseTimestamps")
      .apply(withTimestamps((l: TimedLine) => l.timestamp))
      .map((l) => l.text, "Text")
      .apply("FixedWindows", windowInto(new FixedWindows(Math.round(windowMinutes * 60_000))))
      .apply(countWords)
      .map(({ key, value }) => `${key}: ${value}`, "Format")
      .apply("WriteCounts", writeText(output));
  },
  afterRun(result, { output, quiet }) {
    if (quiet) return;
    const dir = path.dirname(output);
    // Only this run's files: a run with another window size leaves other windows' files under the same prefix.
    const startedAt = Date.now() - result.durationMs - 1000;
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(`${path.basename(output)}-`) && /-\d+-\d{5}-of-\d{5}\.txt$/.test(f))
      .filter((f) => fs.statSync(path.join(dir, f)).mtimeMs >= startedAt);
    process.stdout.write(`Wrote ${files.length} windows of word counts to ${output}-*:\n`);
    for (const f of files.sort()) {
      const counts = fs
        .readFileSync(path.join(dir, f), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => ({ word: l.slice(0, l.lastIndexOf(": ")), n: Number(l.slice(l.lastIndexOf(": ") + 2)) }));
      const total = counts.reduce((s, c) => s + c.n, 0);
      const top = counts.sort((a, b) => b.n - a.n || (a.word < b.word ? -1 : 1)).slice(0, 3);
      process.stdout.write(`  ${f}: ${total} words; top: ${top.map((c) => `${c.word} (${c.n})`).join(", ")}\n`);
    }
  },
});
