import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { PipelineError } from "../../../sdk/index.js";
import { alwaysFail, failOncePerElement } from "./fixtures/flaky.js";

describe("process runner: retries and clean-up", () => {
  let dir: string;
  let tempDir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-retries-"));
    tempDir = path.join(dir, "tmp");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a DoFn that fails once per element succeeds with retries, and the temp directory ends empty", async () => {
    const output = path.join(dir, "out", "upper");
    // The three elements may share one bundle: each attempt gets one element further.
    await failOncePerElement.run({ runner: "process", dir, output, tempDir, maxAttempts: 4, parallelism: 2, quiet: true });
    expect(fs.readFileSync(`${output}-00000-of-00001.txt`, "utf8")).to.equal("A\nB\nC\n");
    expect(fs.readdirSync(tempDir)).to.deep.equal([]);
  });

  it("a DoFn that always fails ends the job clearly, with no output files and an empty temp directory", async () => {
    const output = path.join(dir, "out", "never");
    const error = await alwaysFail
      .run({ runner: "process", dir, output, tempDir, maxAttempts: 3, parallelism: 2, quiet: true })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PipelineError);
    const text = (error as PipelineError).describe();
    expect(text).to.match(/^step 'AlwaysFail' failed: cannot handle [abc] \(after 3 attempts\)/);
    expect(text).to.match(/element: '[abc]'/);
    expect(text).to.match(/flaky\.ts:\d+:\d+/); // the user's frame
    expect(fs.existsSync(path.join(dir, "out"))).to.equal(false);
    expect(fs.readdirSync(tempDir)).to.deep.equal([]);
  });
});
