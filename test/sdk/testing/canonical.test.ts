import { expect } from "chai";
import { canonicalString, deepEqual } from "../../../sdk/testing/index.js";

describe("testing: canonicalString / deepEqual", () => {
  it("ignores property order, at every depth", () => {
    expect(canonicalString({ b: 1, a: { d: [1, 2], c: "x" } })).to.equal(canonicalString({ a: { c: "x", d: [1, 2] }, b: 1 }));
    expect(canonicalString({ b: 1, a: 2 })).to.equal('{"a": 2, "b": 1}');
  });

  it("keeps array order and distinguishes types", () => {
    expect(deepEqual([1, 2], [2, 1])).to.equal(false);
    expect(deepEqual(1, "1")).to.equal(false);
    expect(deepEqual(null, undefined)).to.equal(false);
    expect(deepEqual([undefined], [null])).to.equal(false);
  });

  it("treats NaN as equal to itself and -0 as 0", () => {
    expect(deepEqual(NaN, NaN)).to.equal(true);
    expect(deepEqual({ x: -0 }, { x: 0 })).to.equal(true);
    expect(canonicalString([NaN, Infinity, -Infinity])).to.equal("[NaN, Infinity, -Infinity]");
  });

  it("treats an undefined property as a missing one, but not an undefined array item", () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).to.equal(true);
    expect(deepEqual([1, undefined], [1])).to.equal(false);
    // eslint-disable-next-line no-sparse-arrays
    expect(canonicalString([1, , 3])).to.equal("[1, undefined, 3]");
  });

  it("compares Maps and Sets by content in any order", () => {
    expect(deepEqual(new Map([["a", 1], ["b", 2]]), new Map([["b", 2], ["a", 1]]))).to.equal(true);
    expect(deepEqual(new Map([["a", 1]]), new Map([["a", 2]]))).to.equal(false);
    expect(deepEqual(new Set([1, 2]), new Set([2, 1]))).to.equal(true);
    expect(deepEqual(new Map([[{ k: 1, j: 2 }, "x"]]), new Map([[{ j: 2, k: 1 }, "x"]]))).to.equal(true);
    expect(deepEqual(new Map(), {})).to.equal(false);
  });

  it("compares bytes by content, Buffer and Uint8Array alike", () => {
    expect(deepEqual(Buffer.from([1, 2, 255]), new Uint8Array([1, 2, 255]))).to.equal(true);
    expect(deepEqual(Buffer.from([1, 2]), Buffer.from([1, 3]))).to.equal(false);
    expect(canonicalString(Buffer.from("hi"))).to.equal("<bytes 6869>");
    // A view into a larger buffer shows only its own bytes.
    expect(canonicalString(new Uint8Array([9, 1, 2, 9]).subarray(1, 3))).to.equal("<bytes 0102>");
  });

  it("handles dates, bigints, class instances, functions and cycles", () => {
    expect(deepEqual(new Date(0), new Date(0))).to.equal(true);
    expect(canonicalString(10n)).to.equal("10n");
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    expect(deepEqual(new Point(1, 2), { y: 2, x: 1 })).to.equal(true);
    expect(canonicalString(function named() {})).to.equal("[Function named]");
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(canonicalString(cyclic)).to.equal('{"a": 1, "self": [Circular]}');
    // The same object twice, not nested, is not a cycle.
    const shared = { s: 1 };
    expect(canonicalString([shared, shared])).to.equal('[{"s": 1}, {"s": 1}]');
  });
});
