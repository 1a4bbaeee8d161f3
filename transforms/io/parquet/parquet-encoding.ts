/**
 * How Parquet rows travel through writeText's machinery: each row is one line (a JSON array of its column values,
 * in column order), so sharding, sorting, temporary files and the atomic commit are writeText's own; only the
 * shard file's bytes differ, written here with hyparquet-writer.
 * @module
 */
import type { ColumnSource } from "hyparquet-writer";
import { lazyRequire } from "../../../sdk/internal/lazy-require.js";

const hyparquetWriter = lazyRequire<typeof import("hyparquet-writer")>("hyparquet-writer");

/**
 * A Parquet column's type: `STRING`, `INT32`, `INT64` (bigint, or a safe integer number), `FLOAT`, `DOUBLE`,
 * `BOOLEAN`, `TIMESTAMP` (a `Date` or ms since the epoch), `JSON` (any JSON value) or `BYTE_ARRAY` (a `Uint8Array`).
 * @example
 * const t: ParquetColumnType = "INT64";
 */
export type ParquetColumnType = "STRING" | "INT32" | "INT64" | "FLOAT" | "DOUBLE" | "BOOLEAN" | "TIMESTAMP" | "JSON" | "BYTE_ARRAY";

/**
 * One column of a Parquet write.
 * @example
 * const column: ParquetColumn = { name: "score", type: "DOUBLE", nullable: true };
 */
export interface ParquetColumn {
  /** The column's name, and the property of each element it is read from. */
  readonly name: string;
  /** Its type. */
  readonly type: ParquetColumnType;
  /** Whether it may hold `null` (or a missing property): default false, and then a missing value fails the write. */
  readonly nullable?: boolean;
}

/** A shard's encoding when it is not text: plain data, carried in the write's ShardSpec. */
export interface ParquetShardEncoding {
  readonly kind: "parquet";
  readonly columns: readonly ParquetColumn[];
  /** Rows per row group. */
  readonly rowGroupSize: number;
}

const TYPES = new Set<string>(["STRING", "INT32", "INT64", "FLOAT", "DOUBLE", "BOOLEAN", "TIMESTAMP", "JSON", "BYTE_ARRAY"]);

/** Checks columns when the write is built. */
export function checkParquetColumns(columns: unknown): asserts columns is readonly ParquetColumn[] {
  if (!Array.isArray(columns) || columns.length === 0) throw new TypeError("writeParquet needs columns: [{ name, type }, ...]");
  const names = new Set<string>();
  for (const c of columns as ParquetColumn[]) {
    if (typeof c?.name !== "string" || c.name === "") throw new TypeError("writeParquet: every column needs a name");
    if (names.has(c.name)) throw new TypeError(`writeParquet: column '${c.name}' is named twice`);
    names.add(c.name);
    if (!TYPES.has(c.type)) throw new TypeError(`writeParquet: column '${c.name}' has type ${JSON.stringify(c.type)}; use one of ${[...TYPES].join(", ")}`);
  }
}

/**
 * One element as its line: the JSON array of its column values (bigints as decimal strings, timestamps as ms,
 * bytes as base64), so that its text is what shards and sorts it.
 * @throws TypeError naming the column when a value does not fit its type
 */
export function rowToLine(row: unknown, columns: readonly ParquetColumn[]): string {
  if (typeof row !== "object" || row === null || Array.isArray(row)) throw new TypeError(`writeParquet writes objects, got ${row === null ? "null" : Array.isArray(row) ? "an array" : typeof row}`);
  return JSON.stringify(columns.map((c) => toJsonValue((row as Record<string, unknown>)[c.name], c)));
}

function toJsonValue(v: unknown, c: ParquetColumn): unknown {
  if (v === null || v === undefined) {
    if (c.nullable === true) return null;
    throw new TypeError(`writeParquet: column '${c.name}' is not nullable, got ${String(v)}`);
  }
  const wrong = (): never => {
    throw new TypeError(`writeParquet: column '${c.name}' is ${c.type}, got ${typeof v} ${String(v).slice(0, 50)}`);
  };
  switch (c.type) {
    case "STRING":
      return typeof v === "string" ? v : wrong();
    case "INT32":
      return Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31 ? v : wrong();
    case "INT64":
      return typeof v === "bigint" ? v.toString() : Number.isSafeInteger(v) ? String(v) : wrong();
    case "FLOAT":
    case "DOUBLE":
      return typeof v === "number" ? v : wrong();
    case "BOOLEAN":
      return typeof v === "boolean" ? v : wrong();
    case "TIMESTAMP":
      return v instanceof Date && !Number.isNaN(v.getTime()) ? v.getTime() : Number.isFinite(v) ? v : wrong();
    case "BYTE_ARRAY":
      return v instanceof Uint8Array ? Buffer.from(v).toString("base64") : wrong();
    default:
      return v; // JSON
  }
}

/**
 * A shard's Parquet bytes from its lines (already sorted): every row decoded back from its line, by column
 * type. An empty shard is still a valid Parquet file, with the schema and no row group.
 */
export function parquetShardBytes(lines: readonly string[], encoding: ParquetShardEncoding): Buffer {
  const { columns } = encoding;
  const data: unknown[][] = columns.map(() => new Array<unknown>(lines.length));
  for (let r = 0; r < lines.length; r++) {
    const values = JSON.parse(lines[r]!) as unknown[];
    for (let k = 0; k < columns.length; k++) data[k]![r] = fromJsonValue(values[k], columns[k]!);
  }
  const columnData = columns.map(
    (c, k): ColumnSource => ({ name: c.name, data: data[k]! as ColumnSource["data"], type: c.type, nullable: c.nullable === true }),
  );
  return Buffer.from(hyparquetWriter().parquetWriteBuffer({ columnData, rowGroupSize: encoding.rowGroupSize }));
}

function fromJsonValue(v: unknown, c: ParquetColumn): unknown {
  if (v === null) return null;
  switch (c.type) {
    case "INT64":
      return BigInt(v as string);
    case "TIMESTAMP":
      return new Date(v as number);
    case "BYTE_ARRAY":
      return new Uint8Array(Buffer.from(v as string, "base64"));
    default:
      return v;
  }
}
