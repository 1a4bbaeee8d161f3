import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import wordcount from "../../../samples/wordcount.js";
import { writeCorpus } from "../../../bench/corpus.js";
import { seededRandom } from "../../../runners/direct/seeded-random.js";
import { killLater } from "./kill-later.js";


describe("process runner: workers killed with SIGKILL", function () {
  this.timeout(180_000);
  let dir: string;
  let expected: string;
  const runOptions = () => ({ runner: "process", parallelism: 2, maxAttempts: 4, quiet: true, tempDir: path.join(dir, "tmp") });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-kill-"));
    // A multi-file input: six files, so several read tasks run at once.
    for (let i = 0; i < 6; i++) writeCorpus(path.join(dir, `part-${i}.txt`), 60_000, i + 1);
    await wordcount.run({ input: path.join(dir, "part-*.txt"), output: path.join(dir, "clean", "counts"), runner: "direct", quiet: true });
    expected = fs.readFileSync(path.join(dir, "clean", "counts-00000-of-00001.txt"), "utf8");
    // Warm the pool so that workers exist to be killed from the first trial on.
    await wordcount.run({ ...runOptions(), input: path.join(dir, "part-0.txt"), output: path.join(dir, "warm", "counts") });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives output identical to a clean run in 20 seeded trials", async () => {
    const random = seededRandom(5);
    let killed = 0;
    let retried = 0;
    for (let trial = 0; trial < 20; trial++) {
      const output = path.join(dir, `trial-${trial}`, "counts");
      const run = wordcount.run({ ...runOptions(), input: path.join(dir, "part-*.txt"), output });
      const kill = killLater(5 + Math.floor(random() * 300), random);
      const result = await run;
      if (await kill) killed++;
      if (result.stats!.retries > 0) retried++;
      expect(fs.readFileSync(`${output}-00000-of-00001.txt`, "utf8"), `trial ${trial}`).to.equal(expected);
      expect(fs.readdirSync(path.join(dir, "tmp")), `trial ${trial}: temp directory`).to.deep.equal([]);
    }
    // Most kills must land during a run and cost a bundle, or the test proves nothing.
    expect(killed, "workers killed").to.be.greaterThanOrEqual(10);
    expect(retried, "runs that re-ran a killed worker's bundle").to.be.greaterThanOrEqual(8);
  });
});
