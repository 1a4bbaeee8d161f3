/**
 * readJsonl: the values of JSON Lines files as a PCollection.
 * @module
 */
import type { PBegin, PCollection, PTransform } from "../../../sdk/index.js";
import { RecordSource } from "../records/record-source.js";
import { readRecords } from "../records/read-records.js";
import { checkOnError, type OnError } from "../records/on-error.js";
import { checkSchema, type StandardSchemaV1 } from "../records/standard-schema.js";
import { jsonlFormat } from "./jsonl-format.js";

/**
 * Options of {@link readJsonl}.
 * @example
 * p.apply(readJsonl("events/*.jsonl.gz", { schema: Event, onError: deadLetter("out/bad-events") }));
 */
export interface ReadJsonlOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /**
   * Validates every value (any Standard Schema v1: zod, valibot, ...); the elements are its output values, and a
   * value it rejects is a bad record. `validate` must be synchronous.
   */
  readonly schema?: S;
  /** What to do with a line that is not JSON or that the schema rejects (default `"fail"`). */
  readonly onError?: OnError;
  /** The smallest byte range a file is split into (default 1 MiB). */
  readonly minSplitBytes?: number;
  /** Bytes per read (default 256 KiB). */
  readonly chunkBytes?: number;
}

/**
 * The element type of a JSON Lines read: the schema's output, else `T`.
 * @example
 * type E = JsonlElement<unknown, typeof EventSchema>; // the schema's output type
 */
export type JsonlElement<T, S> = S extends StandardSchemaV1<unknown, infer O> ? O : T;

/**
 * Reads JSON Lines files: one element per line, `JSON.parse`d. Lines that are empty or only whitespace are not
 * records. Files ending in `.gz` are decompressed; big files are read in parallel byte ranges (a JSON Lines value
 * never spans lines, so any line boundary will do). Patterns are expanded when the run starts, as in `readText`.
 *
 * A line that is not JSON, or that `schema` rejects, is a bad record, handled by `onError` (see {@link OnError}):
 * the run fails naming the file and line, or it is skipped, or it goes to dead-letter files; the `Route` step
 * counts `goodRecords` and `badRecords` either way.
 * @typeParam T the element type when there is no schema (the values are not checked: give a schema to check them)
 * @example
 * const Event = z.object({ user: z.string(), score: z.number() });
 * const events = p.apply(readJsonl("events/*.jsonl", { schema: Event, onError: deadLetter("out/bad-events") }));
 * // PCollection<{ user: string; score: number }>
 */
export function readJsonl<T = unknown, S extends StandardSchemaV1 | undefined = undefined>(
  pattern: string | readonly string[],
  options: ReadJsonlOptions<S> = {},
): PTransform<PBegin, PCollection<JsonlElement<T, S>>> {
  const onError = checkOnError(options.onError, "readJsonl");
  if (options.schema !== undefined) checkSchema(options.schema, "readJsonl");
  const source = new RecordSource<JsonlElement<T, S>>(pattern, {
    format: jsonlFormat,
    schema: options.schema as StandardSchemaV1<unknown, JsonlElement<T, S>> | undefined,
    step: "ReadJsonl",
    minSplitBytes: options.minSplitBytes,
    chunkBytes: options.chunkBytes,
  });
  return readRecords("ReadJsonl", source, onError, jsonlFormat.name);
}
