/**
 * Names and numbers of output shards: which shard a line goes to and what the shard's file is called. Pure
 * functions of their arguments, so every worker computes the same answers.
 * @module
 */
import path from "node:path";

/** Where one write of text files goes, as every step of the write sees it. Plain data. */
export interface ShardSpec {
  /** Absolute path prefix of the output files. */
  readonly prefix: string;
  readonly suffix: string;
  readonly shards: number;
  /** A first line written at the top of every file (also of empty shards), if any. */
  readonly header: string | undefined;
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
 * The part of a windowed write's file names that names the window, from the window's id: `<start>-<end>` in
 * {@link fileNameInstant} form for an interval window (id `start:end`), `global` for the global window.
 * @throws Error for any other window: its id says nothing a file name could show reliably
 * @example
 * windowFileLabel("0:60000"); // "19700101T000000.000Z-19700101T000100.000Z"
 * windowFileLabel("global");  // "global"
 */
export function windowFileLabel(windowId: string): string {
  if (windowId === "global") return "global";
  const bounds = parseIntervalWindowId(windowId);
  if (bounds === undefined) throw unsupportedWindow(windowId);
  return `${fileNameInstant(bounds[0])}-${fileNameInstant(bounds[1])}`;
}

/** The error for a window a windowed write cannot name its files after. */
export function unsupportedWindow(windowId: string): Error {
  return new Error(
    `writeText cannot write window '${windowId}': windowed writes support the global window and interval windows ` +
      "(fixed, sliding, sessions, or a custom WindowFn returning IntervalWindow)",
  );
}

/** `[start, end]` of an interval window's id (`start:end`), or undefined when the id is not one. */
export function parseIntervalWindowId(windowId: string): [number, number] | undefined {
  const m = /^(-?\d+):(-?\d+)$/.exec(windowId);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * The final file name of a shard of one pane of one window:
 * `${prefix}-${windowLabel}-${paneIndex}-00001-of-00003${suffix}`.
 * @example
 * windowedShardFileName("/out/counts", windowFileLabel("0:60000"), 0, 0, 1, ".txt");
 * // "/out/counts-19700101T000000.000Z-19700101T000100.000Z-0-00000-of-00001.txt"
 */
export function windowedShardFileName(prefix: string, windowLabel: string, paneIndex: number, index: number, shards: number, suffix: string): string {
  return shardFileName(`${prefix}-${windowLabel}-${paneIndex}`, index, shards, suffix);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
