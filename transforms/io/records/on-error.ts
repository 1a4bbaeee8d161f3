/**
 * What a reader does with a record it cannot parse or validate: fail the run, skip it (counted), or write it
 * to dead-letter files.
 * @module
 */

/**
 * Dead-letter output: bad records written, atomically like `writeText`, as JSON Lines to
 * `${prefix}-00000-of-00001.jsonl` (one {@link BadRecord} a line).
 * @example
 * p.apply(readCsv("in/*.csv", { header: true, onError: deadLetter("out/bad-rows") }));
 */
export interface DeadLetter {
  /** Tells a dead letter from the string options. */
  readonly kind: "deadLetter";
  /** Path prefix of the dead-letter files. */
  readonly prefix: string;
  /** How many dead-letter files (default 1). */
  readonly shards: number;
}

/**
 * What to do with a bad record:
 * - `"fail"` (the default): fail the run, naming the step, the file and the line;
 * - `"skip"`: drop it, but count it (the `badRecords` counter), so nothing disappears unnoticed;
 * - {@link deadLetter}`(prefix)`: write it, raw and with its error, to dead-letter files, and count it.
 * @example
 * readJsonl("events/*.jsonl", { onError: "skip" });
 */
export type OnError = "fail" | "skip" | DeadLetter;

/**
 * Dead letters go to `${prefix}-00000-of-00001.jsonl`: one JSON object a line, a {@link BadRecord}. The files
 * are written and published like `writeText`'s (all or nothing, at the end of a successful run), and always
 * exist after one: an empty file means no bad record.
 * @param prefix path prefix of the dead-letter files; its directory is created if needed
 * @param options `shards`: how many files (default 1)
 * @example
 * const rows = p.apply(readCsv("in/*.csv", { header: true, onError: deadLetter("out/bad-rows") }));
 * // out/bad-rows-00000-of-00001.jsonl: {"file":"/abs/in/a.csv","line":7,"offset":131,"raw":"x,\"y","error":"..."}
 */
export function deadLetter(prefix: string, options: { readonly shards?: number } = {}): DeadLetter {
  if (typeof prefix !== "string" || prefix.length === 0) throw new TypeError(`deadLetter needs a file name prefix, got ${JSON.stringify(prefix)}`);
  const shards = options.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`deadLetter: shards must be a positive integer, got ${String(shards)}`);
  return Object.freeze({ kind: "deadLetter", prefix, shards });
}

/**
 * A record a reader could not turn into an element: where it was, what it was, and why. Plain data, as written
 * to dead-letter files.
 * @example
 * const bad: BadRecord = { file: "/data/a.csv", line: 3, offset: 40, raw: "bob,notanumber", error: "column 'age': not a number: 'notanumber'" };
 */
export interface BadRecord {
  /** Absolute path of the file. */
  readonly file: string;
  /**
   * The 1-based line the record starts on (a Parquet file: its 1-based row), or `null` when it is not known: a reader of a byte range far into a
   * big file (past {@link MAX_LINE_COUNT_BYTES}) does not read the whole file before it to count lines.
   */
  readonly line: number | null;
  /**
   * Byte offset of the record's first byte in the file (in the decompressed bytes of a gzip file; in a Parquet
   * file, the row's 0-based index).
   */
  readonly offset: number;
  /** The record as it was in the file (its lines joined by `\n`, without the last line's end). */
  readonly raw: string;
  /** Why it was rejected. */
  readonly error: string;
}

/**
 * How far into an uncompressed file a range reader counts lines to name a bad record's line (1 GiB): counting
 * means reading the file from its start, once per range that has a bad record.
 */
export const MAX_LINE_COUNT_BYTES = 1 << 30;

/**
 * Checks an `onError` option when the reader is built.
 * @param step the transform, for the message
 */
export function checkOnError(onError: unknown, step: string): OnError {
  if (onError === undefined) return "fail";
  if (onError === "fail" || onError === "skip") return onError;
  if (typeof onError === "object" && onError !== null && (onError as DeadLetter).kind === "deadLetter") return onError as DeadLetter;
  throw new TypeError(`${step}: onError must be "fail", "skip" or deadLetter(prefix), got ${JSON.stringify(onError)}`);
}

/**
 * Where a bad record is, for messages: `'/data/a.csv' line 12`, or `'/data/a.csv' at byte 123456789`
 * (`'/data/t.parquet' row 7` for a Parquet file).
 * @example
 * describeLocation({ file: "/data/a.csv", line: 12, offset: 300 }); // "'/data/a.csv' line 12"
 */
export function describeLocation(bad: Pick<BadRecord, "file" | "line" | "offset">, unit: "line" | "row" = "line"): string {
  return bad.line !== null ? `'${bad.file}' ${unit} ${bad.line}` : `'${bad.file}' at byte ${bad.offset}`;
}
