/**
 * Parquet files: {@link readParquet} reads rows split by row group (on hyparquet); {@link writeParquet} writes
 * them with hyparquet-writer through writeText's deterministic, atomic commit.
 * @module
 */
export { readParquet, type ParquetElement, type ReadParquetOptions } from "./read-parquet.js";
export { writeParquet, type WriteParquetOptions } from "./write-parquet.js";
export type { ParquetColumn, ParquetColumnType } from "./parquet-encoding.js";
