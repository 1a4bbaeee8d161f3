import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { parquetWriteBuffer } from "hyparquet-writer";
import { ParquetSource } from "../../../../transforms/io/parquet/parquet-source.js";
import { parquetShardBytes, rowToLine, type ParquetColumn } from "../../../../transforms/io/parquet/parquet-encoding.js";

describe("Parquet IO: ParquetSource and the shard encoding", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-parquet-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function readAll(source: ParquetSource<unknown>): Promise<{ rows: unknown[]; splits: number }> {
    const splits = await source.split();
    const rows: unknown[] = [];
    for (const split of splits) for await (const batch of source.read(split)) rows.push(...batch.map((o) => (o.ok ? o.value : o.bad)));
    return { rows, splits: splits.length };
  }

  it("reads a gzip-compressed file, one split per row group, only the columns asked for", async () => {
    const file = path.join(dir, "gzip.parquet");
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "n", data: [1, 2, 3, 4, 5], type: "INT32" },
        { name: "s", data: ["a", "b", "c", "d", "e"], type: "STRING" },
      ],
      codec: "GZIP",
      compressors: { GZIP: (input: Uint8Array) => new Uint8Array(zlib.gzipSync(input)) },
      rowGroupSize: 2,
    });
    fs.writeFileSync(file, Buffer.from(buffer));
    const { rows, splits } = await readAll(new ParquetSource([file], { step: "ReadParquet", columns: ["s"] }));
    expect(splits).to.equal(3);
    expect(rows).to.deep.equal(["a", "b", "c", "d", "e"].map((s) => ({ s })));
  });

  it("a bad row's line is its 1-based row number and its raw text its JSON", async () => {
    const file = path.join(dir, "schema.parquet");
    fs.writeFileSync(file, Buffer.from(parquetWriteBuffer({ columnData: [{ name: "id", data: [1n, 2n, 3n], type: "INT64" }], rowGroupSize: 2 })));
    const source = new ParquetSource<unknown>([file], {
      step: "ReadParquet",
      schema: { "~standard": { version: 1, vendor: "t", validate: (v) => ((v as { id: bigint }).id === 3n ? { issues: [{ message: "no threes" }] } : { value: v }) } },
    });
    const { rows } = await readAll(source);
    expect(rows).to.deep.equal([{ id: 1n }, { id: 2n }, { file, line: 3, offset: 2, raw: '{"id":"3"}', error: "schema: no threes" }]);
  });

  it("encodes rows as lines and back, by column type; an empty shard is a valid file", async () => {
    const columns: ParquetColumn[] = [
      { name: "id", type: "INT64" },
      { name: "at", type: "TIMESTAMP" },
      { name: "bytes", type: "BYTE_ARRAY", nullable: true },
    ];
    const row = { id: 12345678901234567n, at: new Date(86_400_000), bytes: new Uint8Array([1, 2, 255]) };
    const line = rowToLine(row, columns);
    expect(line).to.equal('["12345678901234567",86400000,"AQL/"]');
    expect(() => rowToLine({ id: 1.5, at: 0 }, columns)).to.throw(/column 'id' is INT64/);
    const file = path.join(dir, "encoded.parquet");
    fs.writeFileSync(file, parquetShardBytes([line, rowToLine({ id: 1n, at: 0 }, columns)], { kind: "parquet", columns, rowGroupSize: 10 }));
    const { rows } = await readAll(new ParquetSource([file], { step: "ReadParquet" }));
    expect(rows).to.deep.equal([row, { id: 1n, at: new Date(0), bytes: null }]);
    const empty = path.join(dir, "empty.parquet");
    fs.writeFileSync(empty, parquetShardBytes([], { kind: "parquet", columns, rowGroupSize: 10 }));
    expect(await readAll(new ParquetSource([empty], { step: "ReadParquet" }))).to.deep.equal({ rows: [], splits: 0 });
  });
});
