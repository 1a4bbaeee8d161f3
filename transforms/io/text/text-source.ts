/**
 * TextSource: the lines of text files, as a BoundedSource split by byte ranges.
 * @module
 */
import type { BoundedSource } from "../../../sdk/index.js";
import { expandFilePatterns } from "./file-patterns.js";
import { isGzip } from "./compression.js";
import {
  DEFAULT_CHUNK_BYTES,
  readGzipLineBatches,
  readGzipLines,
  readLineRange,
  readLineRangeBatches,
  type LineBatch,
} from "./line-reader.js";

/**
 * One piece of a text source: a byte range of one file, or a whole gzip file. Plain data, so that it can be
 * msgpack-encoded and sent to a worker.
 * @example
 * const firstMiB: TextSplit = { path: "/data/big.txt", start: 0, end: 1 << 20, gzip: false };
 */
export interface TextSplit {
  /** Absolute path of the file. */
  readonly path: string;
  /** First byte of the range: the range owns the lines whose first byte is in `[start, end)`. */
  readonly start: number;
  /** End of the range (exclusive); its last line is read to its end, past `end` if need be. */
  readonly end: number;
  /** A gzip file: decompressed as a stream and read whole (it cannot be entered in the middle). */
  readonly gzip: boolean;
}

/**
 * Tuning for {@link TextSource}; the defaults suit real files, tests shrink them to put boundaries everywhere.
 * @example
 * p.apply(readText("huge/*.txt", { minSplitBytes: 64 << 20 }));
 */
export interface TextSourceOptions {
  /**
   * The smallest byte range `split` makes, whatever size the runner asks for (default 1 MiB): below that, the
   * cost of a bundle outweighs the parallelism it buys.
   */
  readonly minSplitBytes?: number;
  /** Bytes per read (default 256 KiB). */
  readonly chunkBytes?: number;
  /**
   * Whether a file may be cut into byte ranges (default true). Ranges start at line boundaries, so a format whose
   * records may span lines (CSV with quoted newlines) must read each file whole: `false` gives one split per file.
   */
  readonly splittable?: boolean;
}

/** 1 MiB. */
const DEFAULT_MIN_SPLIT_BYTES = 1 << 20;

/**
 * The lines of the files some patterns name (see {@link readText}, which is how pipelines use it). Files are
 * found when the run starts, not when the pipeline is built, so a pipeline can be built before its input exists.
 * @example
 * const source = new TextSource(["logs/*.txt"]);
 * for (const split of await source.split(64 << 20)) {
 *   for await (const lines of source.read(split)) console.log(lines.length);
 * }
 */
export class TextSource implements BoundedSource<string, TextSplit> {
  readonly description: string;
  private readonly patterns: readonly string[];
  private readonly minSplitBytes: number;
  private readonly chunkBytes: number;
  private readonly splittable: boolean;

  constructor(patterns: string | readonly string[], options: TextSourceOptions = {}) {
    const list = typeof patterns === "string" ? [patterns] : [...(patterns ?? [])];
    if (list.length === 0) throw new TypeError("a text source needs at least one file pattern");
    for (const p of list) {
      if (typeof p !== "string" || p.length === 0) throw new TypeError(`a file pattern must be a non-empty string, got ${JSON.stringify(p)}`);
    }
    this.patterns = Object.freeze(list);
    this.description = `text files ${list.map((p) => `'${p}'`).join(", ")}`;
    this.minSplitBytes = positive("minSplitBytes", options.minSplitBytes ?? DEFAULT_MIN_SPLIT_BYTES);
    this.chunkBytes = positive("chunkBytes", options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    if (options.splittable !== undefined && typeof options.splittable !== "boolean") throw new TypeError("splittable must be a boolean");
    this.splittable = options.splittable ?? true;
  }

  /**
   * One split per gzip file (and per file when not `splittable`); other files are cut into ranges of about `desiredBundleSizeBytes` (at least
   * `minSplitBytes`). Empty files give no split. The order is by path, then offset.
   * @throws Error when a pattern matches no file or names a missing one
   */
  async split(desiredBundleSizeBytes: number): Promise<readonly TextSplit[]> {
    const target = Math.max(this.minSplitBytes, Number.isFinite(desiredBundleSizeBytes) ? Math.floor(desiredBundleSizeBytes) : 0);
    const splits: TextSplit[] = [];
    for (const file of await expandFilePatterns(this.patterns)) {
      if (file.sizeBytes === 0) continue;
      const gzip = isGzip(file.path);
      if (gzip || !this.splittable) {
        splits.push({ path: file.path, start: 0, end: file.sizeBytes, gzip });
        continue;
      }
      // Equal ranges rather than `target`-sized ones plus a runt at the end.
      const pieces = Math.max(1, Math.round(file.sizeBytes / target));
      for (let k = 0; k < pieces; k++) {
        const start = Math.floor((file.sizeBytes * k) / pieces);
        const end = Math.floor((file.sizeBytes * (k + 1)) / pieces);
        if (end > start) splits.push({ path: file.path, start, end, gzip: false });
      }
    }
    return splits;
  }

  /** The lines of one split, in batches of up to a few thousand lines. */
  read(split: TextSplit): AsyncIterable<readonly string[]> {
    return split.gzip ? readGzipLines(split.path, this.chunkBytes) : readLineRange(split.path, split.start, split.end, this.chunkBytes);
  }

  /**
   * The lines of one split with the byte offset of each (in the decompressed bytes for gzip): what record
   * readers (CSV, JSON Lines) frame and parse, naming where a bad record is.
   * @internal
   */
  readBatches(split: TextSplit): AsyncIterable<LineBatch> {
    return split.gzip ? readGzipLineBatches(split.path, this.chunkBytes) : readLineRangeBatches(split.path, split.start, split.end, this.chunkBytes);
  }

  /** The total size of the files on disk (compressed size for gzip files). */
  async estimateSizeBytes(): Promise<number> {
    return (await expandFilePatterns(this.patterns)).reduce((sum, f) => sum + f.sizeBytes, 0);
  }
}

function positive(name: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 1) throw new RangeError(`${name} must be a number >= 1, got ${String(v)}`);
  return Math.floor(v);
}
