/**
 * writeParquet: a PCollection of objects written as Parquet files, on hyparquet-writer and writeText's commit.
 * @module
 */
import type { PCollection, PTransform } from "../../../sdk/index.js";
import { writeText } from "../text/write-text.js";
import { checkParquetColumns, rowToLine, type ParquetColumn } from "./parquet-encoding.js";

/**
 * Options of {@link writeParquet}.
 * @example
 * rows.apply(writeParquet("out/scores", { columns: [{ name: "user", type: "STRING" }, { name: "score", type: "DOUBLE" }] }));
 */
export interface WriteParquetOptions {
  /** The columns, in order, with their types: each element's properties of those names are written. */
  readonly columns: readonly ParquetColumn[];
  /** How many files (default 1). */
  readonly shards?: number;
  /** Appended to every file name (default `.parquet`). */
  readonly suffix?: string;
  /** Rows per row group (default 100 000): the unit `readParquet` splits files into. */
  readonly rowGroupSize?: number;
}

/**
 * Writes objects to Parquet files `${prefix}-00000-of-00001.parquet`, ..., one column per entry of `columns`
 * (snappy-compressed, as hyparquet-writer does by default), and outputs the paths written. It is `writeText`
 * underneath, each row travelling as one line (the JSON array of its column values): deterministic (a row's
 * shard is a hash of its values, rows are sorted within a shard by that line, so the same input gives
 * byte-identical files), complete (an empty shard is a valid Parquet file with the schema and no rows), and
 * atomic (published in the final step, all or nothing); windowed input is written per window and pane, as by writeText. A value that does not fit its column's type, or a
 * missing value in a column that is not `nullable`, fails the `ToRows` step, naming the column.
 *
 * A shard is built in memory (its rows, then its bytes) by one worker: shard big outputs.
 * @param prefix path prefix of the files; its directory is created if needed
 * @example
 * p.apply(create([{ user: "ann", score: 3.5, at: new Date(0) }]))
 *   .apply(writeParquet("out/scores", {
 *     columns: [
 *       { name: "user", type: "STRING" },
 *       { name: "score", type: "DOUBLE", nullable: true },
 *       { name: "at", type: "TIMESTAMP" },
 *     ],
 *   }));
 */
export function writeParquet<T extends object>(prefix: string, options: WriteParquetOptions): PTransform<PCollection<T>, PCollection<string>> {
  const columns = options?.columns;
  checkParquetColumns(columns);
  const rowGroupSize = options.rowGroupSize ?? 100_000;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) throw new RangeError(`writeParquet: rowGroupSize must be a positive integer, got ${String(rowGroupSize)}`);
  // Plain data: the spec is part of every writer step.
  const plainColumns = columns.map((c) => Object.freeze({ name: c.name, type: c.type, nullable: c.nullable === true }));
  const write = writeText(prefix, {
    shards: options.shards ?? 1,
    suffix: options.suffix ?? ".parquet",
    encoding: Object.freeze({ kind: "parquet", columns: Object.freeze(plainColumns), rowGroupSize }),
  });
  return {
    name: "WriteParquet",
    expand: (rows) => rows.map((row) => rowToLine(row, plainColumns), "ToRows").apply("Write", write),
  };
}
