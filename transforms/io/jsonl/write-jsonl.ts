/**
 * writeJsonl: a PCollection written as JSON Lines files.
 * @module
 */
import type { PCollection, PTransform } from "../../../sdk/index.js";
import { writeText } from "../text/write-text.js";

/**
 * Options of {@link writeJsonl}.
 * @example
 * events.apply(writeJsonl("out/events", { shards: 4, suffix: ".jsonl.gz" }));
 */
export interface WriteJsonlOptions {
  /** How many files (default 1). */
  readonly shards?: number;
  /** Appended to every file name (default `.jsonl`); ending in `.gz` writes gzip files. */
  readonly suffix?: string;
}

/**
 * Writes each element as one line of JSON (`JSON.stringify`) to `${prefix}-00000-of-00001.jsonl`, ..., with
 * everything `writeText` guarantees: deterministic (lines sorted within a shard), complete and atomic. An element
 * JSON cannot represent (`undefined`, a function, a BigInt) fails the `ToJson` step, naming the element.
 * Outputs the paths written.
 * @param prefix path prefix of the files; its directory is created if needed
 * @example
 * p.apply(create([{ user: "ann", score: 3 }])).apply(writeJsonl("out/scores"));
 * // out/scores-00000-of-00001.jsonl: {"user":"ann","score":3}
 */
export function writeJsonl<T>(prefix: string, options: WriteJsonlOptions = {}): PTransform<PCollection<T>, PCollection<string>> {
  const write = writeText(prefix, { shards: options.shards ?? 1, suffix: options.suffix ?? ".jsonl" });
  return {
    name: "WriteJsonl",
    expand: (elements) => elements.map(toJsonLine, "ToJson").apply("Write", write),
  };
}

function toJsonLine(value: unknown): string {
  const line = JSON.stringify(value) as string | undefined;
  if (line === undefined) throw new TypeError(`writeJsonl cannot write ${typeof value} as JSON`);
  return line;
}
