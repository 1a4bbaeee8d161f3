import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { PipelineError } from "../../../sdk/index.js";
import { alwaysFail, failAfterPanePublished, failOnceInTimer, failOncePerElement } from "./fixtures/flaky.js";

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

  it("a stateful DoFn whose timer fails once per key and window counts exactly with retries (key groups rebuilt)", async () => {
    await failOnceInTimer.run({ runner: "process", dir, tempDir, maxAttempts: 6, parallelism: 2, quiet: true });
    expect(fs.readdirSync(dir).filter((n) => n.startsWith("timer-")).sort()).to.deep.equal(["timer-a-0:10", "timer-a-10:20", "timer-b-0:10", "timer-b-10:20"]);
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

  it("a streaming pane retried after it was published is published once: the same complete sets, nothing temporary left", async () => {
    const reference = path.join(dir, "reference");
    fs.mkdirSync(reference);
    const out = path.join(dir, "out", "panes");
    // The expected sets, from the direct runner (no retries), rerun until every path has its marker.
    for (let i = 0; ; i++) {
      const ok = await failAfterPanePublished.run({ runner: "direct", dir: reference, output: path.join(reference, "out", "panes"), quiet: true }).then(
        () => true,
        () => false,
      );
      if (ok) break;
      expect(i, "reference runs").to.be.lessThan(20);
    }
    const expected = fs.readdirSync(path.join(reference, "out")).sort();
    expect(expected.filter((n) => n.startsWith(".sluice-temp-"))).to.deep.equal([]);
    expect(expected).to.have.length.greaterThan(2);
    const read = (d: string) => expected.map((n) => fs.readFileSync(path.join(d, n), "utf8"));

    await failAfterPanePublished.run({ runner: "process", dir, output: out, tempDir, maxAttempts: 20, parallelism: 2, quiet: true });
    const markers = fs.readdirSync(dir).filter((n) => n.startsWith("published-"));
    expect(markers.length, "every pane's bundle failed once after publishing").to.be.greaterThanOrEqual(expected.length / 2);
    expect(fs.readdirSync(path.dirname(out)).sort(), "the same files, and no temporary directory").to.deep.equal(expected);
    expect(read(path.dirname(out))).to.deep.equal(read(path.join(reference, "out")));
    expect(fs.readdirSync(tempDir)).to.deep.equal([]);
  });
});
