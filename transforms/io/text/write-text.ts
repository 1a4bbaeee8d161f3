/**
 * writeText: writes a PCollection of lines to sharded text files, deterministically and atomically.
 * @module
 */
import path from "node:path";
import {
  GlobalWindows,
  flatten,
  groupByKey,
  impulse,
  kv,
  windowInto,
  type KV,
  type PCollection,
  type PTransform,
} from "../../../sdk/index.js";
import { shardOf, tempDirFor, type ShardSpec } from "./shard-names.js";
import { WriteShardFn, type WrittenShard } from "./write-shard-fn.js";
import { FinalizeShardsFn } from "./finalize-shards-fn.js";

/**
 * Options of {@link writeText}.
 * @example
 * lines.apply(writeText("out/report", { shards: 4, suffix: ".csv", header: "word,count" }));
 */
export interface WriteTextOptions {
  /** How many files to write (default 1). Every one is written, empty if no line falls into it. */
  readonly shards?: number;
  /** Appended to every file name (default `.txt`). */
  readonly suffix?: string;
  /** A line written at the top of every file, empty ones included. */
  readonly header?: string;
}

/**
 * Writes each element as a line (followed by `\n`) to `${prefix}-00000-of-00003${suffix}`, ... (the shard index
 * and count zero-padded to 5 digits), and outputs the paths of the files written.
 *
 * **Deterministic**: the same input always gives byte-identical files, whatever the runner and its
 * parallelism. A line goes to the shard given by a stable hash of its content (FNV-1a, modulo the shard count),
 * and each file holds its lines sorted by plain string comparison (`<`), so neither bundle boundaries nor the
 * order the runner delivers elements in show in the output. Duplicate lines are all written.
 *
 * **Complete**: all `shards` files are written, empty (or just the header) when no line falls into them; files
 * of an earlier run with the same prefix and suffix but another shard count are deleted.
 *
 * **Atomic**: shards are written to temporary files in `<dir of prefix>/.sluice-temp-<hash>/` and renamed to
 * their final names in one final step, after every shard is written; a failed run leaves no output files and no
 * temporary directory. The windowing of the input is ignored: all its elements are written together.
 * @param prefix path prefix of the files; its directory is created if needed
 * @example
 * p.apply(readText("input/*.txt"))
 *   .apply(countPerElement())
 *   .map(({ key, value }) => `${key}: ${value}`)
 *   .apply(writeText("out/counts", { shards: 3 }));
 * // out/counts-00000-of-00003.txt, out/counts-00001-of-00003.txt, out/counts-00002-of-00003.txt
 */
export function writeText(prefix: string, options: WriteTextOptions = {}): PTransform<PCollection<string>, PCollection<string>> {
  if (typeof prefix !== "string" || prefix.length === 0 || prefix.endsWith("/") || prefix.endsWith(path.sep)) {
    throw new TypeError(`writeText needs a file name prefix (not a directory), got ${JSON.stringify(prefix)}`);
  }
  const shards = options.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${String(shards)}`);
  const suffix = options.suffix ?? ".txt";
  if (typeof suffix !== "string" || suffix.includes("/") || suffix.includes(path.sep)) {
    throw new TypeError(`suffix must be a string without path separators, got ${JSON.stringify(suffix)}`);
  }
  if (options.header !== undefined && typeof options.header !== "string") throw new TypeError("header must be a string");
  // Resolved when the pipeline is built; workers rebuild it from the same module in the same directory.
  const absolutePrefix = path.resolve(prefix);
  const spec: ShardSpec = Object.freeze({
    prefix: absolutePrefix,
    suffix,
    shards,
    header: options.header,
    tempDir: tempDirFor(absolutePrefix, suffix),
  });

  return {
    name: "WriteText",
    expand(lines) {
      const p = lines.pipeline;
      //   lines ─▶ AssignShard ─▶ GroupByShard ─▶ WriteShards ─▶ KeyAll ─┐
      //                                                                    ├▶ Collect ─▶ GroupAll ─▶ Finalize ─▶ paths
      //   Start (impulse) ─▶ StartMarker ───────────────────────────────────┘
      // GroupAll holds back Finalize until every shard is written (the global window closes only when all input
      // is done); the start marker makes Finalize run, and write the empty shards, even when there is no input.
      const written = lines
        .apply("GlobalWindow", windowInto<string>(new GlobalWindows()))
        .map((line) => {
          if (typeof line !== "string") throw new TypeError(`writeText writes strings, got ${line === null ? "null" : typeof line}`);
          return kv(shardOf(line, shards), line);
        }, "AssignShard")
        .apply("GroupByShard", groupByKey<number, string>())
        .parDo(new WriteShardFn(spec), { name: "WriteShards" });
      const all: PCollection<KV<string, WrittenShard | null>> = written.map((w) => kv("", w), "KeyAll");
      const start: PCollection<KV<string, WrittenShard | null>> = p
        .apply("Start", impulse())
        .map(() => kv("", null), "StartMarker");
      return p
        .apply("Collect", flatten([all, start]))
        .apply("GroupAll", groupByKey<string, WrittenShard | null>())
        .parDo(new FinalizeShardsFn(spec), { name: "Finalize", finalizer: true });
    },
  };
}
