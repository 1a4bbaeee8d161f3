/**
 * The package as a user gets it: `npm pack` (which builds dist/ through `prepare`), installed into a new project
 * with npm, then a plain JavaScript pipeline run with plain `node` and a TypeScript one through `sluice run` on
 * every runner, and a strict TypeScript consumer type-checked against the shipped declarations with only
 * `@types/node` besides. The acceptance run too: a `.mjs` pipeline reading CSV with a schema and a
 * dead-letter prefix, run with `node` on every runner: the same output, the bad rows in the dead letters, the
 * good and bad counts in the `--stats` metrics table.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { matrixRunners } from "../conformance/matrix.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = path.join(repo, "test/package/fixtures");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

describe("The packed package, installed into another project", function () {
  this.timeout(300_000);
  let project: string;

  before(function () {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-consumer-"));
    const packed = execFileSync(npm, ["pack", "--silent", "--pack-destination", project], { cwd: repo, encoding: "utf8" }).trim().split("\n").at(-1)!;
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", type: "module", private: true }));
    for (const f of ["app.mjs", "app.ts", "csv-app.mjs", "csv-app.ts", "people.csv", "tsconfig.json"]) fs.copyFileSync(path.join(fixtures, f), path.join(project, f));
    // Offline first: CI's `npm ci` has just filled the cache with every dependency.
    execFileSync(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent", path.join(project, packed), "@types/node@20"], { cwd: project, stdio: "ignore" });
  });

  after(() => fs.rmSync(project, { recursive: true, force: true }));
  /** The CSV pipeline's output on each runner so far. */
  const outputs = new Map<string, string>();

  it("ships the built JavaScript and declarations, and no sources, tests or benchmarks", () => {
    const root = path.join(project, "node_modules/sluice");
    expect(fs.existsSync(path.join(root, "dist/sdk/index.js"))).to.equal(true);
    expect(fs.existsSync(path.join(root, "dist/sdk/index.d.ts"))).to.equal(true);
    for (const absent of ["sdk", "runners", "test", "bench", "samples"]) expect(fs.existsSync(path.join(root, absent)), absent).to.equal(false);
  });

  it("type-checks a strict TypeScript consumer against the shipped declarations", () => {
    execFileSync(process.execPath, [path.join(repo, "node_modules/typescript/bin/tsc"), "-p", project], { cwd: project, encoding: "utf8" });
  });

  for (const runner of matrixRunners()) {
    it(`runs a plain JavaScript pipeline with plain node [${runner}]`, function () {
      // The pipeline prints from its DoFns: a NATS worker's stdout is its own (worker logs), not the launcher's.
      if (runner === "nats") this.skip();
      const out = execFileSync(process.execPath, ["app.mjs", `--runner=${runner}`, "--quiet"], { cwd: project, encoding: "utf8" });
      expect(out.trim().split("\n").sort()).to.deep.equal(["a=3", "b=1", "c=1"]);
    });

    it(`reads CSV with a schema and dead letters, with plain node [${runner}]`, () => {
      const prefix = path.join(project, `out-${runner}`, "o");
      const run = spawnSync(process.execPath, ["csv-app.mjs", `--runner=${runner}`, "--output", prefix, "--stats"], { cwd: project, encoding: "utf8" });
      expect(run.status, run.stderr).to.equal(0);
      const people = fs.readFileSync(`${prefix}-people-00000-of-00001.jsonl`, "utf8");
      expect(people.trim().split("\n").map((l) => JSON.parse(l) as { name: string }).map((x) => x.name).sort()).to.deep.equal(["ada", "cy", "dee"]);
      outputs.set(runner, people);
      expect(new Set(outputs.values()).size, "the same output on every runner").to.equal(1);
      const bad = fs.readFileSync(`${prefix}-bad-00000-of-00001.jsonl`, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { line: number; raw: string; error: string });
      expect(bad.map((b) => [b.line, b.raw]).sort()).to.deep.equal([[3, "bob,forty"], [5, ",51"]]);
      expect(bad.find((b) => b.line === 3)!.error).to.include("not an integer");
      expect(run.stderr).to.match(/ReadPeople\/Route.*goodRecords.*3/).and.match(/ReadPeople\/Route.*badRecords.*2/);
    });

    it(`runs a TypeScript pipeline with the installed sluice command [${runner}]`, () => {
      execFileSync(path.join(project, "node_modules/.bin/sluice"), ["run", "app.ts", `--runner=${runner}`, "--quiet"], { cwd: project, encoding: "utf8" });
    });
  }
});
