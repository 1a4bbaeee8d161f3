/**
 * Record IO: readCsv / writeCsv and readJsonl / writeJsonl — quoting, headers, typed columns, schemas, bad
 * records (fail, skip, dead letters), gzip round trips, and a file big enough that the parallel runners split it.
 * Every case reads and writes under its `dir` option, which the test creates and removes.
 */
import path from "node:path";
import zlib from "node:zlib";
import { z } from "zod";
import { definePipeline } from "../../../sdk/index.js";
import {
  countGlobally,
  create,
  deadLetter,
  readCsv,
  readJsonl,
  readParquet,
  sumGlobally,
  writeCsv,
  writeJsonl,
  writeParquet,
  type StandardSchemaV1,
} from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";

const dirOption = { dir: { type: "string", demandOption: true, describe: "Directory for the case's files" } } as const;

/** Rows of the big file, and which of them are bad (every 997th: a field too many). */
export const BIG_ROWS = 100_000;
const isBigBad = (i: number): boolean => i % 997 === 500;

/** The input files (relative to `dir`), with their contents. */
export function inputFiles(): Record<string, string | Buffer> {
  const big = ["id,group,amount"];
  for (let i = 0; i < BIG_ROWS; i++) big.push(isBigBad(i) ? `${i},g${i % 7},${i % 100},extra` : `${i},"g${i % 7}, ""quoted""",${i % 100}`);
  return {
    "csv/people.csv": '\uFEFFname,city,quote\r\nann,"Oslo, NO","she said ""hi"""\r\n\r\nbob,Rome,\r\n',
    "csv/plain.csv": "1,2,3\n4,5,6\n",
    "csv/typed.csv": "name,age,score\nann,41,1.5\nbob,forty,2\ncarl,30\ndan,25,\n",
    "csv/multiline.csv": 'id,text\n1,"first line\nsecond line"\n2,single\n',
    "csv/big.csv": `${big.join("\n")}\n`,
    "jsonl/events.jsonl": '{"user":"ann","score":3}\n{"user":"bob","score":"high"}\nnot json\n\n{"user":"cy","score":5}\n',
    "jsonl/more.jsonl.gz": zlib.gzipSync('{"user":"dee","score":1}\n'),
  };
}

/** The dead letters the big file must give, as JSON lines sorted as writeText sorts them. */
export function bigDeadLetters(dir: string): string[] {
  const file = path.join(dir, "csv", "big.csv");
  const text = inputFiles()["csv/big.csv"] as string;
  const out: string[] = [];
  for (let i = 0; i < BIG_ROWS; i++) {
    if (!isBigBad(i)) continue;
    const raw = `${i},g${i % 7},${i % 100},extra`;
    out.push(JSON.stringify({ file, line: i + 2, offset: Buffer.byteLength(text.slice(0, text.indexOf(`\n${raw}\n`) + 1)), raw, error: "expected 3 fields, got 4" }));
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export const csvHeaderQuoted = definePipeline(import.meta, {
  name: "csvHeaderQuoted",
  options: dirOption,
  build(p, { dir }) {
    const rows = p.apply(readCsv(path.join(dir, "csv", "people.csv"), { header: true }));
    assertThat(rows).containsInAnyOrder({ name: "ann", city: "Oslo, NO", quote: 'she said "hi"' }, { name: "bob", city: "Rome", quote: "" });
  },
});

export const csvArraysAndNames = definePipeline(import.meta, {
  name: "csvArraysAndNames",
  options: dirOption,
  build(p, { dir }) {
    const file = path.join(dir, "csv", "plain.csv");
    assertThat(p.apply("Arrays", readCsv(file))).containsInAnyOrder(["1", "2", "3"], ["4", "5", "6"]);
    assertThat(p.apply("Named", readCsv(file, { header: ["a", "b", "c"] }))).containsInAnyOrder({ a: "1", b: "2", c: "3" }, { a: "4", b: "5", c: "6" });
    const sums = p.apply("Mapped", readCsv(file, { columns: (row) => Number(row[0]) + Number(row[2]) }));
    assertThat(sums).containsInAnyOrder(4, 10);
  },
});

const TYPED_COLUMNS = { name: "string", age: "integer", score: "number?" } as const;

export const csvTypedSkip = definePipeline(import.meta, {
  name: "csvTypedSkip",
  options: dirOption,
  build(p, { dir }) {
    const rows = p.apply("ReadTyped", readCsv(path.join(dir, "csv", "typed.csv"), { header: true, columns: TYPED_COLUMNS, onError: "skip" }));
    assertThat(rows).containsInAnyOrder({ name: "ann", age: 41, score: 1.5 }, { name: "dan", age: 25, score: null });
  },
});

export const csvTypedFail = definePipeline(import.meta, {
  name: "csvTypedFail",
  options: dirOption,
  build(p, { dir }) {
    p.apply("ReadTyped", readCsv(path.join(dir, "csv", "typed.csv"), { header: true, columns: TYPED_COLUMNS }));
  },
});

export const csvTypedDeadLetters = definePipeline(import.meta, {
  name: "csvTypedDeadLetters",
  options: dirOption,
  build(p, { dir }) {
    const rows = p.apply(
      "ReadTyped",
      readCsv(path.join(dir, "csv", "typed.csv"), { header: true, columns: TYPED_COLUMNS, onError: deadLetter(path.join(dir, "out", "bad-typed")) }),
    );
    assertThat(rows.map((r) => r.name)).containsInAnyOrder("ann", "dan");
  },
});

export const csvMultiline = definePipeline(import.meta, {
  name: "csvMultiline",
  options: dirOption,
  build(p, { dir }) {
    const rows = p.apply(readCsv(path.join(dir, "csv", "multiline.csv"), { header: true, multiline: true, columns: { id: "integer", text: "string" } }));
    assertThat(rows).containsInAnyOrder({ id: 1, text: "first line\nsecond line" }, { id: 2, text: "single" });
  },
});

/** A hand-made Standard Schema v1 (what zod or valibot would give): a user with a numeric score, upper-cased. */
const UserSchema: StandardSchemaV1<unknown, { user: string; score: number }> = {
  "~standard": {
    version: 1,
    vendor: "sluice-test",
    validate(value) {
      const v = value as { user?: unknown; score?: unknown };
      if (typeof v?.user !== "string") return { issues: [{ message: "expected a string", path: ["user"] }] };
      const score = typeof v.score === "string" && /^\d+$/.test(v.score) ? Number(v.score) : v.score;
      if (typeof score !== "number") return { issues: [{ message: "expected a number", path: [{ key: "score" }] }] };
      return { value: { user: v.user.toUpperCase(), score } };
    },
  },
};

export const jsonlSchemaDeadLetters = definePipeline(import.meta, {
  name: "jsonlSchemaDeadLetters",
  options: dirOption,
  build(p, { dir }) {
    const events = p.apply(
      "ReadEvents",
      readJsonl(path.join(dir, "jsonl", "*.jsonl*"), { schema: UserSchema, onError: deadLetter(path.join(dir, "out", "bad-events")) }),
    );
    // The element type comes from the schema: `score` is a number here.
    assertThat(events.map((e) => `${e.user}:${e.score + 1}`)).containsInAnyOrder("ANN:4", "CY:6", "DEE:2");
  },
});

export const csvSchema = definePipeline(import.meta, {
  name: "csvSchema",
  options: dirOption,
  build(p, { dir }) {
    const file = path.join(dir, "csv", "typed.csv");
    // header names → schema: score as digits only, so "1.5" and "" fail validation and "carl,30" has too few fields.
    const users = p.apply(readCsv(file, { header: true, columns: (r) => ({ user: r.name, score: r.age }), schema: UserSchema, onError: "skip" }));
    assertThat(users).containsInAnyOrder({ user: "ANN", score: 41 }, { user: "DAN", score: 25 });
  },
});

const asyncSchema: StandardSchemaV1 = { "~standard": { version: 1, vendor: "sluice-test", validate: (value) => Promise.resolve({ value }) } };

export const csvAsyncSchema = definePipeline(import.meta, {
  name: "csvAsyncSchema",
  options: dirOption,
  build(p, { dir }) {
    p.apply("ReadAsync", readCsv(path.join(dir, "csv", "plain.csv"), { schema: asyncSchema, onError: "skip" }));
  },
});

/** Rows with every character that needs quoting, written gzip-compressed and read back. */
export const TRICKY_ROWS = [
  { id: 1, text: "comma, inside", ok: true },
  { id: 2, text: 'quote " inside', ok: false },
  { id: 3, text: "line\nbreak", ok: true },
  { id: 4, text: "", ok: false },
];

export const csvWriteGzip = definePipeline(import.meta, {
  name: "csvWriteGzip",
  options: dirOption,
  build(p, { dir }) {
    p.apply(create(TRICKY_ROWS)).apply(writeCsv(path.join(dir, "out", "tricky"), { columns: ["id", "text", "ok"], suffix: ".csv.gz", shards: 2 }));
  },
});

export const csvReadBackGzip = definePipeline(import.meta, {
  name: "csvReadBackGzip",
  options: dirOption,
  build(p, { dir }) {
    const rows = p.apply(readCsv(path.join(dir, "out", "tricky-*.csv.gz"), { header: true, multiline: true, columns: { id: "integer", text: "string", ok: "boolean" } }));
    assertThat(rows).containsInAnyOrder(...TRICKY_ROWS);
  },
});

export const jsonlRoundTrip = definePipeline(import.meta, {
  name: "jsonlRoundTrip",
  options: { ...dirOption, write: { type: "boolean", default: true } },
  build(p, { dir, write }) {
    const prefix = path.join(dir, "out", "events");
    const values = [{ a: 1 }, [1, "two", null], "text with \n newline", 3.5, { nested: { deep: true } }];
    if (write) p.apply(create<unknown>(values)).apply(writeJsonl(prefix, { suffix: ".jsonl.gz", shards: 3 }));
    else assertThat(p.apply(readJsonl(`${prefix}-*.jsonl.gz`))).containsInAnyOrder(...values);
  },
});

export const csvBigSplit = definePipeline(import.meta, {
  name: "csvBigSplit",
  options: dirOption,
  build(p, { dir }) {
    const rows = p.apply(
      "ReadBig",
      readCsv(path.join(dir, "csv", "big.csv"), {
        header: true,
        columns: { id: "integer", group: "string", amount: "integer" },
        onError: deadLetter(path.join(dir, "out", "bad-big")),
      }),
    );
    let good = 0;
    let sum = 0;
    for (let i = 0; i < BIG_ROWS; i++) {
      if (isBigBad(i)) continue;
      good++;
      sum += i % 100;
    }
    assertThat(rows.apply(countGlobally())).containsInAnyOrder(good);
    assertThat(rows.map((r) => r.amount, "Amounts").apply(sumGlobally())).containsInAnyOrder(sum);
    assertThat(rows.filter((r) => r.id === 12345, "Pick").map((r) => r.group, "Group")).containsInAnyOrder('g4, "quoted"');
  },
});

// ---- Parquet ----

/** Rows for the Parquet round trip: every column type, nulls, more rows than a row group. */
export const PARQUET_ROWS = Array.from({ length: 20 }, (_, i) => ({
  id: BigInt(i) * 10_000_000_000n,
  name: `user ${i}`,
  score: i % 4 === 0 ? null : i / 2,
  active: i % 3 === 0,
  at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
  tags: { even: i % 2 === 0 },
}));

export const parquetWrite = definePipeline(import.meta, {
  name: "parquetWrite",
  options: dirOption,
  build(p, { dir }) {
    const paths = p.apply(create(PARQUET_ROWS)).apply(
      writeParquet(path.join(dir, "out", "rows"), {
        shards: 2,
        rowGroupSize: 3,
        columns: [
          { name: "id", type: "INT64" },
          { name: "name", type: "STRING" },
          { name: "score", type: "DOUBLE", nullable: true },
          { name: "active", type: "BOOLEAN" },
          { name: "at", type: "TIMESTAMP" },
          { name: "tags", type: "JSON" },
        ],
      }),
    );
    assertThat(paths).containsInAnyOrder(path.join(dir, "out", "rows-00000-of-00002.parquet"), path.join(dir, "out", "rows-00001-of-00002.parquet"));
  },
});

/** Accepts active rows only, keeping `name` and `score`: a schema over Parquet rows. */
const ActiveSchema: StandardSchemaV1<unknown, { name: string; score: number | null }> = {
  "~standard": {
    version: 1,
    vendor: "sluice-test",
    validate(value) {
      const v = value as { name: string; score: number | null; active: boolean };
      return v.active ? { value: { name: v.name, score: v.score } } : { issues: [{ message: "inactive", path: ["active"] }] };
    },
  },
};

export const parquetReadBack = definePipeline(import.meta, {
  name: "parquetReadBack",
  options: dirOption,
  build(p, { dir }) {
    const pattern = path.join(dir, "out", "rows-*.parquet");
    assertThat(p.apply("ReadAll", readParquet(pattern))).containsInAnyOrder(...PARQUET_ROWS);
    const active = p.apply("ReadActive", readParquet(pattern, { columns: ["name", "score", "active"], schema: ActiveSchema, onError: "skip" }));
    assertThat(active).containsInAnyOrder(...PARQUET_ROWS.filter((r) => r.active).map((r) => ({ name: r.name, score: r.score })));
  },
});

export const parquetSchemaFail = definePipeline(import.meta, {
  name: "parquetSchemaFail",
  options: dirOption,
  build(p, { dir }) {
    p.apply("ReadActive", readParquet(path.join(dir, "out", "rows-*.parquet"), { schema: ActiveSchema }));
  },
});

// ---- writers' errors ----

export const writeCsvObjectsWithoutColumns = definePipeline(import.meta, {
  name: "writeCsvObjectsWithoutColumns",
  options: dirOption,
  build(p, { dir }) {
    p.apply(create([{ a: 1 }])).apply("WriteRows", writeCsv(path.join(dir, "out", "rows")));
  },
});

export const writeJsonlUndefined = definePipeline(import.meta, {
  name: "writeJsonlUndefined",
  options: dirOption,
  build(p, { dir }) {
    p.apply(create<unknown>([1, undefined])).apply("WriteValues", writeJsonl(path.join(dir, "out", "values")));
  },
});

export const writeParquetWrongType = definePipeline(import.meta, {
  name: "writeParquetWrongType",
  options: dirOption,
  build(p, { dir }) {
    p.apply(create([{ n: 1 }, { n: "two" }])).apply("WriteRows", writeParquet(path.join(dir, "out", "rows"), { columns: [{ name: "n", type: "INT32" }] }));
  },
});

// ---- a real Standard Schema library ----

/** zod 4 implements Standard Schema v1: the element type and the validation come from it. */
const ZodPerson = z.object({ name: z.string().min(1), age: z.coerce.number().int().nonnegative() });

export const csvZodSchema = definePipeline(import.meta, {
  name: "csvZodSchema",
  options: dirOption,
  build(p, { dir }) {
    const people = p.apply(
      "ReadPeople",
      readCsv(path.join(dir, "csv", "typed.csv"), { header: true, columns: (r) => ({ name: r.name, age: r.age }), schema: ZodPerson, onError: deadLetter(path.join(dir, "out", "bad-zod")) }),
    );
    // `age` is a number: the type is zod's output type.
    assertThat(people.map((x) => `${x.name} ${x.age + 1}`)).containsInAnyOrder("ann 42", "dan 26");
  },
});
