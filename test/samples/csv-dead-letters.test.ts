/**
 * samples/csv-dead-letters.ts: the printed output of a run on the bundled orders, and the dead-letter file.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const run = promisify(execFile);

describe("samples/csv-dead-letters.ts, CSV with bad rows kept as dead letters", function () {
  this.timeout(20_000);
  let out: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-sample-csv-"));
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  it("totals the paid orders and names every bad row", async () => {
    const prefix = path.join(out, "orders");
    const { stdout } = await run(process.execPath, ["--import", "tsx/esm", "samples/csv-dead-letters.ts", "--output", prefix], { cwd: ROOT });
    expect(stdout.split("\n")).to.deep.equal([
      "6 good rows, 3 bad rows",
      "customer,total",
      '"Acme, Inc.",130.50',
      '"Umbrella ""Corp""",250.00',
      "Globex,42.25",
      `bad: orders.csv line 5: column 'amount': not a number: "twelve"`,
      "bad: orders.csv line 8: expected 4 fields, got 3",
      `bad: orders.csv line 9: column 'paid': not a boolean (true or false): "yes"`,
      "",
    ]);
    const first = JSON.parse(fs.readFileSync(`${prefix}-bad-00000-of-00001.jsonl`, "utf8").split("\n")[0]!) as Record<string, unknown>;
    expect(first).to.include({ line: 5, raw: "o-1004,Initech,twelve,true" });
  });
});
