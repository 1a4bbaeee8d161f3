/**
 * readCsv: the records of CSV files as a PCollection, as string arrays, records by column name, typed rows or
 * schema-validated values.
 * @module
 */
import type { PBegin, PCollection, PTransform } from "../../../sdk/index.js";
import { RecordSource } from "../records/record-source.js";
import { readRecords } from "../records/read-records.js";
import { checkOnError, type OnError } from "../records/on-error.js";
import { checkSchema, type StandardSchemaV1 } from "../records/standard-schema.js";
import { checkColumnSpec, type ColumnSpec, type TypedRow } from "./csv-columns.js";
import { csvFormat, type CsvFields } from "./csv-format.js";

/**
 * Options of {@link readCsv}.
 * @example
 * p.apply(readCsv("in/*.csv", { header: true, columns: { name: "string", age: "integer" }, onError: "skip" }));
 */
export interface ReadCsvOptions {
  /**
   * `true`: the first record of every file names the columns, and records are objects by column name. An array
   * of names: the files have no header, and these name the columns. Absent: records are `string[]`.
   */
  readonly header?: true | readonly string[];
  /** The field separator (default `,`). */
  readonly delimiter?: string;
  /** The quote character (default `"`); a quote inside a quoted field is written twice (RFC 4180). */
  readonly quote?: string;
  /**
   * Quoted fields may hold line breaks (default false). Files are then read whole, one reader a file: a reader
   * that starts in the middle of a file cannot tell whether it is inside quotes. Without it big files are read
   * in parallel byte ranges at line boundaries, and a record whose quote is left open at the end of its line is a
   * bad record (its error says to set `multiline`), never a silently wrong one.
   */
  readonly multiline?: boolean;
  /**
   * Typed rows: a {@link ColumnSpec} (`{ age: "integer" }`; the elements hold exactly its columns, converted),
   * or a function from the record ({@link CsvFields}) to the element. A field that does not convert, or a
   * function that throws, makes a bad record.
   */
  readonly columns?: ColumnSpec | ((row: CsvFields) => unknown);
  /**
   * Validates every row (after `columns`) with any Standard Schema v1 (zod, valibot, ...): the elements are its
   * output values; a row it rejects is a bad record. `validate` must be synchronous.
   */
  readonly schema?: StandardSchemaV1;
  /** What to do with a bad record (default `"fail"`); see {@link OnError}. */
  readonly onError?: OnError;
  /** The smallest byte range a file is split into (default 1 MiB). */
  readonly minSplitBytes?: number;
  /** Bytes per read (default 256 KiB). */
  readonly chunkBytes?: number;
}

/**
 * The element type of a CSV read with options `O`: the schema's output, else what `columns` gives, else a record
 * by column name with a header, else `string[]`.
 * @example
 * type Row = CsvElement<{ header: true; columns: { age: "integer" } }>; // { age: number }
 */
export type CsvElement<O> = O extends Record<"schema", StandardSchemaV1<unknown, infer Out>>
  ? Out
  : O extends Record<"columns", (row: CsvFields) => infer R>
    ? R
    : O extends Record<"columns", infer C extends ColumnSpec>
      ? TypedRow<C>
      : O extends Record<"header", true | readonly string[]>
        ? Record<string, string>
        : string[];

/**
 * Reads CSV files (RFC 4180: fields with the delimiter, quotes or line breaks are quoted, `""` is a quote in a
 * quoted field; `\r\n` or `\n` ends a record). Lines that are empty or only whitespace are not records. Files
 * ending in `.gz` are decompressed. Patterns are expanded when the run starts, as in `readText`.
 *
 * **Splitting**: big files are read in parallel byte ranges starting at line boundaries, every range reading the
 * file's header. A quoted field holding a line break would be cut by such a boundary, so it needs
 * `multiline: true`, which reads each file whole (gzip files are always read whole).
 *
 * **Bad records** — a record that does not parse, has another number of fields than the header, does not fit
 * `columns` or fails `schema` — are handled by `onError` (see {@link OnError}): fail the run naming the file and
 * line, skip, or write to dead-letter files with the raw record and the error. The `Route` step counts
 * `goodRecords` and `badRecords`. A header without a column `columns` names fails the run whatever `onError`.
 * @param pattern a path or glob, or several
 * @example
 * const people = p.apply(readCsv("people/*.csv", {
 *   header: true,
 *   columns: { name: "string", age: "integer", email: "string?" },
 *   onError: deadLetter("out/bad-people"),
 * }));
 * // PCollection<{ name: string; age: number; email: string | null }>
 *
 * const Person = z.object({ name: z.string().min(1), age: z.coerce.number().int() });
 * const checked = p.apply(readCsv("people.csv", { header: true, schema: Person }));
 */
export function readCsv<O extends ReadCsvOptions = {}>(pattern: string | readonly string[], options?: O & ReadCsvOptions): PTransform<PBegin, PCollection<CsvElement<O>>> {
  const o: ReadCsvOptions = options ?? {};
  const step = "readCsv";
  const onError = checkOnError(o.onError, step);
  const delimiter = o.delimiter ?? ",";
  const quote = o.quote ?? '"';
  if (typeof delimiter !== "string" || delimiter.length === 0 || delimiter.includes("\n")) throw new TypeError(`${step}: delimiter must be a non-empty string without line breaks`);
  if (typeof quote !== "string" || quote.length !== 1 || quote === delimiter || quote === "\n") throw new TypeError(`${step}: quote must be one character, not the delimiter`);
  if (o.header !== undefined && o.header !== true && !(Array.isArray(o.header) && o.header.every((n) => typeof n === "string"))) {
    throw new TypeError(`${step}: header must be true or an array of column names`);
  }
  if (o.columns !== undefined && typeof o.columns !== "function") checkColumnSpec(o.columns, step);
  if (o.schema !== undefined) checkSchema(o.schema, step);
  if (o.multiline !== undefined && typeof o.multiline !== "boolean") throw new TypeError(`${step}: multiline must be a boolean`);
  const format = csvFormat({ header: o.header, delimiter, quote, multiline: o.multiline ?? false, columns: o.columns, step: "ReadCsv" });
  const source = new RecordSource<CsvElement<O>>(pattern, {
    format,
    schema: o.schema as StandardSchemaV1<unknown, CsvElement<O>> | undefined,
    step: "ReadCsv",
    minSplitBytes: o.minSplitBytes,
    chunkBytes: o.chunkBytes,
  });
  return readRecords("ReadCsv", source, onError, format.name);
}
