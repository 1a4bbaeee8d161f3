import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";

const CHILD = fileURLToPath(new URL("./fixtures/memory-child.ts", import.meta.url));
const MiB = 2 ** 20;

/**
 * The budget holds: 2M records (about 73 MiB encoded, 9 times the budget) grouped with an 8 MiB budget in a fresh
 * process. Measured on Node 20 (2 cores, busy machine): the resident set grows by 42–46 MiB over the process's
 * size before the first record (8 MiB of budget, the rest V8's young generation and heap growth, which barely
 * depend on the data: 4M records grow it by 49–53 MiB, 0.5M by 24–28 MiB); the same store with no budget to speak
 * of grows it by about 110 MiB. Asserted: under the budget plus 56 MiB. Takes 2–4 s.
 *
 * A hot key: the same 2M records under one key, read through `groups({ spoolBytes })`. Measured: growth 52 MiB
 * when its values are spooled and read through the values array (64 MiB with the rest of the suite running
 * beside it), 202 MiB when the group is held whole. Asserted: under the budget plus 88 MiB.
 */
describe("ExternalGrouper memory", function () {
  this.timeout(60_000);

  it("groups 2M records with an 8 MiB budget, the resident set growing by less than the budget plus 56 MiB", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-spill-memory-"));
    try {
      const budget = 8 * MiB;
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", CHILD, dir, "2000000", "200000", String(budget)]);
      const result = JSON.parse(stdout) as { ok: boolean; growthBytes: number; stats: { spills: number; spilledBytes: number } };
      expect(result.ok, "every record grouped once").to.equal(true);
      expect(result.stats.spills).to.be.at.least(4);
      expect(result.stats.spilledBytes).to.be.greaterThan(8 * budget);
      expect(result.growthBytes / MiB).to.be.lessThan((budget + 56 * MiB) / MiB);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("groups one key of 2M values with an 8 MiB budget by spooling them, the resident set growing by less than the budget plus 88 MiB", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-spill-memory-"));
    try {
      const budget = 8 * MiB;
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", CHILD, dir, "2000000", "1", String(budget), String(MiB)]);
      const result = JSON.parse(stdout) as { ok: boolean; spooled: number; growthBytes: number };
      expect(result.ok, "every record grouped once").to.equal(true);
      expect(result.spooled).to.equal(1);
      expect(result.growthBytes / MiB).to.be.lessThan((budget + 88 * MiB) / MiB);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
