/**
 * Every ```ts snippet of README.md and docs/*.md type-checks against the SDK's sources (see doc-snippets.ts for
 * the prelude and the imports it may leave out); ```ts no-check marks a fragment, used sparingly.
 */
import { expect } from "chai";
import { checkSnippets, docFiles, snippetsOf, type SnippetError, type Snippet } from "./doc-snippets.js";

describe("documentation snippets", function () {
  this.timeout(120_000);
  const snippets: Snippet[] = docFiles().flatMap(snippetsOf);
  let errors: SnippetError[] = [];
  before(() => {
    errors = checkSnippets(snippets);
  });

  it("there are snippets, and few are opted out", () => {
    expect(snippets.length).to.be.greaterThan(20);
    expect(snippets.filter((s) => s.skipped).map((s) => s.where)).to.have.length.below(4);
  });

  for (const file of docFiles()) {
    it(`${file}: every ts snippet type-checks`, () => {
      const mine = errors.filter((e) => e.where.startsWith(`${file}:`)).map((e) => `${e.where}: ${e.message}`);
      expect(mine, mine.join("\n")).to.deep.equal([]);
    });
  }
});
