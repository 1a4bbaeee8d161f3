import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ORDER_SEED, STREAMING_UNSUPPORTED, conformanceCases, matrixRunners } from "./matrix.js";
import { PipelineError, type PipelineDefinition } from "../../sdk/index.js";
import * as cases from "./cases/text-io.cases.js";

/** A fresh directory holding the read cases' input files. */
function makeDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-text-io-"));
  for (const [name, content] of Object.entries(cases.inputFiles())) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

async function run(definition: PipelineDefinition, runner: string, options: Record<string, unknown>): Promise<void> {
  await definition.run({ runner, orderSeed: ORDER_SEED, quiet: true, ...options });
}

async function runFailing(definition: PipelineDefinition, runner: string, options: Record<string, unknown>): Promise<string> {
  const error = await run(definition, runner, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the run should have failed").to.be.instanceOf(Error);
  return error instanceof PipelineError ? error.describe() : String((error as Error).message);
}

/** Every file under `dir`, relative, dot files included. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: false }) as string[]).sort();
}

describe("Text IO", () => {
  const dir = makeDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  conformanceCases(
    { readTextGlob: cases.readTextGlob, readTextSeveralPatterns: cases.readTextSeveralPatterns, readTextNoMatch: cases.readTextNoMatch, readTextMissingFile: cases.readTextMissingFile },
    {
      readTextGlob: { options: { dir } },
      readTextSeveralPatterns: { options: { dir } },
      readTextNoMatch: { options: { dir }, expectError: /^(?=[\s\S]*ReadNothing)(?=[\s\S]*no files match '.*nothing\/\*\.txt')/ },
      readTextMissingFile: { options: { dir }, expectError: /^(?=[\s\S]*ReadMissing)(?=[\s\S]*no such file '.*missing\.txt')/ },
    },
  );

  for (const runner of matrixRunners()) {
    describe(`writeText [${runner}]`, () => {
      let out: string;
      beforeEach(() => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-text-out-"));
      });
      afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

      it("round trip: what writeText writes, readText reads back", async () => {
        await run(cases.writeTextShards, runner, { dir: out });
        await run(cases.readBackWords, runner, { dir: out });
      });

      it("writes shards named -0000i-of-0000n with sorted lines, every line once, and no temporary files", async () => {
        await run(cases.writeTextShards, runner, { dir: out, shards: 4 });
        const names = listFiles(out);
        expect(names).to.deep.equal(["out", ...[0, 1, 2, 3].map((i) => path.join("out", `words-0000${i}-of-00004.txt`))]);
        const all: string[] = [];
        for (const name of names.slice(1)) {
          const lines = fs.readFileSync(path.join(out, name), "utf8").split("\n");
          expect(lines.pop(), "each line ends with \\n").to.equal("");
          expect(lines).to.deep.equal([...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
          all.push(...lines);
        }
        expect(all.sort()).to.deep.equal([...cases.WORDS].sort());
      });

      it("replaces the shards of an earlier run that had another shard count", async () => {
        await run(cases.writeTextShards, runner, { dir: out, shards: 5 });
        await run(cases.writeTextShards, runner, { dir: out, shards: 2 });
        expect(listFiles(path.join(out, "out"))).to.deep.equal(["words-00000-of-00002.txt", "words-00001-of-00002.txt"]);
      });

      it("writes every shard, with its header, when the input is empty", async () => {
        await run(cases.writeTextEmpty, runner, { dir: out });
        const files = listFiles(path.join(out, "out"));
        expect(files).to.deep.equal(["empty-00000-of-00002.csv", "empty-00001-of-00002.csv"]);
        for (const f of files) expect(fs.readFileSync(path.join(out, "out", f), "utf8")).to.equal("word,count\n");
      });

      it("leaves no output files and no temporary directory when a step upstream fails", async () => {
        const message = await runFailing(cases.writeTextAfterFailure, runner, { dir: out });
        expect(message).to.match(/RejectZebras[\s\S]*no zebras allowed/);
        const left = fs.existsSync(path.join(out, "out")) ? listFiles(path.join(out, "out")) : [];
        expect(left, "files left behind").to.deep.equal([]);
      });

      it("removes the temporary files of written shards when another branch fails afterwards", async () => {
        const message = await runFailing(cases.writeTextSiblingFailure, runner, { dir: out });
        expect(message).to.match(/FailLate[\s\S]*the other branch failed/);
        const left = fs.existsSync(path.join(out, "out")) ? listFiles(path.join(out, "out")) : [];
        expect(left, "files left behind").to.deep.equal([]);
      });

      const read = (...parts: string[]): string => fs.readFileSync(path.join(out, "out", ...parts), "utf8");

      it("windowed input: one complete, sorted set of shards per window, named by the window's bounds and the pane", async () => {
        await run(cases.writeTextWindowed, runner, { dir: out, shards: 2 });
        const { MINUTE_0, MINUTE_1, MINUTE_3, windowedName } = cases;
        const names = [MINUTE_0, MINUTE_1, MINUTE_3].flatMap((w) => [0, 1].map((i) => windowedName("counts", w, 0, i, 2)));
        expect(listFiles(path.join(out, "out"))).to.deep.equal(names.sort());
        const perWindow = (w: string): string[] => [0, 1].flatMap((i) => read(windowedName("counts", w, 0, i, 2)).split("\n").filter(Boolean)).sort();
        expect(perWindow(MINUTE_0)).to.deep.equal(["apple: 2", "pear: 1"]);
        expect(perWindow(MINUTE_1)).to.deep.equal(["apple: 1", "fig: 1"]);
        expect(perWindow(MINUTE_3)).to.deep.equal(["kiwi: 1"]);
        for (const n of names) {
          const lines = read(n).split("\n").filter(Boolean);
          expect(lines, n).to.deep.equal([...lines].sort());
        }
      });

      it("windowed input: an element in several sliding windows is written once in each", async () => {
        await run(cases.writeTextSlidingWindows, runner, { dir: out });
        const files = listFiles(path.join(out, "out"));
        expect(files).to.deep.equal([
          cases.windowedName("sliding", "19691231T235900.000Z-19700101T000100.000Z", 0, 0, 1),
          cases.windowedName("sliding", "19700101T000000.000Z-19700101T000200.000Z", 0, 0, 1),
          cases.windowedName("sliding", "19700101T000100.000Z-19700101T000300.000Z", 0, 0, 1),
        ]);
        expect(files.map((f) => read(f))).to.deep.equal(["apple\napple\npear\n", "apple\napple\nfig\npear\n", "fig\n"]);
      });

      it("windowed: true in the global window names the set 'global'; windowed: false writes windowed input as one set", async () => {
        await run(cases.writeTextGlobalWindowed, runner, { dir: out });
        await run(cases.writeTextWindowedIgnored, runner, { dir: out });
        expect(listFiles(path.join(out, "out"))).to.deep.equal(["all-00000-of-00001.txt", cases.windowedName("global", "global", 0, 0, 1)]);
        expect(read("all-00000-of-00001.txt")).to.equal("apple\napple\napple\nfig\nkiwi\npear\n");
      });

      it("windowed: rerunning with another shard count replaces each window's set", async () => {
        await run(cases.writeTextWindowed, runner, { dir: out, shards: 3 });
        await run(cases.writeTextWindowed, runner, { dir: out, shards: 1 });
        const { MINUTE_0, MINUTE_1, MINUTE_3, windowedName } = cases;
        expect(listFiles(path.join(out, "out"))).to.deep.equal([MINUTE_0, MINUTE_1, MINUTE_3].map((w) => windowedName("counts", w, 0, 0, 1)));
      });

      it("windowed, bounded input: a failed run leaves no window's files and no temporary directory", async () => {
        const message = await runFailing(cases.writeTextWindowedSiblingFailure, runner, { dir: out });
        expect(message).to.match(/FailLate[\s\S]*the other branch failed/);
        const left = fs.existsSync(path.join(out, "out")) ? listFiles(path.join(out, "out")) : [];
        expect(left, "files left behind").to.deep.equal([]);
      });

      const streaming = STREAMING_UNSUPPORTED[runner];
      (streaming ? it.skip : it)(
        `unbounded input: a set per pane as it fires, each with only the lines new since the previous pane${streaming ? ` — unsupported on ${runner}: ${streaming}` : ""}`,
        async () => {
          await run(cases.writeTextStreamPanes, runner, { dir: out });
          const first = "19700101T000000.000Z-19700101T000000.010Z";
          const second = "19700101T000000.010Z-19700101T000000.020Z";
          const files = listFiles(path.join(out, "out"));
          expect(files).to.deep.equal([0, 1, 2, 3].map((pane) => cases.windowedName("lines", first, pane, 0, 1)).concat(cases.windowedName("lines", second, 0, 0, 1)));
          // EARLY, EARLY, ON_TIME (nothing new: an empty set), LATE; then the second window's ON_TIME pane.
          expect(files.map((f) => read(f))).to.deep.equal(["a\nb\n", "a\n", "", "d\n", "e\n"]);
        },
      );

      (streaming ? it.skip : it)(
        `unbounded input: an ACCUMULATING count is written once per firing, not re-accumulated${streaming ? ` — unsupported on ${runner}: ${streaming}` : ""}`,
        async () => {
          await run(cases.writeTextStreamPanes, runner, { dir: out, countFirst: true });
          const files = listFiles(path.join(out, "out"));
          // Every result of every count pane, once: EARLY a: 1 b: 1, EARLY a: 2, ON_TIME a: 2 b: 1, LATE d: 1.
          const first = files.filter((f) => f.startsWith("counts-19700101T000000.000Z-")).flatMap((f) => read(f).split("\n").filter(Boolean));
          expect(first.sort()).to.deep.equal(["a: 1", "a: 2", "a: 2", "b: 1", "b: 1", "d: 1"]);
          expect(read(files.at(-1)!)).to.equal("e: 1\n");
          // Which write pane each lands in is the engine's choice, the same on every runner: at processing time
          // 12 the write's early timer fires before the count's second EARLY pane reaches it (downstream work
          // first), so that pane waits for the write's ON_TIME pane.
          expect(files.map((f) => read(f))).to.deep.equal(["a: 1\nb: 1\n", "a: 2\na: 2\nb: 1\n", "d: 1\n", "e: 1\n"]);
        },
      );

      it("writes byte-identical files whatever the order the runner delivers elements in", async () => {
        const other = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-text-out-"));
        try {
          await run(cases.writeTextShards, runner, { dir: out, orderSeed: 1 });
          await run(cases.writeTextShards, runner, { dir: other, orderSeed: 987654321, parallelism: 1 });
          const names = listFiles(path.join(out, "out"));
          expect(listFiles(path.join(other, "out"))).to.deep.equal(names);
          for (const n of names) {
            expect(fs.readFileSync(path.join(other, "out", n)).equals(fs.readFileSync(path.join(out, "out", n))), n).to.equal(true);
          }
        } finally {
          fs.rmSync(other, { recursive: true, force: true });
        }
      });
    });
  }
});
