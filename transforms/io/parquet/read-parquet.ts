/**
 * readParquet: the rows of Parquet files as a PCollection, split by row group.
 * @module
 */
import type { PBegin, PCollection, PTransform } from "../../../sdk/index.js";
import { readRecords } from "../records/read-records.js";
import { checkOnError, type OnError } from "../records/on-error.js";
import { checkSchema, type StandardSchemaV1 } from "../records/standard-schema.js";
import { ParquetSource } from "./parquet-source.js";

/**
 * Options of {@link readParquet}.
 * @example
 * p.apply(readParquet("data/*.parquet", { columns: ["user", "score"], schema: Score, onError: "skip" }));
 */
export interface ReadParquetOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /** Read only these columns (default: all). */
  readonly columns?: readonly string[];
  /** Validates every row (any Standard Schema v1); the elements are its output values. `validate` must be synchronous. */
  readonly schema?: S;
  /** What to do with a row the schema rejects (default `"fail"`); see {@link OnError}. */
  readonly onError?: OnError;
}

/**
 * The element type of a Parquet read: the schema's output, else `T`.
 * @example
 * type Row = ParquetElement<Record<string, unknown>, typeof ScoreSchema>;
 */
export type ParquetElement<T, S> = S extends StandardSchemaV1<unknown, infer O> ? O : T;

/**
 * Reads Parquet files (on hyparquet), one element per row: an object by column name, with hyparquet's values
 * (`INT64` as `bigint`, timestamps as `Date`, string columns as strings, other byte arrays as `Uint8Array`, nested
 * types as objects and arrays).
 * Files are split by row group, each read on its own, in parallel on the parallel runners. Column chunks may be
 * uncompressed or snappy, gzip, zstd, brotli or LZ4 compressed (hyparquet-compressors' decoders).
 *
 * With a `schema`, a row it rejects is a bad record for `onError` (see {@link OnError}); its dead letter has the
 * row's 1-based number as `line`, its 0-based index as `offset` and its JSON as `raw`. The `Route` step counts
 * `goodRecords` and `badRecords`. A file that is not Parquet fails the run.
 * @typeParam T the element type without a schema (not checked)
 * @example
 * const scores = p.apply(readParquet<{ user: string; score: number }>("out/scores-*.parquet"));
 */
export function readParquet<T = Record<string, unknown>, S extends StandardSchemaV1 | undefined = undefined>(
  pattern: string | readonly string[],
  options: ReadParquetOptions<S> = {},
): PTransform<PBegin, PCollection<ParquetElement<T, S>>> {
  const patterns = typeof pattern === "string" ? [pattern] : [...pattern];
  if (patterns.length === 0 || patterns.some((p) => typeof p !== "string" || p === "")) throw new TypeError("readParquet needs non-empty file patterns");
  const onError = checkOnError(options.onError, "readParquet");
  if (options.schema !== undefined) checkSchema(options.schema, "readParquet");
  if (options.columns !== undefined && !(Array.isArray(options.columns) && options.columns.every((c) => typeof c === "string"))) {
    throw new TypeError("readParquet: columns must be an array of column names");
  }
  const source = new ParquetSource<ParquetElement<T, S>>(patterns, {
    step: "ReadParquet",
    columns: options.columns,
    schema: options.schema as StandardSchemaV1<unknown, ParquetElement<T, S>> | undefined,
  });
  return readRecords("ReadParquet", source, onError, "Parquet", "row");
}
