import { expect } from "chai";
import { Pipeline, type PCollection } from "../../../../sdk/index.js";
import { z } from "zod";
import { readCsv, readJsonl, readParquet, type StandardSchemaV1 } from "../../../../transforms/index.js";

/** Compile-time checks: each line fails `tsc` if readCsv's or readJsonl's element type is inferred wrongly. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
const check = <T extends true>(): T => true as T;
type Elem<P> = P extends { expand(b: never): PCollection<infer T> } ? T : never;

describe("CSV IO: element types", () => {
  it("infers the element type from header, columns and schema", () => {
    const schema: StandardSchemaV1<unknown, { id: number }> = { "~standard": { version: 1, vendor: "test", validate: () => ({ value: { id: 1 } }) } };
    check<Equal<Elem<ReturnType<typeof readCsv<{}>>>, string[]>>();
    const byName = readCsv("x.csv", { header: true });
    check<Equal<Elem<typeof byName>, Record<string, string>>>();
    const typed = readCsv("x.csv", { header: true, columns: { name: "string", age: "integer?", ok: "boolean" } });
    check<Equal<Elem<typeof typed>, { name: string; age: number | null; ok: boolean }>>();
    const mapped = readCsv("x.csv", { header: ["a", "b"], columns: (row) => row.a!.length });
    check<Equal<Elem<typeof mapped>, number>>();
    const validated = readCsv("x.csv", { header: true, schema });
    check<Equal<Elem<typeof validated>, { id: number }>>();
    const json = readJsonl("x.jsonl", { schema });
    check<Equal<Elem<typeof json>, { id: number }>>();
    const loose = readJsonl<{ n: number }>("x.jsonl");
    check<Equal<Elem<typeof loose>, { n: number }>>();
    const zodRows = readCsv("x.csv", { header: true, schema: z.object({ name: z.string(), age: z.coerce.number() }) });
    check<Equal<Elem<typeof zodRows>, { name: string; age: number }>>();
    const parquet = readParquet("x.parquet", { schema: z.object({ id: z.bigint() }) });
    check<Equal<Elem<typeof parquet>, { id: bigint }>>();
    expect(new Pipeline()).to.be.an("object");
  });
});
