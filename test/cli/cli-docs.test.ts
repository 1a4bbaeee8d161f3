/**
 * docs/cli.md stays true to the code: it names every registered runner and every standard option and runner
 * option (the `--help` text is generated from the same declarations).
 */
import fs from "node:fs";
import { expect } from "chai";
import { STANDARD_OPTIONS } from "../../sdk/index.js";
import { runnerDeclarations, runnerNames } from "../../runners/registry.js";

const CLI_DOC = fs.readFileSync(new URL("../../docs/cli.md", import.meta.url), "utf8");

describe("docs/cli.md", () => {
  it("lists every registered runner in the `sluice runners` output", () => {
    for (const name of runnerNames()) expect(CLI_DOC, name).to.match(new RegExp(`^ {2}${name} +\\S`, "m"));
  });

  it("names every standard option and every runner's options", () => {
    const options = [...Object.keys(STANDARD_OPTIONS), ...runnerDeclarations().flatMap((r) => Object.keys(r.options))];
    for (const option of options) expect(CLI_DOC, `--${option}`).to.include(`\`--${option}`);
  });
});
