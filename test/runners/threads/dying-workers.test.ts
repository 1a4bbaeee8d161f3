import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { PipelineError } from "../../../sdk/index.js";
import { alwaysDie, dieAfterWriting, dieOnce } from "./fixtures/dying-workers.js";

describe("threads runner: workers that die", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-dying-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("re-runs the bundle of a worker that died, on a new worker", async () => {
    const result = await dieOnce.run({ runner: "threads", parallelism: 2, dir, quiet: true });
    expect(fs.existsSync(path.join(dir, "died")), "a worker died").to.equal(true);
    expect(result.elementCounts.get("DieOnce.main")).to.equal(3);
  });

  it("fails clearly after --maxAttempts, leaving no output", async () => {
    const error = await alwaysDie.run({ runner: "threads", parallelism: 2, maxAttempts: 2, dir, quiet: true }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PipelineError);
    expect((error as Error).message).to.match(/task of step '.*' failed after 2 attempt\(s\): worker thread \d stopped/);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it("a failed job leaves no output, no temporary directory (also of threads that died) and no run directory", async () => {
    const tempDir = path.join(dir, "tmp");
    const error = await dieAfterWriting.run({ runner: "threads", parallelism: 1, maxAttempts: 2, dir, tempDir, quiet: true }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PipelineError);
    const out = path.join(dir, "out");
    expect(fs.existsSync(out) ? fs.readdirSync(out) : [], "output directory").to.deep.equal([]);
    expect(fs.readdirSync(tempDir), "run directories").to.deep.equal([]);
  });
});
