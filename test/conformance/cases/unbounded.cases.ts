/**
 * Unbounded sources end to end: `generateSequence` and `readTextStream` feeding fixed windows and counts. The
 * sources finish (`to`, `stopAfterIdleMs`), so the runs end and every window fires ON_TIME as the watermark
 * passes it. The text stream cases read under the directory given by their `dir` option, which the test fills
 * (and keeps writing to while the run is going).
 */
import path from "node:path";
import zlib from "node:zlib";
import {
  AfterCount,
  AfterProcessingTime,
  AfterWatermark,
  definePipeline,
  FixedWindows,
  IntervalWindow,
  kv,
  windowInto,
  type KV,
  type PCollection,
} from "../../../sdk/index.js";
import { countPerKey, generateSequence, readTextStream } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";

const dirOption = { dir: { type: "string", demandOption: true, describe: "Directory the text stream follows" } } as const;

/** Counts per 100 ms window of the numbers 0..999 stamped n ms: ten windows of 100, each fired ON_TIME. */
export const generateSequenceFixedWindowCounts = definePipeline(import.meta, {
  name: "generateSequenceFixedWindowCounts",
  build(p) {
    const counts = p
      .apply(generateSequence({ to: 1000, timestampFn: (n) => n }))
      .apply(windowInto(new FixedWindows(100)))
      .map(() => kv("n", null), "Key")
      .apply(countPerKey());
    assertThat(counts).containsInAnyOrder(...Array.from({ length: 10 }, () => kv("n", 100)));
    for (let k = 0; k < 10; k++) {
      assertThat(counts, `window ${k}`).inOnTimePane(new IntervalWindow(k * 100, (k + 1) * 100)).containsInAnyOrder(kv("n", 100));
    }
  },
});

/** Wall-clock timestamps and a rate: whatever windows the numbers fall in, every number is counted once. */
export const generateSequenceWallClockWithRate = definePipeline(import.meta, {
  name: "generateSequenceWallClockWithRate",
  build(p) {
    const counts = p
      .apply(generateSequence({ from: 10, to: 310, rate: 3000 }))
      .apply(windowInto(new FixedWindows(20)))
      .map((n) => kv(n % 3, null), "KeyByResidue")
      .apply(countPerKey());
    assertThat(counts).satisfies((xs) => xs.length >= 3 && xs.every(({ value }) => value > 0));
    assertThat(counts, "total").satisfies((xs) => xs.reduce((sum, { value }) => sum + value, 0) === 300);
  },
});

/** Numbers counted by the exact-count cases: enough for many polls, bundles and windows on every runner. */
const EXACT_COUNT_N = 200_000;

/** Checks that the counts per key of residues mod 16 add up to exactly what was generated, whatever the panes. */
function assertExactCounts(counts: PCollection<KV<number, number>>): void {
  assertThat(counts, "total").satisfies((xs) => xs.reduce((sum, { value }) => sum + value, 0) === EXACT_COUNT_N);
  assertThat(counts, "per key").satisfies((xs) => {
    const perKey = new Map<number, number>();
    for (const { key, value } of xs) perKey.set(key, (perKey.get(key) ?? 0) + value);
    return perKey.size === 16 && [...perKey.values()].every((n) => n === EXACT_COUNT_N / 16);
  });
}

/**
 * The streaming count: wall-clock numbers in 50 ms windows, counted per residue mod 16. Every number is
 * counted once: nothing lost to a mis-scheduled task, nothing counted twice.
 */
export const generateSequenceExactCounts = definePipeline(import.meta, {
  name: "generateSequenceExactCounts",
  build(p) {
    const counts = p
      .apply(generateSequence({ to: EXACT_COUNT_N }))
      .apply(windowInto(new FixedWindows(50)))
      .map((n) => kv(n % 16, 1), "KeyByResidue")
      .apply(countPerKey());
    assertExactCounts(counts);
  },
});

/** The same with early (processing-time) and late firings, discarding: the panes still add up exactly. */
export const generateSequenceExactCountsEarlyLate = definePipeline(import.meta, {
  name: "generateSequenceExactCountsEarlyLate",
  build(p) {
    const counts = p
      .apply(generateSequence({ to: EXACT_COUNT_N }))
      .apply(
        windowInto(new FixedWindows(50), {
          trigger: AfterWatermark({ early: AfterProcessingTime(10), late: AfterCount(1) }),
          allowedLateness: 1000,
          accumulation: "DISCARDING",
        }),
      )
      .map((n) => kv(n % 16, 1), "KeyByResidue")
      .apply(countPerKey());
    assertExactCounts(counts);
  },
});

/** The input files of the text stream cases, present when the run starts (relative to `dir`). */
export function initialFiles(): Record<string, string | Buffer> {
  return {
    "in/a.txt": "1000 a1\n1500 a2\n25",
    "in/b.txt.gz": zlib.gzipSync("3000 b1\n150 b2\n"),
    "in/.hidden": "9999 never read\n",
  };
}

/** What the test writes while the run goes (after `delayMs`): the end of a.txt's last line, and a new file. */
export const LATE_WRITES: readonly { readonly delayMs: number; readonly file: string; readonly append: string }[] = [
  { delayMs: 30, file: "in/a.txt", append: "00 a3\n2600 a" },
  { delayMs: 60, file: "in/c.txt", append: "900 c1\r\n" },
  { delayMs: 90, file: "in/a.txt", append: "4\n" },
];

/** Every line the stream must give, once: whole lines only, however the writes cut them. */
export const STREAM_LINES = ["1000 a1", "1500 a2", "2500 a3", "2600 a4", "3000 b1", "150 b2", "900 c1"];

export const readTextStreamLines = definePipeline(import.meta, {
  name: "readTextStreamLines",
  options: dirOption,
  build(p, { dir }) {
    const lines = p.apply(readTextStream(path.join(dir, "in"), { pollIntervalMs: 5, stopAfterIdleMs: 300 }));
    assertThat(lines).containsInAnyOrder(...STREAM_LINES);
  },
});

/** Lines stamped with their leading number, counted per 1 s window. */
export const readTextStreamWindowedCounts = definePipeline(import.meta, {
  name: "readTextStreamWindowedCounts",
  options: dirOption,
  build(p, { dir }) {
    const counts = p
      .apply(
        readTextStream(path.join(dir, "in", "*.txt*"), {
          pollIntervalMs: 5,
          stopAfterIdleMs: 300,
          timestampFn: (line) => Number(line.split(" ")[0]),
        }),
      )
      .apply(windowInto(new FixedWindows(1000)))
      .map(() => kv("lines", null), "Key")
      .apply(countPerKey());
    assertThat(counts).inOnTimePane(new IntervalWindow(0, 1000)).containsInAnyOrder(kv("lines", 2));
    assertThat(counts).inOnTimePane(new IntervalWindow(1000, 2000)).containsInAnyOrder(kv("lines", 2));
    assertThat(counts).inOnTimePane(new IntervalWindow(2000, 3000)).containsInAnyOrder(kv("lines", 2));
    assertThat(counts).inOnTimePane(new IntervalWindow(3000, 4000)).containsInAnyOrder(kv("lines", 1));
    assertThat(counts).containsInAnyOrder(kv("lines", 2), kv("lines", 2), kv("lines", 2), kv("lines", 1));
  },
});
