/**
 * The seam between the generic record reader and a file format: how records are framed in lines, whether files
 * start with a header, and how a record's text becomes an element.
 * @module
 */

/** One record's parse: the element, or why it is bad. */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/**
 * A file format for {@link RecordSource}: CSV and JSON Lines implement it.
 * @example
 * const lines: RecordFormat<string> = {
 *   name: "lines",
 *   quote: undefined,
 *   hasHeader: false,
 *   parserFor: () => (records) => records.map((value) => ({ ok: true, value })),
 * };
 */
export interface RecordFormat<T> {
  /** Names the format in descriptions and messages: `"CSV"`, `"JSON Lines"`. */
  readonly name: string;
  /**
   * When set, a record may span lines: a line that leaves a quote (this character) open continues on the next,
   * and files are then read whole (a reader starting in the middle cannot tell whether it is inside quotes).
   */
  readonly quote: string | undefined;
  /** Whether the first record of every file names the columns rather than holding data. */
  readonly hasHeader: boolean;
  /**
   * The parser of one file's records, given its header record (when `hasHeader`). Throws when the file as a whole
   * cannot be read (a header that lacks a required column): that fails the run, whatever `onError` says.
   */
  parserFor(file: string, header: string | undefined): RecordParser<T>;
}

/**
 * Parses a batch of records (batches let a format parse many records in one call, which is much cheaper than one
 * call each), giving one result per record, in order.
 */
export type RecordParser<T> = (records: readonly string[]) => ParseResult<T>[];

/**
 * The message of a caught error, for a bad record's `error`.
 * @example
 * errorMessage(new SyntaxError("Unexpected token")); // "Unexpected token"
 */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
