/**
 * Options on the command line: the SDK declares only the standard ones; each runner's come from its registry entry
 * and are accepted only with that runner, with its defaults filled in; programmatic runs get the chosen runner's
 * defaults too. (`--help` exits the process, so its text is tested through the CLI in test/cli/sluice.test.ts.)
 */
import { expect } from "chai";
import { Pipeline, STANDARD_OPTIONS, UsageError, defaultOptions, parseOptions, type PipelineOptions } from "../../sdk/index.js";
import { create } from "../../transforms/index.js";
import { runnerDeclarations } from "../../runners/registry.js";

const parse = (argv: string[]): Promise<PipelineOptions> => parseOptions(argv, { top: { type: "number", default: 10 } }, { scriptName: "t" });

async function usageError(argv: string[]): Promise<string> {
  const error = await parse(argv).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${argv.join(" ")} should be refused`).to.be.instanceOf(UsageError);
  return (error as UsageError).message;
}

describe("pipeline options", () => {
  it("the SDK declares only the runner-neutral ones", () => {
    expect(Object.keys(STANDARD_OPTIONS).sort()).to.deep.equal(["allowUnsafeTriggers", "drain", "maxDuration", "quiet", "runner", "stats", "taskTimeout", "ui", "uiPort"]);
    expect(defaultOptions()).not.to.have.property("parallelism");
    for (const runner of runnerDeclarations()) {
      for (const name of Object.keys(runner.options)) expect(STANDARD_OPTIONS, `${runner.name}'s --${name}`).not.to.have.property(name);
    }
  });

  it("accept the chosen runner's options and fill in its defaults (and only its)", async () => {
    const direct = await parse(["--orderSeed", "7"]);
    expect(direct).to.include({ runner: "direct", orderSeed: 7, enforceImmutability: true, top: 10 });
    expect(direct).not.to.have.property("parallelism");
    const processRun = await parse(["--runner", "process", "--parallelism", "3", "--memoryMb=64"]);
    expect(processRun).to.include({ runner: "process", parallelism: 3, memoryMb: 64, maxAttempts: 3, stats: false });
    expect(processRun).not.to.have.property("enforceImmutability");
    expect(await parse(["--runner=threads", "--stats"])).to.include({ stats: true }).and.not.to.have.property("memoryMb");
  });

  it("refuse an option of another runner, naming the runners it belongs to", async () => {
    expect(await usageError(["--runner=threads", "--orderSeed", "1"])).to.equal(
      "--orderSeed is an option of the direct runner, not of the threads runner (--runner=threads; see --runner=threads --help)",
    );
    expect(await usageError(["--parallelism", "2"])).to.match(/^--parallelism is an option of the threads, process and nats runners, not of the direct runner \(--runner=direct, the default/);
    expect(await usageError(["--runner=threads", "--memoryMb", "64"])).to.match(/^--memoryMb is an option of the process and nats runners, not of the threads runner/);
    expect(await usageError(["--bogus", "1"])).to.match(/^Unknown argument: bogus/);
    expect(await usageError(["--runner=nope"])).to.match(/^unknown runner 'nope'; registered runners: direct, threads, process, nats/);
  });

  it("a programmatic run gets the chosen runner's defaults and checks", async () => {
    const p = new Pipeline();
    p.apply(create([1]));
    const error = await p.run({ runner: "threads", parallelism: 0, quiet: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(UsageError).with.property("message", "--parallelism must be a positive integer, got 0");
  });
});
