/**
 * Text IO: readText (globs, gzip, CRLF, empty files) and writeText (shards, empty input, atomic output). Every
 * case reads and writes under the directory given by its `dir` option, which the test creates and removes.
 */
import path from "node:path";
import zlib from "node:zlib";
import {
  AfterCount,
  AfterProcessingTime,
  AfterWatermark,
  FixedWindows,
  SlidingWindows,
  definePipeline,
  groupByKey,
  kv,
  timestamped,
  windowInto,
} from "../../../sdk/index.js";
import { countPerElement, create, withTimestamps } from "../../../transforms/index.js";
import { readText, writeText } from "../../../transforms/io/text/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";

const dirOption = { dir: { type: "string", demandOption: true, describe: "Directory for the case's files" } } as const;

/** The input files of the read cases (relative to `dir`), with their contents. */
export function inputFiles(): Record<string, string | Buffer> {
  return {
    "in/a.txt": "alpha\r\nbeta\n\ngamma",
    "in/b.txt": "\uFEFFdelta\nεψιλον 𝄞\n",
    "in/c.txt.gz": zlib.gzipSync("zeta\neta\n"),
    "in/empty.txt": "",
    "in/ignored.log": "not read\n",
  };
}
/** The lines of the `in/*.txt*` files. */
export const INPUT_LINES = ["alpha", "beta", "", "gamma", "delta", "εψιλον 𝄞", "zeta", "eta"];

/** Lines to write: duplicates, an empty line, non-ASCII, enough of them to reach every shard. */
export const WORDS = [
  ...Array.from({ length: 40 }, (_, i) => `word ${i % 25}`),
  "",
  "Ünïcödé",
  "𝄞 clef",
  "zebra",
  "apple",
];

export const readTextGlob = definePipeline(import.meta, {
  name: "readTextGlob",
  options: dirOption,
  build(p, { dir }) {
    assertThat(p.apply(readText(path.join(dir, "in", "*.txt*")))).containsInAnyOrder(...INPUT_LINES);
  },
});

export const readTextSeveralPatterns = definePipeline(import.meta, {
  name: "readTextSeveralPatterns",
  options: dirOption,
  build(p, { dir }) {
    // b.txt is named twice and read once.
    const lines = p.apply(readText([path.join(dir, "in", "b.txt"), path.join(dir, "in", "[ab].txt")]));
    assertThat(lines).containsInAnyOrder("alpha", "beta", "", "gamma", "delta", "εψιλον 𝄞");
  },
});

export const readTextNoMatch = definePipeline(import.meta, {
  name: "readTextNoMatch",
  options: dirOption,
  build(p, { dir }) {
    p.apply("ReadNothing", readText(path.join(dir, "nothing", "*.txt")));
  },
});

export const readTextMissingFile = definePipeline(import.meta, {
  name: "readTextMissingFile",
  options: dirOption,
  build(p, { dir }) {
    p.apply("ReadMissing", readText(path.join(dir, "missing.txt")));
  },
});

export const writeTextShards = definePipeline(import.meta, {
  name: "writeTextShards",
  options: { ...dirOption, shards: { type: "number", default: 3 } },
  build(p, { dir, shards }) {
    const prefix = path.join(dir, "out", "words");
    const paths = p.apply(create(WORDS)).apply(writeText(prefix, { shards }));
    const expected = Array.from({ length: shards }, (_, i) => `${prefix}-${String(i).padStart(5, "0")}-of-${String(shards).padStart(5, "0")}.txt`);
    assertThat(paths).containsInAnyOrder(...expected);
  },
});

export const readBackWords = definePipeline(import.meta, {
  name: "readBackWords",
  options: dirOption,
  build(p, { dir }) {
    assertThat(p.apply(readText(path.join(dir, "out", "words-*-of-*.txt")))).containsInAnyOrder(...WORDS);
  },
});

export const writeTextEmpty = definePipeline(import.meta, {
  name: "writeTextEmpty",
  options: dirOption,
  build(p, { dir }) {
    const prefix = path.join(dir, "out", "empty");
    const paths = p.apply(create<string>([])).apply(writeText(prefix, { shards: 2, suffix: ".csv", header: "word,count" }));
    assertThat(paths).containsInAnyOrder(`${prefix}-00000-of-00002.csv`, `${prefix}-00001-of-00002.csv`);
  },
});

export const writeTextAfterFailure = definePipeline(import.meta, {
  name: "writeTextAfterFailure",
  options: dirOption,
  build(p, { dir }) {
    p.apply(create(WORDS))
      .map((w) => {
        if (w === "zebra") throw new Error("no zebras allowed");
        return w;
      }, "RejectZebras")
      .apply(writeText(path.join(dir, "out", "failed"), { shards: 2 }));
  },
});

export const writeTextSiblingFailure = definePipeline(import.meta, {
  name: "writeTextSiblingFailure",
  options: dirOption,
  build(p, { dir }) {
    p.apply(create(WORDS)).apply(writeText(path.join(dir, "out", "sibling"), { shards: 3 }));
    // Applied after the write, so a runner that runs stages in order has written the shards when this fails.
    p.apply("Other", create([kv("k", 1), kv("k", 2)]))
      .apply("GroupOther", groupByKey<string, number>())
      .map(() => {
        throw new Error("the other branch failed");
      }, "FailLate");
  },
});

// ---- windowed writes ----

/** Words with event times (ms): two one-minute windows with data, one without, one with a single word. */
export const TIMED_WORDS: readonly (readonly [string, number])[] = [
  ["apple", 1_000],
  ["pear", 2_000],
  ["apple", 59_999],
  ["fig", 60_000],
  ["apple", 61_000],
  ["kiwi", 180_500],
];

/** The file name of a windowed write's shard, as the conformance tests expect it (spelled out, not computed). */
export function windowedName(prefix: string, window: string, pane: number, shard: number, shards: number, suffix = ".txt"): string {
  return `${prefix}-${window}-${pane}-${String(shard).padStart(5, "0")}-of-${String(shards).padStart(5, "0")}${suffix}`;
}
export const MINUTE_0 = "19700101T000000.000Z-19700101T000100.000Z";
export const MINUTE_1 = "19700101T000100.000Z-19700101T000200.000Z";
export const MINUTE_3 = "19700101T000300.000Z-19700101T000400.000Z";

export const writeTextWindowed = definePipeline(import.meta, {
  name: "writeTextWindowed",
  options: { ...dirOption, shards: { type: "number", default: 2 } },
  build(p, { dir, shards }) {
    const prefix = path.join(dir, "out", "counts");
    const paths = p
      .apply(create(TIMED_WORDS.map(([w, t]) => ({ w, t }))))
      .apply(withTimestamps(({ t }) => t))
      .map(({ w }) => w, "Word")
      .apply(windowInto(new FixedWindows(60_000)))
      .apply(countPerElement())
      .map(({ key, value }) => `${key}: ${value}`, "Format")
      .apply(writeText(prefix, { shards }));
    const expected = [MINUTE_0, MINUTE_1, MINUTE_3].flatMap((w) => Array.from({ length: shards }, (_, i) => windowedName(prefix, w, 0, i, shards)));
    assertThat(paths).containsInAnyOrder(...expected);
  },
});

export const writeTextSlidingWindows = definePipeline(import.meta, {
  name: "writeTextSlidingWindows",
  options: dirOption,
  build(p, { dir }) {
    // Two-minute windows every minute: each word is in two windows, and each window's file has it once.
    p.apply(create(TIMED_WORDS.slice(0, 4).map(([w, t]) => ({ w, t }))))
      .apply(withTimestamps(({ t }) => t))
      .map(({ w }) => w, "Word")
      .apply(windowInto(new SlidingWindows(120_000, 60_000)))
      .apply(writeText(path.join(dir, "out", "sliding")));
  },
});

export const writeTextGlobalWindowed = definePipeline(import.meta, {
  name: "writeTextGlobalWindowed",
  options: dirOption,
  build(p, { dir }) {
    const prefix = path.join(dir, "out", "global");
    const paths = p.apply(create(["b", "a"])).apply(writeText(prefix, { windowed: true }));
    assertThat(paths).containsInAnyOrder(windowedName(prefix, "global", 0, 0, 1));
  },
});

export const writeTextWindowedIgnored = definePipeline(import.meta, {
  name: "writeTextWindowedIgnored",
  options: dirOption,
  build(p, { dir }) {
    const prefix = path.join(dir, "out", "all");
    const paths = p
      .apply(create(TIMED_WORDS.map(([w, t]) => ({ w, t }))))
      .apply(withTimestamps(({ t }) => t))
      .map(({ w }) => w, "Word")
      .apply(windowInto(new FixedWindows(60_000)))
      .apply(writeText(prefix, { windowed: false }));
    assertThat(paths).containsInAnyOrder(`${prefix}-00000-of-00001.txt`);
  },
});

/**
 * A stream of lines in 10 ms windows, fired early 5 ms (processing time) after the first line of a pane, on
 * time, and late for each late line, ACCUMULATING. The write discards: each pane's file has only its new lines.
 *
 * ```
 *   a@1 b@2 │ +6ms → EARLY pane 0: a b │ a@3 │ +6ms → EARLY pane 1: a │ wm→10 → ON_TIME pane 2: (empty)
 *   d@4 (late) │ +6ms → LATE pane 3: d │ e@15 │ wm→∞ → [10,20) ON_TIME pane 0: e
 * ```
 */
export const writeTextStreamPanes = definePipeline(import.meta, {
  name: "writeTextStreamPanes",
  options: { ...dirOption, countFirst: { type: "boolean", default: false } },
  build(p, { dir, countFirst }) {
    let lines = p
      .apply(
        testStream<string>()
          .addElements(timestamped("a", 1), timestamped("b", 2))
          .advanceProcessingTime(6)
          .addElements(timestamped("a", 3))
          .advanceProcessingTime(6)
          .advanceWatermarkTo(10)
          .addElements(timestamped("d", 4))
          .advanceProcessingTime(6)
          .addElements(timestamped("e", 15))
          .advanceWatermarkToInfinity(),
      )
      .apply(
        windowInto(new FixedWindows(10), {
          trigger: AfterWatermark({ early: AfterProcessingTime(5), late: AfterCount(1) }),
          accumulation: "ACCUMULATING",
          allowedLateness: 100,
        }),
      );
    // With countFirst, what is written is an accumulating count's panes, each firing's results once.
    if (countFirst) lines = lines.apply(countPerElement()).map(({ key, value }) => `${key}: ${value}`, "Format");
    lines.apply(writeText(path.join(dir, "out", countFirst ? "counts" : "lines")));
  },
});

export const writeTextWindowedSiblingFailure = definePipeline(import.meta, {
  name: "writeTextWindowedSiblingFailure",
  options: dirOption,
  build(p, { dir }) {
    p.apply(create(TIMED_WORDS.map(([w, t]) => ({ w, t }))))
      .apply(withTimestamps(({ t }) => t))
      .map(({ w }) => w, "Word")
      .apply(windowInto(new FixedWindows(60_000)))
      .apply(writeText(path.join(dir, "out", "windowed"), { shards: 2 }));
    p.apply("Other", create([kv("k", 1), kv("k", 2)]))
      .apply("GroupOther", groupByKey<string, number>())
      .map(() => {
        throw new Error("the other branch failed");
      }, "FailLate");
  },
});
