import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { RecordSource, type RecordOutcome } from "../../../../transforms/io/records/record-source.js";
import { RecordFramer } from "../../../../transforms/io/records/record-framer.js";
import { csvFormat, type CsvFormatOptions } from "../../../../transforms/io/csv/csv-format.js";
import { jsonlFormat } from "../../../../transforms/io/jsonl/jsonl-format.js";
import type { StandardSchemaV1 } from "../../../../transforms/io/records/standard-schema.js";

const CSV: CsvFormatOptions = { header: true, delimiter: ",", quote: '"', multiline: false, columns: undefined, step: "ReadCsv" };

/** Reads every split the source makes for `desired`, in split order. */
async function readAll<T>(source: RecordSource<T>, desired: number): Promise<{ outcomes: RecordOutcome<T>[]; splits: number }> {
  const splits = await source.split(desired);
  const outcomes: RecordOutcome<T>[] = [];
  for (const split of splits) for await (const batch of source.read(split)) outcomes.push(...batch);
  return { outcomes, splits: splits.length };
}

/** A CSV file of `n` rows, every seventh one bad (a field too many), with quoted commas and CRLF endings. */
function bigCsv(n: number): { text: string; good: number; bad: { line: number; raw: string }[] } {
  const lines = ["id,name,note"];
  const bad: { line: number; raw: string }[] = [];
  for (let i = 0; i < n; i++) {
    const raw = i % 7 === 3 ? `${i},x,y,z` : `${i},"name, ${i}","say ""${i}"""`;
    if (i % 7 === 3) bad.push({ line: i + 2, raw });
    lines.push(raw);
  }
  return { text: `${lines.join("\r\n")}\r\n`, good: n - bad.length, bad };
}

describe("record IO: RecordSource", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-records-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads the same records and bad records, with the same lines, however finely the file is split", async () => {
    const { text, good, bad } = bigCsv(2000);
    const file = path.join(dir, "big.csv");
    fs.writeFileSync(file, text);
    const source = new RecordSource<Record<string, string>>(file, { format: csvFormat(CSV), step: "ReadCsv", minSplitBytes: 1000, chunkBytes: 97 });
    const whole = await readAll(source, 2 ** 40);
    const cut = await readAll(source, 1000);
    expect(whole.splits).to.equal(1);
    expect(cut.splits).to.be.greaterThan(20);
    expect(cut.outcomes).to.deep.equal(whole.outcomes);
    const goods = whole.outcomes.filter((o) => o.ok);
    expect(goods).to.have.length(good);
    expect(goods[1]).to.deep.equal({ ok: true, value: { id: "1", name: "name, 1", note: 'say "1"' } });
    const bads = whole.outcomes.flatMap((o) => (o.ok ? [] : [o.bad]));
    expect(bads.map((b) => ({ line: b.line, raw: b.raw }))).to.deep.equal(bad);
    expect(bads[0]!.error).to.equal("expected 3 fields, got 4");
    expect(bads[0]!.offset).to.equal(text.indexOf("3,x,y,z"));
    // A fresh source (another worker) reading a late range alone still knows the header and the lines.
    const lateSplit = (await source.split(1000)).at(-1)!;
    const alone: RecordOutcome<Record<string, string>>[] = [];
    const fresh = new RecordSource<Record<string, string>>(file, { format: csvFormat(CSV), step: "ReadCsv" });
    for await (const b of fresh.read(lateSplit)) alone.push(...b);
    expect(alone.length).to.be.greaterThan(0);
    expect(alone.every((o) => (o.ok ? Object.keys(o.value).join() === "id,name,note" : o.bad.line! > 1900))).to.equal(true);
  });

  it("multiline: a quoted field holding line breaks is one record; files are read whole", async () => {
    const file = path.join(dir, "multi.csv");
    fs.writeFileSync(file, 'a,b\n1,"two\r\nlines"\n\n2,"x ""y"" z"\n3,"never closed\n4,ok\n');
    const source = new RecordSource<unknown>(file, { format: csvFormat({ ...CSV, multiline: true }), step: "ReadCsv", minSplitBytes: 1 });
    const { outcomes, splits } = await readAll(source, 1);
    expect(splits).to.equal(1);
    expect(outcomes.slice(0, 2)).to.deep.equal([
      { ok: true, value: { a: "1", b: "two\nlines" } },
      { ok: true, value: { a: "2", b: 'x "y" z' } },
    ]);
    const last = outcomes[2]!;
    expect(last.ok).to.equal(false);
    if (!last.ok) expect(last.bad).to.include({ line: 6, raw: '3,"never closed\n4,ok' });
    expect(outcomes).to.have.length(3);
  });

  it("without multiline, an open quote is a bad record whose error says to set multiline", async () => {
    const file = path.join(dir, "open.csv");
    fs.writeFileSync(file, 'a,b\n1,"two\nlines"\n');
    const source = new RecordSource<unknown>(file, { format: csvFormat(CSV), step: "ReadCsv" });
    const { outcomes } = await readAll(source, 2 ** 40);
    expect(outcomes.map((o) => o.ok)).to.deep.equal([false, false]);
    if (!outcomes[0]!.ok) expect(outcomes[0]!.bad.error).to.match(/needs multiline: true/);
  });

  it("typed columns convert, and a field that does not convert is a bad record naming the column", async () => {
    const file = path.join(dir, "typed.csv");
    fs.writeFileSync(file, "name,age,score,member\nann,41,,true\nbob,forty,1.5,false\n");
    const format = csvFormat({ ...CSV, columns: { name: "string", age: "integer", score: "number?", member: "boolean" } });
    const { outcomes } = await readAll(new RecordSource<unknown>(file, { format, step: "ReadCsv" }), 2 ** 40);
    expect(outcomes[0]).to.deep.equal({ ok: true, value: { name: "ann", age: 41, score: null, member: true } });
    expect(outcomes[1]!.ok).to.equal(false);
    if (!outcomes[1]!.ok) expect(outcomes[1]!.bad).to.include({ line: 3, error: `column 'age': not an integer: "forty"` });
  });

  it("a spec column the header lacks fails the read", async () => {
    const file = path.join(dir, "typed2.csv");
    fs.writeFileSync(file, "name,age\nann,41\n");
    const format = csvFormat({ ...CSV, columns: { name: "string", height: "number" } });
    const error = await readAll(new RecordSource<unknown>(file, { format, step: "ReadCsv" }), 2 ** 40).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).to.match(/has no column 'height' \(its columns: name, age\)/);
  });

  it("JSON Lines: gzip, blank lines skipped, a schema's output and issues", async () => {
    const file = path.join(dir, "events.jsonl.gz");
    fs.writeFileSync(file, zlib.gzipSync('{"n":1}\n\n  \n{"n":"two"}\n{oops\n{"n":3}'));
    const schema: StandardSchemaV1<unknown, number> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (v) => (typeof (v as { n?: unknown }).n === "number" ? { value: (v as { n: number }).n * 10 } : { issues: [{ message: "n must be a number", path: ["n"] }] }),
      },
    };
    const { outcomes } = await readAll(new RecordSource<number>(file, { format: jsonlFormat, schema, step: "ReadJsonl" }), 2 ** 40);
    expect(outcomes.map((o) => (o.ok ? o.value : `${o.bad.line}: ${o.bad.error}`))).to.deep.equal([
      10,
      "4: schema: n: n must be a number",
      `5: not JSON: ${errorOf("{oops")}`,
      30,
    ]);
  });

  it("refuses a schema that validates asynchronously", async () => {
    const file = path.join(dir, "one.jsonl");
    fs.writeFileSync(file, "1\n");
    const schema: StandardSchemaV1 = { "~standard": { version: 1, vendor: "test", validate: async (v) => ({ value: v }) } };
    const error = await readAll(new RecordSource<unknown>(file, { format: jsonlFormat, schema, step: "ReadJsonl" }), 2 ** 40).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).to.match(/ReadJsonl: the schema's validate returned a Promise/);
  });
});

describe("record IO: RecordFramer", () => {
  it("joins lines while a quote is open; doubled quotes change nothing", () => {
    const framer = new RecordFramer('"');
    const records = framer.push(['a,"b', 'c""d"', "e", '"f""'], [0, 5, 12, 14]);
    expect(records.map((r) => [r.text, r.offset, r.lineIndex])).to.deep.equal([
      ['a,"b\nc""d"', 0, 0],
      ["e", 12, 2],
    ]);
    expect(framer.end().map((r) => r.text)).to.deep.equal(['"f""']);
  });

  it("gives up on a record that grows past the limit with a quote open, and frames on from the next line", () => {
    const framer = new RecordFramer('"', 10);
    const records = framer.push(['x,"aaaa', "bbbbbbbb", "ok"], [0, 8, 17]);
    expect(records.map((r) => [r.text, r.overflow ?? false])).to.deep.equal([
      ['x,"aaaa\nbbbbbbbb', true],
      ["ok", false],
    ]);
  });
});

function errorOf(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (e) {
    return (e as Error).message;
  }
}
