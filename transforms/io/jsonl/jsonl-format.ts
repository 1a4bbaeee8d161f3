/**
 * JSON Lines as a record format: one JSON value a line (https://jsonlines.org).
 * @module
 */
import { errorMessage, type ParseResult, type RecordFormat } from "../records/record-format.js";

/**
 * One `JSON.parse` per line: a line's value never spans lines (JSON Lines forbids raw newlines inside a value),
 * so files split anywhere at line boundaries.
 */
export const jsonlFormat: RecordFormat<unknown> = Object.freeze({
  name: "JSON Lines",
  quote: undefined,
  hasHeader: false,
  parserFor: () => (records: readonly string[]) =>
    records.map((text): ParseResult<unknown> => {
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch (e) {
        return { ok: false, error: `not JSON: ${errorMessage(e)}` };
      }
    }),
});
