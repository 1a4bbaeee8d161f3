import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import manyShards from "./fixtures/many-shards.js";
import { seededRandom } from "../../../runners/direct/seeded-random.js";
import * as processRunner from "../../../runners/process/process-runner.js";
import { PipelineError } from "../../../sdk/index.js";

const SHARDS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The files of a directory and their contents, by name (temporary directories included, as names). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    out.set(name, fs.statSync(file).isDirectory() ? "<dir>" : fs.readFileSync(file, "utf8"));
  }
  return out;
}

function sameFiles(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, text]) => b.get(name) === text);
}

/** Resolves once some temporary directory next to `prefix` holds a commit journal (polling the directory). */
async function journalWritten(prefix: string, running: () => boolean): Promise<boolean> {
  const dir = path.dirname(prefix);
  while (running()) {
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (name.startsWith(".sluice-temp-") && fs.existsSync(path.join(dir, name, "commit.json"))) return true;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}

/** SIGKILLs every worker process of the process runner's last pool; how many it killed. */
function killEveryWorker(): number {
  let killed = 0;
  for (const pid of processRunner.lastPool?.pids() ?? []) {
    try {
      process.kill(pid, "SIGKILL");
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}

describe("process runner: writeText's commit when every worker is killed during Finalize", function () {
  this.timeout(180_000);
  let dir: string;
  let tempDir: string;
  let expectedNew: Map<string, string>;
  let old: Map<string, string>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-commit-"));
    tempDir = path.join(dir, "tmp");
    // The expected outputs, from the direct runner: this run's ("new") and an earlier run's ("old") files.
    await manyShards.run({ runner: "direct", output: path.join(dir, "new", "f"), quiet: true });
    await manyShards.run({ runner: "direct", output: path.join(dir, "old", "f"), tag: "old", quiet: true });
    expectedNew = snapshot(path.join(dir, "new"));
    old = snapshot(path.join(dir, "old"));
    expect(expectedNew.size).to.equal(SHARDS);
    // Warm the pool, so that workers exist from the first trial on.
    await manyShards.run({ runner: "process", output: path.join(dir, "warm", "f"), parallelism: 2, quiet: true, tempDir, shards: 2 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("ends with the complete new output, or the earlier one untouched, or none: never a mix or a partial set (6 seeded trials)", async () => {
    const random = seededRandom(8);
    const outcomes = { complete: 0, untouched: 0, none: 0 };
    let killsDuringCommit = 0;
    for (let trial = 0; trial < 6; trial++) {
      // Over an earlier run's complete set of the same prefix and shard count.
      const outDir = path.join(dir, `trial-${trial}`);
      fs.mkdirSync(outDir);
      for (const [name, text] of old) fs.writeFileSync(path.join(outDir, name), text);
      // Most trials may retry the killed Finalize; every third has no attempt left, so the job fails.
      const maxAttempts = trial % 3 === 2 ? 1 : 3;
      let running = true;
      const run = manyShards
        .run({ runner: "process", output: path.join(outDir, "f"), parallelism: 2, maxAttempts, quiet: true, tempDir })
        .finally(() => (running = false));
      run.catch(() => undefined);
      if (await journalWritten(path.join(outDir, "f"), () => running)) {
        await sleep(Math.floor(random() * 40)); // early in the deletes and renames (~100 ms for 500 files on a quiet machine)
        if (running && killEveryWorker() > 0) killsDuringCommit++;
      }
      const outcome = await run.then(
        () => "ok" as const,
        (e: unknown) => e,
      );
      const left = snapshot(outDir);
      const label = `trial ${trial} (maxAttempts ${maxAttempts}${outcome === "ok" ? "" : `, failed: ${(outcome as Error).message}`})`;
      if (outcome === "ok") {
        expect(left, `${label}: a successful run has the complete new output and nothing else`).to.deep.equal(expectedNew);
        outcomes.complete++;
      } else {
        expect(outcome, label).to.be.instanceOf(PipelineError);
        expect((outcome as PipelineError).message, label).to.match(/Finalize/);
        // Killed after its commit finished, before the runner heard of it: the new output is complete.
        if (sameFiles(left, expectedNew)) outcomes.complete++;
        else if (left.size === 0) outcomes.none++;
        else {
          expect(left, `${label}: a failed run leaves the complete new output, the earlier one untouched, or none`).to.deep.equal(old);
          outcomes.untouched++;
        }
      }
      expect(fs.readdirSync(tempDir), `${label}: run directories`).to.deep.equal([]);
    }
    expect(killsDuringCommit, `kills that landed during a commit (${JSON.stringify(outcomes)})`).to.be.greaterThanOrEqual(3);
    expect(outcomes.complete, JSON.stringify(outcomes)).to.be.greaterThanOrEqual(3);
    expect(outcomes.none + outcomes.untouched, `failed runs that rolled back (${JSON.stringify(outcomes)})`).to.be.greaterThanOrEqual(1);
  });
});
