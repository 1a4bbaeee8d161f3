import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import bigGroup from "./fixtures/big-group.js";
import hotKey from "./fixtures/hot-key.js";
import { closeIdlePools } from "../../../runners/process/process-runner.js";

const MiB = 2 ** 20;

describe("process runner: GroupByKey larger than the memory budget", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-spill-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("spills sorted runs, matches the direct runner, and keeps every worker within budget + overhead", async () => {
    const tempDir = path.join(dir, "tmp");
    // 2M records of ~220 bytes: about 26 times the budget below. Grouping them in memory would not fit in the
    // workers' capped heaps (checked by hand: the workers run out of memory), so the run succeeds only by spilling.
    const data = { records: 2_000_000, payload: 200 };
    await bigGroup.run({ ...data, runner: "direct", output: path.join(dir, "direct", "groups"), quiet: true, enforceImmutability: false });

    // Fresh workers: a worker's peak RSS is for its lifetime. First their footprint with almost nothing to do.
    await closeIdlePools();
    const idle = await bigGroup.run({ runner: "process", records: 1000, output: path.join(dir, "idle", "g"), tempDir, quiet: true });
    const baseline = idle.stats!.workerMaxRssBytes;

    const memoryMb = 16;
    const result = await bigGroup.run({ ...data, runner: "process", memoryMb, output: path.join(dir, "process", "groups"), tempDir, quiet: true });
    const stats = result.stats!;
    expect(stats.spillRuns, "sorted runs spilled").to.be.greaterThanOrEqual(4);
    for (let shard = 0; shard < 8; shard++) {
      const name = `groups-0000${shard}-of-00008.txt`;
      const same = fs.readFileSync(path.join(dir, "process", name)).equals(fs.readFileSync(path.join(dir, "direct", name)));
      expect(same, `${name} same as on the direct runner`).to.equal(true);
    }
    // The budget covers grouping state; the fixed overhead covers the worker's code, a decoded blob, the group
    // being emitted and the bundle of outputs. (Each worker's heap is also capped at budget + 128 MiB.)
    const overheadMb = 128;
    expect(stats.workerMaxRssBytes / MiB, `peak worker RSS (idle worker: ${(baseline / MiB).toFixed(0)} MiB)`).to.be.lessThan(baseline / MiB + memoryMb + overheadMb);
    expect(fs.readdirSync(tempDir), "temp directory after the run").to.deep.equal([]);
    await closeIdlePools();
  });

  it("streams a hot key's 2M values from disk instead of holding them, matching the direct runner", async () => {
    const tempDir = path.join(dir, "tmp-hot");
    // Held whole, the hot group would not fit in a worker's heap at this budget (capped at 64 + 128 MiB; checked
    // by hand: the group task runs out of memory three times): the run succeeds only by spooling its values.
    const data = { records: 2_000_000 };
    await hotKey.run({ ...data, runner: "direct", output: path.join(dir, "hot-direct", "g"), quiet: true, enforceImmutability: false });
    await closeIdlePools();
    const memoryMb = 64;
    const result = await hotKey.run({ ...data, runner: "process", memoryMb, output: path.join(dir, "hot-process", "g"), tempDir, quiet: true });
    const name = "g-00000-of-00001.txt";
    const output = fs.readFileSync(path.join(dir, "hot-process", name), "utf8");
    expect(output).to.equal(fs.readFileSync(path.join(dir, "hot-direct", name), "utf8"));
    expect(output).to.contain("hot 1998000 1998000 1998000000000 16 16\n");
    expect(result.stats!.workerMaxRssBytes / MiB, "peak worker RSS").to.be.lessThan(memoryMb + 192);
    expect(fs.readdirSync(tempDir), "temp directory after the run").to.deep.equal([]);
    await closeIdlePools();
  });
});
