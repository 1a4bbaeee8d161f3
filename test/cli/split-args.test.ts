import { expect } from "chai";
import { UsageError } from "../../sdk/index.js";
import { findFileArg, splitCommandArgs } from "../../runners/cli/split-args.js";

describe("cli splitCommandArgs", () => {
  const own = ["pipeline", "format"];

  it("takes the file, the CLI's options in both spellings, and passes the rest on verbatim", () => {
    expect(splitCommandArgs(["--pipeline", "wc", "wc.ts", "--top", "007", "--format=dot", "-v"], own)).to.deep.equal({
      file: "wc.ts",
      own: { pipeline: "wc", format: "dot" },
      pipelineArgs: ["--top", "007", "-v"],
    });
  });

  it("hands everything after -- to the pipeline, even options named like the CLI's", () => {
    expect(splitCommandArgs(["wc.ts", "--format", "dot", "--", "--format", "csv"], own)).to.deep.equal({
      file: "wc.ts",
      own: { format: "dot" },
      pipelineArgs: ["--format", "csv"],
    });
  });

  it("rejects pipeline options before the file and CLI options without a value", () => {
    expect(() => splitCommandArgs(["--runner=direct", "wc.ts"], own)).to.throw(UsageError, /comes before the pipeline file/);
    expect(() => splitCommandArgs(["wc.ts", "--format"], own)).to.throw(UsageError, "--format needs a value");
    expect(() => splitCommandArgs(["wc.ts", "--format", "--top"], own)).to.throw(UsageError, "--format needs a value");
  });

  it("finds the file without validating the rest", () => {
    expect(findFileArg(["wc.ts", "--help"], own)).to.equal("wc.ts");
    expect(findFileArg(["--help"], own)).to.equal(undefined);
    expect(findFileArg(["--bogus", "wc.ts"], own)).to.equal(undefined);
  });
});
