/**
 * ParquetSource: the rows of Parquet files (on hyparquet), split by row group, optionally validated by a schema.
 * @module
 */
import { lazyRequire } from "../../../sdk/internal/lazy-require.js";
import type { BoundedSource } from "../../../sdk/index.js";
import { expandFilePatterns } from "../text/file-patterns.js";
import type { RecordOutcome } from "../records/record-source.js";
import { errorMessage } from "../records/record-format.js";
import { AsyncSchemaError, validateSync, type StandardSchemaV1 } from "../records/standard-schema.js";

const hyparquet = lazyRequire<typeof import("hyparquet")>("hyparquet");
const hyparquetCompressors = lazyRequire<typeof import("hyparquet-compressors")>("hyparquet-compressors");

/**
 * One piece of a Parquet read: the rows `[rowStart, rowEnd)` of one file, which are one row group. Plain data.
 * @example
 * const second: ParquetSplit = { path: "/data/t.parquet", rowGroup: 1, rowStart: 10_000, rowEnd: 20_000 };
 */
export interface ParquetSplit {
  /** Absolute path of the file. */
  readonly path: string;
  /** The row group's index in the file. */
  readonly rowGroup: number;
  /** Its first row's index in the file. */
  readonly rowStart: number;
  /** One past its last row. */
  readonly rowEnd: number;
}

/** Rows per batch the source yields: a row group may hold millions. */
const BATCH_ROWS = 4096;

/**
 * The rows of the Parquet files some patterns name, as objects by column name. One split per row group (the
 * unit a Parquet file can be read from on its own); the runner's desired split size is not used to merge or cut
 * them. Values are hyparquet's: `INT64` columns as `bigint`, timestamps as `Date`, string columns as strings, other byte arrays as `Uint8Array`.
 * Column chunks may be uncompressed or snappy, gzip, zstd, brotli or LZ4 compressed (hyparquet-compressors).
 * @example
 * const source = new ParquetSource<Row>(["data/*.parquet"], { step: "ReadParquet" });
 */
export class ParquetSource<T> implements BoundedSource<RecordOutcome<T>, ParquetSplit> {
  readonly description: string;

  constructor(
    private readonly patterns: readonly string[],
    private readonly options: {
      readonly step: string;
      readonly columns?: readonly string[] | undefined;
      readonly schema?: StandardSchemaV1<unknown, T> | undefined;
    },
  ) {
    this.description = `Parquet files ${patterns.map((p) => `'${p}'`).join(", ")}`;
  }

  async split(): Promise<readonly ParquetSplit[]> {
    const splits: ParquetSplit[] = [];
    for (const file of await expandFilePatterns(this.patterns)) {
      const metadata = await this.metadataOf(file.path);
      let rowStart = 0;
      metadata.row_groups.forEach((group, rowGroup) => {
        const rows = Number(group.num_rows);
        if (rows > 0) splits.push({ path: file.path, rowGroup, rowStart, rowEnd: rowStart + rows });
        rowStart += rows;
      });
    }
    return splits;
  }

  async *read(split: ParquetSplit): AsyncGenerator<RecordOutcome<T>[]> {
    const file = await hyparquet().asyncBufferFromFile(split.path);
    const metadata = await this.metadataOf(split.path, file);
    const rows = await hyparquet().parquetReadObjects({
      file,
      metadata,
      rowStart: split.rowStart,
      rowEnd: split.rowEnd,
      rowFormat: "object",
      // Pure-JavaScript gzip, zstd, brotli and LZ4 decoders (snappy is hyparquet's own).
      compressors: hyparquetCompressors().compressors,
      // Bytes stay bytes unless the column says it holds strings (hyparquet's default would decode every byte array).
      utf8: false,
      ...(this.options.columns !== undefined ? { columns: [...this.options.columns] } : {}),
    }).catch((e: unknown) => {
      throw new Error(`cannot read row group ${split.rowGroup} of '${split.path}': ${errorMessage(e)}`, { cause: e });
    });
    const { schema, step } = this.options;
    for (let from = 0; from < rows.length; from += BATCH_ROWS) {
      const batch: RecordOutcome<T>[] = [];
      for (let i = from; i < Math.min(rows.length, from + BATCH_ROWS); i++) {
        // A plain object: hyparquet's rows may carry a symbol-keyed row index.
        const row = { ...rows[i] } as Record<string, unknown>;
        if (schema === undefined) {
          batch.push({ ok: true, value: row as T });
          continue;
        }
        try {
          batch.push({ ok: true, value: validateSync(schema, row, step) });
        } catch (e) {
          if (e instanceof AsyncSchemaError) throw e;
          const index = split.rowStart + i;
          batch.push({ ok: false, bad: { file: split.path, line: index + 1, offset: index, raw: rowJson(row), error: errorMessage(e) } });
        }
      }
      yield batch;
    }
  }

  async estimateSizeBytes(): Promise<number> {
    return (await expandFilePatterns(this.patterns)).reduce((sum, f) => sum + f.sizeBytes, 0);
  }

  private async metadataOf(filePath: string, file?: Awaited<ReturnType<typeof import("hyparquet").asyncBufferFromFile>>) {
    try {
      return await hyparquet().parquetMetadataAsync(file ?? (await hyparquet().asyncBufferFromFile(filePath)));
    } catch (e) {
      throw new Error(`'${filePath}' is not a readable Parquet file: ${errorMessage(e)}`, { cause: e });
    }
  }
}

/** A row as JSON for a dead letter: bigints as decimal strings, bytes as base64. */
function rowJson(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v,
  );
}
