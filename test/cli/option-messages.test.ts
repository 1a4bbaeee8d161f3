/**
 * Messages for mistakes on the command line, in process (the CLI tests in sluice.test.ts spawn): numeric options
 * refuse what is not a number, and a mistyped option or command gets the closest known name.
 */
import { expect } from "chai";
import { parseOptions, UsageError } from "../../sdk/index.js";
import { closestName, editDistance } from "../../sdk/internal/closest-name.js";

async function refusal(argv: string[]): Promise<string> {
  const error = await parseOptions(argv, { top: { type: "number", default: 10 }, weights: { type: "number", array: true } }, { scriptName: "t" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${argv.join(" ")} should be refused`).to.be.instanceOf(UsageError);
  return (error as UsageError).message;
}

describe("command-line messages", () => {
  it("numeric options refuse NaN, quoting what was given (standard, runner and pipeline options)", async () => {
    expect(await refusal(["--top", "lots"])).to.equal("--top must be a number, got 'lots' (see --help)");
    expect(await refusal(["--runner=process", "--parallelism=many"])).to.equal("--parallelism must be a number, got 'many' (see --help)");
    expect(await refusal(["--maxDuration", "soon"])).to.equal("--maxDuration must be a number, got 'soon' (see --help)");
    expect(await refusal(["--weights", "1", "x"])).to.equal("--weights must be a number, got 'x' (see --help)");
    expect(await refusal(["--top"])).to.equal("--top needs a number (see --help)");
    expect(await refusal(["--top="])).to.equal("--top needs a number (see --help)");
  });

  it("numbers still parse", async () => {
    const options = await parseOptions(["--top", "3", "--runner=threads", "--parallelism", "2"], { top: { type: "number" } }, { scriptName: "t" });
    expect(options).to.include({ top: 3, parallelism: 2 });
  });

  it("an unknown option close to a declared one is suggested; others are not", async () => {
    expect(await refusal(["--tpo", "3"])).to.equal("Unknown argument: tpo (did you mean --top?) (see --help)");
    expect(await refusal(["--runner=threads", "--paralellism", "3"])).to.equal("Unknown argument: paralellism (did you mean --parallelism?) (see --help)");
    expect(await refusal(["--frobnicate"])).to.equal("Unknown argument: frobnicate (see --help)");
  });

  it("closestName: within a third of the name's length, swaps count once", () => {
    expect(editDistance("paralelism", "parallelism")).to.equal(1);
    expect(editDistance("rnu", "run")).to.equal(1);
    expect(closestName("qiuet", ["quiet", "drain", "stats"])).to.equal("quiet");
    expect(closestName("xyz", ["quiet", "drain"])).to.equal(undefined);
    expect(closestName("Stats", ["stats"])).to.equal("stats");
  });
});
