/**
 * CSV as a record format, on csv-parse: RFC 4180 quoting, a header naming the columns, typed columns or a mapper.
 * @module
 */
import type { Options as CsvParseOptions } from "csv-parse/sync";
import { lazyRequire } from "../../../sdk/internal/lazy-require.js";
import { errorMessage, type ParseResult, type RecordFormat, type RecordParser } from "../records/record-format.js";
import { convertField, type ColumnSpec } from "./csv-columns.js";

const csvParse = lazyRequire<typeof import("csv-parse/sync")>("csv-parse/sync");

/**
 * A CSV record before typing: by column name when the file has a header (or names are given), else by position
 * (`row[0]`; it is then a `string[]`).
 * @example
 * const toPerson = (row: CsvFields) => ({ name: row.name!, age: Number(row.age) });
 */
export type CsvFields = Readonly<Record<string, string>>;

/** The CSV dialect and shape a {@link csvFormat} parses. */
export interface CsvFormatOptions {
  readonly header: true | readonly string[] | undefined;
  readonly delimiter: string;
  readonly quote: string;
  readonly multiline: boolean;
  readonly columns: ColumnSpec | ((row: CsvFields) => unknown) | undefined;
  /** The step, for messages. */
  readonly step: string;
}

/**
 * The record format of a CSV read. Records are framed by lines, or with `multiline` by lines and open quotes
 * (see `RecordFramer`); each batch of framed records is parsed by one csv-parse call (about four times cheaper
 * than one call a record), and one record at a time only when that call fails, so that one bad record does not
 * spoil its neighbours.
 */
export function csvFormat(options: CsvFormatOptions): RecordFormat<unknown> {
  const parseOptions: CsvParseOptions = {
    delimiter: options.delimiter,
    quote: options.quote,
    escape: options.quote,
    record_delimiter: "\n",
    relax_column_count: true,
    skip_empty_lines: false,
    bom: false,
  };
  return {
    name: "CSV",
    quote: options.multiline ? options.quote : undefined,
    hasHeader: options.header === true,
    parserFor(file, headerText) {
      const names = options.header === true ? headerNames(headerText, parseOptions, file, options.step) : options.header;
      return recordParser(rowMaker(options, names, file), parseOptions, options.multiline);
    },
  };
}

/** The column names in a header record; a header that does not parse, or names a column twice, fails the run. */
function headerNames(text: string | undefined, parseOptions: CsvParseOptions, file: string, step: string): readonly string[] {
  if (text === undefined) return [];
  let names: string[];
  try {
    names = (csvParse().parse(text, parseOptions) as string[][])[0] ?? [];
  } catch (e) {
    throw new Error(`${step}: cannot parse the header of '${file}': ${errorMessage(e)}`, { cause: e });
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`${step}: the header of '${file}' names column '${n}' twice`);
    seen.add(n);
  }
  return names;
}

/**
 * Turns one record's fields into the element: checks the field count against the names, then types the columns
 * (spec) or calls the mapper. Throws for a bad record; a spec column missing from the header throws here, at
 * once, failing the run: every record of the file would be bad for the same reason.
 */
function rowMaker(options: CsvFormatOptions, names: readonly string[] | undefined, file: string): (fields: string[]) => unknown {
  const { columns } = options;
  const checkCount = (fields: string[]): void => {
    if (names !== undefined && fields.length !== names.length) throw new Error(`expected ${names.length} fields, got ${fields.length}`);
  };
  if (typeof columns === "object") {
    const wanted = Object.entries(columns);
    const at = wanted.map(([name], i) => {
      if (names === undefined) return i;
      const index = names.indexOf(name);
      if (index < 0) throw new Error(`${options.step}: '${file}' has no column '${name}' (its columns: ${names.join(", ")})`);
      return index;
    });
    return (fields) => {
      checkCount(fields);
      if (names === undefined && fields.length !== wanted.length) throw new Error(`expected ${wanted.length} fields, got ${fields.length}`);
      return Object.fromEntries(wanted.map(([name, type], i) => [name, convertField(name, type, fields[at[i]!]!)]));
    };
  }
  const toRow =
    names === undefined
      ? (fields: string[]): CsvFields => fields as unknown as CsvFields
      : (fields: string[]): CsvFields => {
          checkCount(fields);
          // fromEntries makes own properties even of a column named `__proto__`.
          return Object.fromEntries(names.map((n, i) => [n, fields[i]!]));
        };
  return typeof columns === "function" ? (fields) => columns(toRow(fields)) : toRow;
}

function recordParser(makeRow: (fields: string[]) => unknown, parseOptions: CsvParseOptions, multiline: boolean): RecordParser<unknown> {
  const one = (text: string): ParseResult<unknown> => {
    let fields: string[] | undefined;
    try {
      const parsed = csvParse().parse(text, parseOptions) as string[][];
      if (parsed.length !== 1) throw new Error(`one record expected, found ${parsed.length}`);
      fields = parsed[0]!;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const hint = code === "CSV_QUOTE_NOT_CLOSED" && !multiline ? " (a quoted field spanning lines needs multiline: true)" : "";
      return { ok: false, error: `${errorMessage(e)}${hint}` };
    }
    return typed(makeRow, fields);
  };
  return (records) => {
    if (records.length > 1) {
      // Framed records never hold an unquoted line end, so when every record is sound their join parses into
      // exactly as many records, one for one; anything else (an error, another count) is retried one by one.
      let parsed: string[][] | undefined;
      try {
        parsed = csvParse().parse(records.join("\n"), parseOptions) as string[][];
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined && parsed.length === records.length) return parsed.map((fields) => typed(makeRow, fields));
    }
    return records.map(one);
  };
}

function typed(makeRow: (fields: string[]) => unknown, fields: string[]): ParseResult<unknown> {
  try {
    return { ok: true, value: makeRow(fields) };
  } catch (e) {
    return { ok: false, error: errorMessage(e) };
  }
}
