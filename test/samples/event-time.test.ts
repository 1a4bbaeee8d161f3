/**
 * The event-time guide's worked example (samples/event-time.ts): the output printed in docs/event-time.md is
 * exactly what the sample prints, and the guide's pane assertions, which are copied from this file, pass.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { IntervalWindow, Pipeline, kv } from "../../sdk/index.js";
import { assertThat } from "../../sdk/testing/index.js";
import { scoreStream, teamScores } from "../../samples/event-time.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const GUIDE = path.join(ROOT, "docs", "event-time.md");
const run = promisify(execFile);

/** Each `<!-- output of: npx tsx samples/... -->` in the guide, with the code block that follows it. */
function outputBlocks(markdown: string): { command: string; output: string }[] {
  const re = /<!-- output of: (npx tsx [^>]+?) -->\s*```[a-z]*\n([\s\S]*?)```/g;
  return [...markdown.matchAll(re)].map((m) => ({ command: m[1]!, output: m[2]! }));
}

/** The code block after `<!-- checked in test/samples/event-time.test.ts -->`, line by line without indentation. */
function checkedSnippets(markdown: string): string[][] {
  const re = /<!-- checked in test\/samples\/event-time\.test\.ts -->\s*```ts\n([\s\S]*?)```/g;
  return [...markdown.matchAll(re)].map((m) => m[1]!.split("\n").map((l) => l.trim()).filter(Boolean));
}

describe("samples/event-time.ts, the event-time guide's worked example", function () {
  this.timeout(20_000);
  const guide = fs.readFileSync(GUIDE, "utf8");

  it("prints exactly the output the guide shows, for each command the guide shows", async () => {
    const blocks = outputBlocks(guide);
    expect(blocks.map((b) => b.command)).to.deep.equal([
      "npx tsx samples/event-time.ts",
      "npx tsx samples/event-time.ts --accumulation DISCARDING",
    ]);
    for (const { command, output } of blocks) {
      const [, , script, ...args] = command.split(" ");
      const { stdout } = await run(process.execPath, ["--import", "tsx/esm", script!, ...args], { cwd: ROOT });
      expect(stdout, command).to.equal(output);
    }
  });

  it("passes the guide's pane assertions (the guide's snippet is copied from here)", async () => {
    const source = fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
    const snippets = checkedSnippets(guide);
    expect(snippets).to.have.length(1);
    const snippet = snippets[0]!;
    const start = source.indexOf(snippet[0]!);
    expect(start, "the snippet's first line is in this file").to.be.greaterThan(-1);
    expect(source.slice(start, start + snippet.length)).to.deep.equal(snippet);

    // ---- the snippet ----
    const at12 = (minutes: number) => Date.UTC(2026, 0, 1, 12, minutes);
    const p = new Pipeline();
    const sums = p.apply(scoreStream()).apply(teamScores("ACCUMULATING"));
    const first = new IntervalWindow(at12(0), at12(10));
    const second = new IntervalWindow(at12(10), at12(20));
    assertThat(sums).inEarlyPane(first).containsInAnyOrder(kv("red", 8));
    assertThat(sums).inOnTimePane(first).containsInAnyOrder(kv("red", 12));
    assertThat(sums).inLatePane(first).containsInAnyOrder(kv("red", 14));
    assertThat(sums).inFinalPane(first).empty(); // no pane of [12:00, 12:10) was its last
    assertThat(sums).inCombinedNonLatePanes(second).containsInAnyOrder(kv("red", 6), kv("red", 6));
    assertThat(sums).inFinalPane(second).containsInAnyOrder(kv("red", 6));
    await p.run();
    // ---- end of the snippet ----
  });
});
