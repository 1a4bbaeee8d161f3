/**
 * Text IO: readText (globs, gzip, CRLF, empty files) and writeText (shards, empty input, atomic output). Every
 * case reads and writes under the directory given by its `dir` option, which the test creates and removes.
 */
import path from "node:path";
import zlib from "node:zlib";
import { definePipeline, groupByKey, kv } from "../../../sdk/index.js";
import { create } from "../../../transforms/index.js";
import { readText, writeText } from "../../../transforms/io/text/index.js";
import { assertThat } from "../../../sdk/testing/index.js";

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
