/**
 * Names and numbers of output shards: which shard a line goes to and what the shard's file is called. Pure
 * functions of their arguments, so every worker computes the same answers.
 * @module
 */
import path from "node:path";
import { GlobalWindow, IntervalWindow, type BoundedWindow } from "../../../sdk/index.js";
import type { ParquetShardEncoding } from "../parquet/parquet-encoding.js";

/** Where one write of text files goes, as every step of the write sees it. Plain data. */
export interface ShardSpec {
  /** Absolute path prefix of the output files. */
  readonly prefix: string;
  readonly suffix: string;
  readonly shards: number;
  /** A first line written at the top of every file (also of empty shards), if any. */
  readonly header: string | undefined;
  /**
   * How a shard's lines become the file's bytes when not as text: `writeParquet` sends each row as a line (so
   * sharding, sorting and committing stay writeText's) and encodes the file here. Absent: text, gzip by suffix.
   */
  readonly encoding?: ParquetShardEncoding | undefined;
}

/**
 * How a write's temporary directories are named: `<dir of prefix>/.sluice-temp-XXXXXX`, made by `mkdtemp` (see
 * `makePrivateDir`) next to the output, so that renaming a temporary file to its final name never crosses file
 * systems (a rename within one file system is atomic). The random part is not derived from anything: steps
 * that run on other workers learn a directory's name from the elements they receive, never by computing it.
 */
export const TEMP_DIR_PREFIX = ".sluice-temp-";

/**
 * 32-bit FNV-1a over the string's UTF-16 code units. Fast, and the same on every runtime: unlike a hash of an
 * object's identity or of a random seed, the same line always lands in the same shard.
 * @example
 * fnv1a("hello"); // 1335831723
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The shard (0-based) a line is written to. */
export function shardOf(line: string, shards: number): number {
  return fnv1a(line) % shards;
}

/** The digits of a shard number: at least 5, more when the count needs them, so that names sort by number. */
function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * The final file name of a shard: `${prefix}-00001-of-00003${suffix}`.
 * @example
 * shardFileName("/out/words", 1, 3, ".txt"); // "/out/words-00001-of-00003.txt"
 */
export function shardFileName(prefix: string, index: number, shards: number, suffix: string): string {
  const width = Math.max(5, String(shards).length);
  return `${prefix}-${pad(index, width)}-of-${pad(shards, width)}${suffix}`;
}

/**
 * Matches the base names of a write's output files for any shard count (`words-00000-of-00007.txt`), to find
 * the stale shards of an earlier run.
 */
export function shardFilePattern(absolutePrefix: string, suffix: string): RegExp {
  return new RegExp(`^${escapeRegExp(path.basename(absolutePrefix))}-\\d{5,}-of-\\d{5,}${escapeRegExp(suffix)}$`);
}

/**
 * An instant as it appears in a file name: ISO 8601 in its basic format (`20260101T100000.000Z`), which has no
 * `:` (not allowed in Windows file names) and, being fixed-width for years 0 to 9999, sorts in time order. A
 * leading sign for years outside that range is kept.
 * @example
 * fileNameInstant(Date.UTC(2026, 0, 1, 10)); // "20260101T100000.000Z"
 */
export function fileNameInstant(t: number): string {
  return new Date(t).toISOString().replace(/(?!^)[-:]/g, "");
}

/**
 * The part of a windowed write's file names that names the window, from the window's own fields: `<start>-<end>`
 * in {@link fileNameInstant} form for an interval window, `global` for the global window. A subclass of
 * IntervalWindow is named by its bounds too when its id is its interval's (so two of its windows never share a
 * name).
 * @throws Error for any other window: nothing a file name could show reliably tells its windows apart
 * @example
 * windowFileLabel(new IntervalWindow(0, 60_000)); // "19700101T000000.000Z-19700101T000100.000Z"
 * windowFileLabel(GLOBAL_WINDOW);                 // "global"
 */
export function windowFileLabel(window: BoundedWindow): string {
  if (window instanceof GlobalWindow) return "global";
  if (window instanceof IntervalWindow && (window.constructor === IntervalWindow || window.id === new IntervalWindow(window.start, window.end).id)) {
    return `${fileNameInstant(window.start)}-${fileNameInstant(window.end)}`;
  }
  throw unsupportedWindow(window);
}

/** The error for a window a windowed write cannot name its files after. */
export function unsupportedWindow(window: BoundedWindow): Error {
  return new Error(
    `writeText cannot write window '${window.id}' (a ${window.constructor?.name ?? typeof window}): windowed writes support the global ` +
      "window and interval windows (fixed, sliding, sessions, or a custom WindowFn returning IntervalWindow)",
  );
}

/**
 * The final file name of a shard of one pane of one window:
 * `${prefix}-${windowLabel}-${paneIndex}-00001-of-00003${suffix}`.
 * @example
 * windowedShardFileName("/out/counts", windowFileLabel(new IntervalWindow(0, 60_000)), 0, 0, 1, ".txt");
 * // "/out/counts-19700101T000000.000Z-19700101T000100.000Z-0-00000-of-00001.txt"
 */
export function windowedShardFileName(prefix: string, windowLabel: string, paneIndex: number, index: number, shards: number, suffix: string): string {
  return shardFileName(`${prefix}-${windowLabel}-${paneIndex}`, index, shards, suffix);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
