import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ORDER_SEED, conformanceCases, matrixRunners } from "./matrix.js";
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
