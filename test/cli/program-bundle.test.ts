/**
 * `sluice run` from a program bundle (runners/cli/program-bundle.mjs): the pipeline, its local imports and Sluice
 * compiled into one cached bundle that the CLI and every worker load. End to end, through `node bin/sluice.js`.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect } from "chai";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SDK = pathToFileURL(path.join(ROOT, "sdk/index.js")).href;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sluice(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["bin/sluice.js", ...args], { cwd: ROOT, env, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** Every build directory in the cache (one per build, under its key). */
function builds(cache: string): string[] {
  if (!fs.existsSync(cache)) return [];
  return fs.readdirSync(cache).flatMap((key) => fs.readdirSync(path.join(cache, key)).filter((n) => !n.startsWith("current.json")));
}

describe("sluice run from a program bundle", function () {
  this.timeout(60_000);
  let dir: string;
  let cache: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-bundle-"));
    cache = path.join(dir, "cache");
    env = { ...process.env, SLUICE_CACHE_DIR: cache };
    // A local TypeScript import, a data file found through import.meta.url, and a user function that throws
    // on demand (for the stack frame).
    fs.writeFileSync(path.join(dir, "suffix.ts"), `export const suffix: string = "!";\n`);
    fs.writeFileSync(path.join(dir, "words.txt"), "b a c a\n");
    fs.writeFileSync(
      path.join(dir, "pipeline.ts"),
      `import fs from "node:fs";
import { definePipeline } from ${JSON.stringify(SDK)};
import { suffix } from "./suffix.js";

const words: string[] = fs.readFileSync(new URL("./words.txt", import.meta.url), "utf8").trim().split(" ");

export default definePipeline(import.meta, {
  options: { fail: { type: "boolean", default: false } },
  build(p, { fail }) {
    p.apply(create(words))
      .map((w: string) => {
        if (fail && w === "c") throw new Error("no c allowed");
        return w + suffix;
      }, "Mark")
      .map((w: string) => console.log(w));
  },
});
import { create } from ${JSON.stringify(pathToFileURL(path.join(ROOT, "transforms/index.js")).href)};
`,
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const runner of ["direct", "threads", "process"]) {
    it(`runs the pipeline with its local imports and data files, built once and reused [${runner}]`, async () => {
      const first = await sluice(["run", path.join(dir, "pipeline.ts"), "--runner", runner, "--quiet"], env);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout.trim().split("\n").sort()).to.deep.equal(["a!", "a!", "b!", "c!"]);
      expect(builds(cache)).to.have.length(1);
      const again = await sluice(["run", path.join(dir, "pipeline.ts"), "--runner", runner, "--quiet"], env);
      expect(again.code, again.stderr).to.equal(0);
      expect(builds(cache), "an unchanged program reuses its bundle").to.have.length(1);
    });
  }

  it("rebuilds when an imported file changes", async () => {
    expect((await sluice(["run", path.join(dir, "pipeline.ts"), "--quiet"], env)).stdout).to.include("a!");
    fs.writeFileSync(path.join(dir, "suffix.ts"), `export const suffix: string = "?";\n`);
    const changed = await sluice(["run", path.join(dir, "pipeline.ts"), "--runner", "threads", "--quiet"], env);
    expect(changed.code, changed.stderr).to.equal(0);
    expect(changed.stdout.trim().split("\n").sort()).to.deep.equal(["a?", "a?", "b?", "c?"]);
  });

  it("names the user's source file and line when user code fails in a worker", async () => {
    const failed = await sluice(["run", path.join(dir, "pipeline.ts"), "--runner", "process", "--fail", "--quiet"], env);
    expect(failed.code, failed.stderr).to.equal(1);
    expect(failed.stderr).to.include("Mark").and.to.include("no c allowed");
    // Line 12 of pipeline.ts is the throw: the source map leads the frame back from the bundle.
    expect(failed.stderr).to.match(/pipeline\.ts:12:\d+/);
    expect(failed.stderr).not.to.include(".mjs");
  });

  it("falls back to the TypeScript loader when the pipeline does not compile, with its error", async () => {
    fs.writeFileSync(path.join(dir, "broken.ts"), "export default definePipeline(import.meta, {{{\n");
    const broken = await sluice(["run", path.join(dir, "broken.ts")], env);
    expect(broken.code).to.not.equal(0);
    expect(broken.stderr).to.include("broken.ts");
    expect(builds(cache)).to.deep.equal([]);
  });
});
