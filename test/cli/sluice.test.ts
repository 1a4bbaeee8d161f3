/**
 * The `sluice` command, end to end: each test spawns `node bin/sluice.js` (about half a second with tsx), so
 * there is one spawn per behaviour and no more.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { runnerNames } from "../../runners/registry.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const COUNT_LETTERS = "test/cli/fixtures/count-letters.ts";
const FAILING = "test/cli/fixtures/failing.ts";
const TWO_PIPELINES = "test/cli/fixtures/two-pipelines.ts";
const BAD_CONSTRUCTION = "test/cli/fixtures/bad-construction.ts";
const ENDLESS = "test/cli/fixtures/endless.ts";

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/sluice.js ...args` in the repository root and resolves whatever the exit code. */
function sluice(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["bin/sluice.js", ...args], { cwd: ROOT, env, timeout: 15_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** A usage error: exit 2 and exactly one line on stderr. */
function expectUsageError(outcome: Outcome, message: string | RegExp): void {
  expect(outcome.code, outcome.stderr).to.equal(2);
  expect(outcome.stderr.trimEnd().split("\n"), outcome.stderr).to.have.length(1);
  if (typeof message === "string") expect(outcome.stderr).to.equal(`error: ${message}\n`);
  else expect(outcome.stderr).to.match(message);
}

describe("sluice CLI", function () {
  this.timeout(20_000);

  it("--help lists the commands", async () => {
    const { code, stdout } = await sluice(["--help"]);
    expect(code).to.equal(0);
    expect(stdout).to.match(/sluice run/).and.to.match(/sluice graph/).and.to.match(/sluice runners/);
  });

  it("rejects an unknown command", async () => {
    expectUsageError(await sluice(["frob"]), "unknown command 'frob'; commands: run, graph, runners, worker (see sluice --help)");
  });

  it("suggests the closest command for a mistyped one", async () => {
    expectUsageError(await sluice(["rnu"]), "unknown command 'rnu' (did you mean 'run'?); commands: run, graph, runners, worker (see sluice --help)");
  });

  it("runners lists the registered runners", async () => {
    const { code, stdout } = await sluice(["runners"]);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^ {2}direct +\S/m);
  });

  describe("run", () => {
    it("runs a pipeline file with its own options, once (importing it does not start it again)", async () => {
      const { code, stdout, stderr } = await sluice(["run", COUNT_LETTERS, "--minCount", "2", "--quiet"]);
      expect(code, stderr).to.equal(0);
      expect(stderr).to.equal("");
      // afterRun prints this; a second, auto-started run would print it twice or fail on `run` as an argument.
      expect(stdout).to.equal("formatted 1 letters\n");
    });

    /** The options `--help` lists under the group headed `heading` (up to the next blank line). */
    const group = (help: string, heading: string): string[] => {
      const start = help.indexOf(`\n${heading}\n`);
      if (start < 0) return [];
      const body = help.slice(start + heading.length + 2).split("\n\n")[0]!;
      return [...body.matchAll(/^ {2}(--\w+)/gm)].map((m) => m[1]!);
    };

    it("--help after the file shows the pipeline's options, the standard ones and every runner's, per runner", async () => {
      const { code, stdout } = await sluice(["run", COUNT_LETTERS, "--help"]);
      expect(code).to.equal(0);
      expect(stdout).to.include("Counts letters").and.include("--minCount");
      expect(group(stdout, "Pipeline options:")).to.deep.equal(["--runner", "--quiet", "--maxDuration", "--drain", "--taskTimeout", "--stats", "--ui", "--uiPort", "--allowUnsafeTriggers"]);
      expect(group(stdout, "Direct runner options:")).to.deep.equal(["--enforceImmutability", "--orderSeed"]);
      expect(group(stdout, "Threads, process and nats runner options:")).to.deep.equal(["--parallelism", "--maxAttempts", "--tempDir"]);
      expect(group(stdout, "Process and nats runner options:")).to.deep.equal(["--memoryMb"]);
      expect(group(stdout, "Nats runner options:")).to.include.members(["--servers", "--user", "--password", "--localWorkers", "--workerWait"]);
      // One option, two meanings: each runner's own words and default.
      const parallelism = stdout.slice(stdout.indexOf("  --parallelism"), stdout.indexOf("  --maxAttempts")).replace(/\s+/g, " ");
      expect(parallelism).to.include("threads and process: workers [default: number of cores]").and.include("nats: worker slots (default: the workers connected");
    });

    it("--help with --runner shows that runner's options only", async () => {
      const { code, stdout } = await sluice(["run", COUNT_LETTERS, "--runner=threads", "--help"]);
      expect(code).to.equal(0);
      expect(group(stdout, "Threads runner options:")).to.deep.equal(["--parallelism", "--maxAttempts", "--tempDir"]);
      expect(stdout).not.to.include("--orderSeed").and.not.to.include("--memoryMb");
    });

    for (const runner of ["direct", "threads", "process"]) {
      it(`--stats prints the stages and the pipeline's metrics at the end [${runner}]`, async () => {
        const { code, stderr } = await sluice(["run", COUNT_LETTERS, `--runner=${runner}`, "--stats", "--quiet"]);
        expect(code).to.equal(0);
        expect(stderr).to.match(/^stage +steps +bundles +in +out +shuffled +retries$/m);
        expect(stderr).to.match(/bundles \(0 retried\)/);
      });
    }

    it("rejects an option of another runner in one line, naming its runner", async () => {
      expectUsageError(
        await sluice(["run", COUNT_LETTERS, "--runner=threads", "--orderSeed", "1"]),
        "--orderSeed is an option of the direct runner, not of the threads runner (--runner=threads; see --runner=threads --help)",
      );
    });

    it("names the registered runners when --runner is unknown", async () => {
      expectUsageError(await sluice(["run", COUNT_LETTERS, "--runner=nope"]), `unknown runner 'nope'; registered runners: ${runnerNames().join(", ")}`);
    });

    it("rejects an unknown option in one line", async () => {
      expectUsageError(await sluice(["run", COUNT_LETTERS, "--bogus", "3"]), /^error: Unknown argument: bogus\b/);
    });

    it("suggests the closest option for a mistyped one", async () => {
      expectUsageError(
        await sluice(["run", COUNT_LETTERS, "--runner=threads", "--paralelism", "2", "--max-durtion", "3"]),
        "Unknown arguments: paralelism (did you mean --parallelism?), max-durtion (did you mean --max-duration?) (see --help)",
      );
    });

    it("refuses a numeric option that is not a number, quoting it", async () => {
      expectUsageError(await sluice(["run", COUNT_LETTERS, "--runner=threads", "--parallelism", "lots"]), "--parallelism must be a number, got 'lots' (see --help)");
    });

    it("prints a construction error as one line naming the step, the fix and where it was applied, exit 2", async () => {
      const outcome = await sluice(["run", BAD_CONSTRUCTION, "--mistake", "window"]);
      expectUsageError(
        outcome,
        /^error: Window: the trigger AfterCount\(2\) needs allowedLateness .*pass allowedLateness: 0 to drop all late data \(at test\/cli\/fixtures\/bad-construction\.ts:\d+:\d+\)\n$/,
      );
      expect(outcome.stderr).not.to.match(/sdk[/\\]|runners[/\\]|node:internal/);
    });

    it("prints a transform factory's refusal as one line too (graph as well as run)", async () => {
      expectUsageError(
        await sluice(["graph", BAD_CONSTRUCTION, "--mistake", "factory"]),
        /^error: FixedWindows: size must be a positive integer number of milliseconds, got -10 \(at test\/cli\/fixtures\/bad-construction\.ts:\d+:\d+\)\n$/,
      );
    });

    it("keeps the stack of the user's own error while building", async () => {
      const { code, stderr } = await sluice(["run", BAD_CONSTRUCTION, "--mistake", "user"]);
      expect(code, stderr).to.equal(1);
      expect(stderr).to.match(/^error: Error: the user's own bug\n\s+at .*bad-construction\.ts/);
    });

    it("Ctrl-C with --drain: the pipeline's process drains and exits 0 (docs/cli.md; npx's own 130 is npm's)", async () => {
      const outcome = await new Promise<Outcome>((resolve, reject) => {
        const child = execFile(process.execPath, ["bin/sluice.js", "run", ENDLESS, "--drain"], { cwd: ROOT, timeout: 15_000 }, (error, stdout, stderr) => {
          if (error && typeof error.code !== "number") reject(error);
          else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
        });
        // By then the run is streaming (tsx and the engine start in about a second); interrupt it as Ctrl-C would.
        setTimeout(() => child.kill("SIGINT"), 3_000);
      });
      expect(outcome.code, outcome.stderr).to.equal(0);
      expect(outcome.stderr).to.match(/stopped by SIGINT \(Ctrl-C\): draining/);
      expect(outcome.stdout).to.match(/^drained: \d+ windows$/m);
    });

    it("says so when the file does not exist", async () => {
      expectUsageError(await sluice(["run", "test/cli/fixtures/missing.ts"]), "no such file: test/cli/fixtures/missing.ts");
    });

    it("exits 1 naming the failed step, without the runner's own stack frames", async () => {
      const { code, stderr } = await sluice(["run", FAILING, "--quiet"]);
      expect(code, stderr).to.equal(1);
      expect(stderr).to.match(/^error: .*'Explode\/Boom'.*kaboom/);
      expect(stderr).to.include("failing.ts");
      expect(stderr).not.to.match(/runners[/\\](core|direct|cli)|node:internal/);
    });
  });

  describe("graph", () => {
    it("prints Mermaid with the top-level transforms", async () => {
      const { code, stdout, stderr } = await sluice(["graph", COUNT_LETTERS]);
      expect(code, stderr).to.equal(0);
      expect(stderr).to.equal("");
      expect(stdout).to.match(/^flowchart TB\n/);
      for (const step of ["Read", "CountLetters", "AtLeast", "Format"]) expect(stdout).to.include(`"${step}"`);
      expect(stdout).not.to.include("GroupByKey");
    });

    it("prints DOT with every primitive, boxed by composite, at --level expanded", async () => {
      const { code, stdout, stderr } = await sluice(["graph", COUNT_LETTERS, "--format", "dot", "--level=expanded"]);
      expect(code, stderr).to.equal(0);
      expect(stdout).to.match(/^digraph "count-letters" \{/);
      expect(stdout).to.include('label="CountLetters";');
      for (const step of ["Read", "Pair", "GroupByKey", "Count", "AtLeast", "Format"]) expect(stdout).to.include(`label="${step}"`);
    });

    it("picks one of several pipelines with --pipeline", async () => {
      const { code, stdout, stderr } = await sluice(["graph", TWO_PIPELINES, "--pipeline", "second"]);
      expect(code, stderr).to.equal(0);
      expect(stdout).to.include('"SecondStep"').and.not.include("FirstStep");
    });

    it("draws SVG without Graphviz: every step a node, in a well-formed document", async () => {
      // Nothing but node itself on PATH: no dot.
      const { code, stdout, stderr } = await sluice(["graph", COUNT_LETTERS, "--format", "svg", "--level", "expanded"], { ...process.env, PATH: path.dirname(process.execPath) });
      expect(code, stderr).to.equal(0);
      expect(stdout).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
      expect(stdout.trimEnd()).to.match(/<\/svg>$/);
      for (const step of ["Read", "Pair", "GroupByKey", "Count", "AtLeast", "Format"]) expect(stdout).to.include(`>${step}</text>`);
      expect(stdout).to.not.match(/NaN|undefined/);
    });
  });
});
