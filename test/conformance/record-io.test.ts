import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { ORDER_SEED, conformanceCases, matrixRunners } from "./matrix.js";
import { PipelineError, queryMetrics, type PipelineDefinition, type PipelineResult } from "../../sdk/index.js";
import * as cases from "./cases/record-io.cases.js";

/** A fresh directory holding the cases' input files. */
function makeDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-record-io-"));
  for (const [name, content] of Object.entries(cases.inputFiles())) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function run(definition: PipelineDefinition, runner: string, options: Record<string, unknown>): Promise<PipelineResult> {
  return definition.run({ runner, orderSeed: ORDER_SEED, quiet: true, ...options });
}

function counters(result: PipelineResult, step: string): Record<string, number> {
  return Object.fromEntries(queryMetrics(result.metrics.counters, { step }).map((m) => [m.name, m.value]));
}

/** The lines of one dead-letter (or any writeText) file. */
function linesOf(file: string): string[] {
  const bytes = fs.readFileSync(file);
  const text = file.endsWith(".gz") ? zlib.gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
  return text.split("\n").filter((l) => l !== "");
}

describe("Record IO", () => {
  const dir = makeDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  conformanceCases(
    {
      csvHeaderQuoted: cases.csvHeaderQuoted,
      csvArraysAndNames: cases.csvArraysAndNames,
      csvMultiline: cases.csvMultiline,
      csvSchema: cases.csvSchema,
      csvTypedFail: cases.csvTypedFail,
      csvAsyncSchema: cases.csvAsyncSchema,
      writeCsvObjectsWithoutColumns: cases.writeCsvObjectsWithoutColumns,
      writeJsonlUndefined: cases.writeJsonlUndefined,
      writeParquetWrongType: cases.writeParquetWrongType,
    },
    {
      csvHeaderQuoted: { options: { dir } },
      csvArraysAndNames: { options: { dir } },
      csvMultiline: { options: { dir } },
      csvSchema: { options: { dir } },
      csvTypedFail: {
        options: { dir },
        expectError: /ReadTyped\/Route[\s\S]*bad CSV record in '.*typed\.csv' line 3: column 'age': not an integer: "forty" \(record: "bob,forty,2"\)/,
      },
      csvAsyncSchema: { options: { dir }, expectError: /ReadCsv: the schema's validate returned a Promise/ },
      writeCsvObjectsWithoutColumns: { options: { dir }, expectError: /WriteRows\/ToCsv[\s\S]*writeCsv writes objects only with columns/ },
      writeJsonlUndefined: { options: { dir }, expectError: /WriteValues\/ToJson[\s\S]*writeJsonl cannot write undefined as JSON/ },
      writeParquetWrongType: { options: { dir }, expectError: /WriteRows\/ToRows[\s\S]*column 'n' is INT32, got string two/ },
    },
  );

  for (const runner of matrixRunners()) {
    describe(`[${runner}]`, () => {
      let out: string;
      beforeEach(() => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-record-out-"));
        for (const [name, content] of Object.entries(cases.inputFiles())) {
          if (name.startsWith("csv/big")) continue; // read from `dir`: written once
          fs.mkdirSync(path.dirname(path.join(out, name)), { recursive: true });
          fs.writeFileSync(path.join(out, name), content);
        }
      });
      afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

      it("onError skip: bad records are dropped but counted", async () => {
        const result = await run(cases.csvTypedSkip, runner, { dir: out });
        expect(counters(result, "ReadTyped/Route")).to.deep.equal({ goodRecords: 2, badRecords: 2 });
      });

      it("onError deadLetter: every bad record written with its file, line, offset, raw text and error; counted", async () => {
        const result = await run(cases.csvTypedDeadLetters, runner, { dir: out });
        expect(counters(result, "ReadTyped/Route")).to.deep.equal({ goodRecords: 2, badRecords: 2 });
        const file = path.join(out, "csv", "typed.csv");
        const text = fs.readFileSync(file, "utf8");
        expect(fs.readdirSync(path.join(out, "out"))).to.deep.equal(["bad-typed-00000-of-00001.jsonl"]);
        expect(linesOf(path.join(out, "out", "bad-typed-00000-of-00001.jsonl")).map((l) => JSON.parse(l))).to.deep.equal([
          { file, line: 3, offset: text.indexOf("bob"), raw: "bob,forty,2", error: `column 'age': not an integer: "forty"` },
          { file, line: 4, offset: text.indexOf("carl"), raw: "carl,30", error: "expected 3 fields, got 2" },
        ]);
      });

      it("a zod schema: its output is the element, its issues the dead letters' errors", async () => {
        const result = await run(cases.csvZodSchema, runner, { dir: out });
        expect(counters(result, "ReadPeople/Route")).to.deep.equal({ goodRecords: 2, badRecords: 2 });
        const bad = linesOf(path.join(out, "out", "bad-zod-00000-of-00001.jsonl")).map((l) => JSON.parse(l) as { line: number; raw: string; error: string });
        expect(bad.map((b) => [b.line, b.raw])).to.deep.equal([
          [3, "bob,forty,2"],
          [4, "carl,30"],
        ]);
        expect(bad[0]!.error).to.match(/^schema: age: /);
        expect(bad[1]!.error).to.equal("expected 3 fields, got 2");
      });

      it("JSON Lines with a schema: not-JSON and schema failures are dead letters; gzip input", async () => {
        const result = await run(cases.jsonlSchemaDeadLetters, runner, { dir: out });
        expect(counters(result, "ReadEvents/Route")).to.deep.equal({ goodRecords: 3, badRecords: 2 });
        const bad = linesOf(path.join(out, "out", "bad-events-00000-of-00001.jsonl")).map((l) => JSON.parse(l) as { line: number; raw: string; error: string });
        expect(bad.map((b) => [b.line, b.raw])).to.have.deep.members([
          [2, '{"user":"bob","score":"high"}'],
          [3, "not json"],
        ]);
        expect(bad.find((b) => b.line === 2)!.error).to.equal("schema: score: expected a number");
        expect(bad.find((b) => b.line === 3)!.error).to.match(/^not JSON: /);
      });

      it("writeCsv to .csv.gz quotes commas, quotes and line breaks, and readCsv reads it back", async () => {
        await run(cases.csvWriteGzip, runner, { dir: out });
        const names = fs.readdirSync(path.join(out, "out")).sort();
        expect(names).to.deep.equal(["tricky-00000-of-00002.csv.gz", "tricky-00001-of-00002.csv.gz"]);
        const all = names.flatMap((n) => linesOf(path.join(out, "out", n)));
        expect(all.filter((l) => l === "id,text,ok")).to.have.length(2);
        expect(all).to.include.members(['1,"comma, inside",true', '2,"quote "" inside",false', "4,,false"]);
        await run(cases.csvReadBackGzip, runner, { dir: out });
      });

      it("writeJsonl to .jsonl.gz and readJsonl back", async () => {
        await run(cases.jsonlRoundTrip, runner, { dir: out, write: true });
        await run(cases.jsonlRoundTrip, runner, { dir: out, write: false });
      });

      it("writeParquet writes complete, deterministic shards with several row groups; readParquet reads them back, split by row group", async () => {
        await run(cases.parquetWrite, runner, { dir: out });
        const names = fs.readdirSync(path.join(out, "out")).sort();
        expect(names).to.deep.equal(["rows-00000-of-00002.parquet", "rows-00001-of-00002.parquet"]);
        const first = names.map((n) => fs.readFileSync(path.join(out, "out", n)));
        await run(cases.parquetWrite, runner, { dir: out, orderSeed: 7 });
        names.forEach((n, i) => expect(fs.readFileSync(path.join(out, "out", n)).equals(first[i]!), `${n} byte-identical`).to.equal(true));
        const result = await run(cases.parquetReadBack, runner, { dir: out });
        const active = cases.PARQUET_ROWS.filter((r) => r.active).length;
        expect(counters(result, "ReadActive/Route")).to.deep.equal({ goodRecords: active, badRecords: cases.PARQUET_ROWS.length - active });
        const message = await run(cases.parquetSchemaFail, runner, { dir: out }).then(
          () => "",
          (e: unknown) => (e instanceof PipelineError ? e.describe() : String(e)),
        );
        expect(message).to.match(/ReadActive\/Route[\s\S]*bad Parquet record in '.*rows-0000[01]-of-00002\.parquet' row \d+: schema: active: inactive/);
      });

      it("a big file read in byte ranges gives the same rows, counts and dead letters (with their lines) as read whole", async () => {
        const result = await run(cases.csvBigSplit, runner, { dir, parallelism: 2 });
        const badCount = cases.bigDeadLetters(dir).length;
        expect(counters(result, "ReadBig/Route")).to.deep.equal({ goodRecords: cases.BIG_ROWS - badCount, badRecords: badCount });
        expect(linesOf(path.join(dir, "out", "bad-big-00000-of-00001.jsonl"))).to.deep.equal(cases.bigDeadLetters(dir));
      });
    });
  }
});
