import { expect } from "chai";
import { formatValue } from "../../transforms/index.js";

describe("transforms: formatValue", () => {
  it("prints primitives as String does and objects as JSON", () => {
    expect([formatValue("a b"), formatValue(1.5), formatValue(null), formatValue(undefined), formatValue(true)]).to.deep.equal([
      "a b",
      "1.5",
      "null",
      "undefined",
      "true",
    ]);
    expect(formatValue({ a: [1, "x"], b: { c: null } })).to.equal('{"a":[1,"x"],"b":{"c":null}}');
  });

  it("prints bigints, Maps and Sets inside objects readably", () => {
    expect(formatValue({ n: 10n, m: new Map([["k", 1]]), s: new Set([1, 2]) })).to.equal('{"n":"10","m":[["k",1]],"s":[1,2]}');
    expect(formatValue(12n)).to.equal("12");
  });
});
