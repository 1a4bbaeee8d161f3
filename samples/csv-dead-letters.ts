/**
 * CSV with dead letters: paid totals per customer from an orders file, keeping the rows that do not parse
 * instead of failing the run or losing them.
 *
 *   npx tsx samples/csv-dead-letters.ts
 *   npx sluice run samples/csv-dead-letters.ts --runner=process --input 'orders/*.csv.gz' --output out/orders
 *
 * Writes `<output>-totals-00000-of-00001.csv` (customer,total) and `<output>-bad-00000-of-00001.jsonl`: one JSON
 * object per bad row, with its file, line, raw text and error. The counts of good and bad rows are metrics.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { definePipeline, kv, queryMetrics } from "../sdk/index.js";
import { deadLetter, readCsv, sumPerKey, writeCsv, type BadRecord } from "../transforms/index.js";

const BUNDLED_ORDERS = path.join(path.dirname(fileURLToPath(import.meta.url)), "data", "orders.csv");

/** The orders' columns and types: a row that does not fit them is a bad record. */
const ORDER_COLUMNS = { order: "string", customer: "string", amount: "number", paid: "boolean" } as const;

export default definePipeline(import.meta, {
  description: "Paid totals per customer from CSV orders; bad rows go to a dead-letter file.",
  options: {
    input: { type: "string", default: BUNDLED_ORDERS, describe: "Orders CSV files (a path or glob; .gz is decompressed)" },
    output: { type: "string", default: "out/csv-dead-letters/orders", describe: "Output prefix" },
  },
  build(p, { input, output }) {
    const orders = p.apply("ReadOrders", readCsv(input, { header: true, columns: ORDER_COLUMNS, onError: deadLetter(`${output}-bad`) }));
    orders
      .filter((o) => o.paid, "Paid")
      // Cents, so that the sum is exact whatever order the runner adds in.
      .map((o) => kv(o.customer, Math.round(o.amount * 100)), "ByCustomer")
      .apply("Total", sumPerKey())
      .map(({ key, value }) => ({ customer: key, total: (value / 100).toFixed(2) }), "Format")
      .apply("WriteTotals", writeCsv(`${output}-totals`, { columns: ["customer", "total"] }));
  },
  afterRun(result, { output, quiet }) {
    if (quiet) return;
    const count = (name: string): number => queryMetrics(result.metrics.counters, { step: "ReadOrders/Route", name })[0]?.value ?? 0;
    process.stdout.write(`${count("goodRecords")} good rows, ${count("badRecords")} bad rows\n`);
    process.stdout.write(fs.readFileSync(`${output}-totals-00000-of-00001.csv`, "utf8"));
    for (const line of fs.readFileSync(`${output}-bad-00000-of-00001.jsonl`, "utf8").split("\n").filter(Boolean)) {
      const bad = JSON.parse(line) as BadRecord;
      process.stdout.write(`bad: ${path.basename(bad.file)} line ${bad.line}: ${bad.error}\n`);
    }
  },
});
