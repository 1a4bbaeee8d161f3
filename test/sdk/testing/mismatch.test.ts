import { expect } from "chai";
import { describeCheckFailure, describeMultisetMismatch, formatElements, multisetDiff } from "../../../sdk/testing/index.js";
import { kv } from "../../../sdk/index.js";

describe("testing: assertion messages", () => {
  it("diffs multisets, counting duplicates", () => {
    expect(multisetDiff([1, 1, 2], [1, 3])).to.deep.equal({ missing: [1, 2], unexpected: [3] });
    expect(multisetDiff(["a", "a"], ["a", "a"])).to.deep.equal({ missing: [], unexpected: [] });
    expect(multisetDiff([], [])).to.deep.equal({ missing: [], unexpected: [] });
  });

  it("matches objects whatever their property order", () => {
    expect(multisetDiff([{ a: 1, b: 2 }], [{ b: 2, a: 1 }])).to.deep.equal({ missing: [], unexpected: [] });
  });

  it("is undefined when the multisets are equal", () => {
    expect(describeMultisetMismatch("x", [kv("a", 1), kv("b", 2)], [kv("b", 2), kv("a", 1)])).to.equal(undefined);
  });

  it("says what is missing and unexpected on the first line, then lists expected and actual", () => {
    const message = describeMultisetMismatch("assertThat.containsInAnyOrder", [1, 2, 4], [3, 2, 1])!;
    expect(message.split("\n")).to.deep.equal([
      "assertThat.containsInAnyOrder failed: missing 1 element [4]; unexpected 1 element [3] (expected 3 elements, got 3)",
      "  expected (3): [1, 2, 4]",
      "  actual (3): [1, 2, 3]",
    ]);
  });

  it("reports duplicates as missing or unexpected", () => {
    const message = describeMultisetMismatch("c", ["a", "a"], ["a"])!;
    expect(message.split("\n")[0]).to.equal('c failed: missing 1 element ["a"] (expected 2 elements, got 1)');
    const extra = describeMultisetMismatch("c", ["a"], ["a", "a", "a"])!;
    expect(extra.split("\n")[0]).to.equal('c failed: unexpected 2 elements ["a", "a"] (expected 1 element, got 3)');
  });

  it("shows an empty side as []", () => {
    const message = describeMultisetMismatch("c", [], [{ b: 1, a: "x" }])!;
    expect(message).to.contain('unexpected 1 element [{"a": "x", "b": 1}]');
    expect(message).to.contain("  expected (0): []");
  });

  it("sorts numbers numerically and the rest by their text", () => {
    expect(formatElements([10, 2, "b", -1, "a", 1.5])).to.equal('[-1, 1.5, 2, 10, "a", "b"]');
  });

  it("bounds long lists and long elements", () => {
    const many = Array.from({ length: 25 }, (_, i) => i);
    expect(formatElements(many)).to.equal(`[${many.slice(0, 20).join(", ")}, ... and 5 more]`);
    const long = formatElements(["x".repeat(500)]);
    expect(long.length).to.be.lessThan(130);
    expect(long).to.match(/^\["x+\.\.\.\]$/);
  });

  it("describes a failed check with the actual elements", () => {
    expect(describeCheckFailure("assertThat(sizes).satisfies", "the check returned false", [2, 1])).to.equal(
      "assertThat(sizes).satisfies failed: the check returned false (got 2 elements [1, 2])",
    );
  });
});
