/**
 * writeCsv: a PCollection of rows written as CSV files, on csv-stringify.
 * @module
 */
import type { Options as CsvStringifyOptions } from "csv-stringify/sync";
import { lazyRequire } from "../../../sdk/internal/lazy-require.js";
import type { PCollection, PTransform } from "../../../sdk/index.js";
import { writeText } from "../text/write-text.js";

const csvStringify = lazyRequire<typeof import("csv-stringify/sync")>("csv-stringify/sync");

/**
 * Options of {@link writeCsv}.
 * @example
 * rows.apply(writeCsv("out/people", { columns: ["name", "age"], shards: 2, suffix: ".csv.gz" }));
 */
export interface WriteCsvOptions {
  /**
   * The columns, in order: the properties written from each object element, and the header's names. Needed
   * for object elements (their own key order could differ from one element to the next); optional for arrays.
   */
  readonly columns?: readonly string[];
  /** Write a header line (the column names) at the top of every file. Default: true when `columns` is given. */
  readonly header?: boolean;
  /** The field separator (default `,`). */
  readonly delimiter?: string;
  /** The quote character (default `"`). */
  readonly quote?: string;
  /** How many files (default 1). */
  readonly shards?: number;
  /** Appended to every file name (default `.csv`); ending in `.gz` writes gzip files. */
  readonly suffix?: string;
}

/**
 * The elements {@link writeCsv} writes: arrays of fields, or objects whose `columns` properties are the fields.
 * @example
 * const row: CsvRowInput = { name: "ann", age: 41 };
 */
export type CsvRowInput = readonly unknown[] | Readonly<Record<string, unknown>>;

/**
 * Writes each element as one CSV record to `${prefix}-00000-of-00001.csv`, ..., with everything `writeText`
 * guarantees: deterministic (records sorted within a shard), complete (every shard, with its header), atomic.
 * Fields are quoted when they hold the delimiter, a quote or a line break (RFC 4180); a quoted line break makes
 * the file need `readCsv`'s `multiline: true`. Numbers are written as `String(n)`, booleans as `true`/`false`,
 * `null` and `undefined` as an empty field, objects as JSON. Outputs the paths written.
 * @param prefix path prefix of the files; its directory is created if needed
 * @example
 * p.apply(create([{ name: "ann", city: "Oslo, NO" }]))
 *   .apply(writeCsv("out/people", { columns: ["name", "city"] }));
 * // out/people-00000-of-00001.csv:
 * // name,city
 * // ann,"Oslo, NO"
 */
export function writeCsv<T extends CsvRowInput>(prefix: string, options: WriteCsvOptions = {}): PTransform<PCollection<T>, PCollection<string>> {
  const columns = options.columns;
  if (columns !== undefined && !(Array.isArray(columns) && columns.length > 0 && columns.every((c) => typeof c === "string"))) {
    throw new TypeError("writeCsv: columns must be a non-empty array of names");
  }
  const header = options.header ?? columns !== undefined;
  if (header && columns === undefined) throw new TypeError("writeCsv: a header needs columns");
  const stringifyOptions: CsvStringifyOptions = {
    delimiter: options.delimiter ?? ",",
    quote: options.quote ?? '"',
    record_delimiter: "\n",
    eof: false,
    cast: { boolean: (b: boolean) => String(b) },
  };
  const headerLine = header ? csvStringify().stringify([columns as string[]], stringifyOptions) : undefined;
  const write = writeText(prefix, {
    shards: options.shards ?? 1,
    suffix: options.suffix ?? ".csv",
    ...(headerLine !== undefined ? { header: headerLine } : {}),
  });
  const toRecord = (row: T): string => {
    let fields: readonly unknown[];
    if (Array.isArray(row)) fields = row;
    else if (typeof row === "object" && row !== null && columns !== undefined) fields = columns.map((c) => (row as Record<string, unknown>)[c]);
    else if (typeof row === "object" && row !== null) throw new TypeError("writeCsv writes objects only with columns: name the columns to write, in order");
    else throw new TypeError(`writeCsv writes arrays or objects, got ${row === null ? "null" : typeof row}`);
    return csvStringify().stringify([fields as unknown[]], stringifyOptions);
  };
  return {
    name: "WriteCsv",
    expand: (rows) => rows.map(toRecord, "ToCsv").apply("Write", write),
  };
}
