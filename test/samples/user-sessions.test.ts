/**
 * The state-and-timers guide's worked example (samples/user-sessions.ts): the output printed in
 * docs/state-and-timers.md is exactly what the sample prints, and the guide's snippet is the sample's code. The
 * transform itself runs on every runner in the conformance suite (`userSessionsSample` in state-timers.cases.ts).
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const GUIDE = path.join(ROOT, "docs", "state-and-timers.md");
const SAMPLE = path.join(ROOT, "samples", "user-sessions.ts");
const run = promisify(execFile);

describe("samples/user-sessions.ts, the state-and-timers guide's worked example", function () {
  this.timeout(20_000);
  const guide = fs.readFileSync(GUIDE, "utf8");

  it("prints exactly the output the guide shows", async () => {
    const blocks = [...guide.matchAll(/<!-- output of: (npx tsx [^>]+?) -->\s*```[a-z]*\n([\s\S]*?)```/g)];
    expect(blocks.map((b) => b[1])).to.deep.equal(["npx tsx samples/user-sessions.ts"]);
    const { stdout } = await run(process.execPath, ["--import", "tsx/esm", "samples/user-sessions.ts"], { cwd: ROOT });
    expect(stdout).to.equal(blocks[0]![2]);
  });

  it("shows the sample's own DoFn in the guide", () => {
    const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);
    const snippet = /```ts\n(const sessions = statefulDoFn[\s\S]*?)```/.exec(guide);
    expect(snippet, "the guide's snippet").to.not.equal(null);
    const shown = lines(snippet![1]!);
    const source = lines(fs.readFileSync(SAMPLE, "utf8"));
    const start = source.indexOf(shown[0]!);
    expect(start, "the snippet's first line is in the sample").to.be.greaterThan(-1);
    expect(source.slice(start, start + shown.length)).to.deep.equal(shown);
  });
});
