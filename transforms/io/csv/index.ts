/**
 * CSV files: {@link readCsv} reads records (RFC 4180 quoting, headers, typed columns, schemas, gzip, parallel
 * byte ranges, bad-record handling); {@link writeCsv} writes them as `writeText` does (deterministic, atomic).
 * @module
 */
export { readCsv, type CsvElement, type ReadCsvOptions } from "./read-csv.js";
export { writeCsv, type CsvRowInput, type WriteCsvOptions } from "./write-csv.js";
export type { CsvFields } from "./csv-format.js";
export type { BaseValue, ColumnSpec, ColumnType, ColumnValue, TypedRow } from "./csv-columns.js";
