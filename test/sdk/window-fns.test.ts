import { expect } from "chai";
import {
  END_OF_GLOBAL_WINDOW,
  FixedWindows,
  IntervalWindow,
  Sessions,
  SlidingWindows,
  mergeOverlappingIntervals,
} from "../../sdk/index.js";

const ids = (ws: readonly IntervalWindow[]): string[] => ws.map((w) => w.id);

describe("FixedWindows", () => {
  it("puts each timestamp in the window of its size that contains it", () => {
    const fn = new FixedWindows(10);
    expect(ids(fn.assignWindows(0))).to.deep.equal(["0:10"]);
    expect(ids(fn.assignWindows(9))).to.deep.equal(["0:10"]);
    expect(ids(fn.assignWindows(10))).to.deep.equal(["10:20"]);
  });

  it("handles negative timestamps with floor modulo (the window always contains the element)", () => {
    const fn = new FixedWindows(10);
    expect(ids(fn.assignWindows(-1))).to.deep.equal(["-10:0"]);
    expect(ids(fn.assignWindows(-15))).to.deep.equal(["-20:-10"]);
  });

  it("shifts windows by the offset", () => {
    expect(ids(new FixedWindows(10, 3).assignWindows(2))).to.deep.equal(["-7:3"]);
    expect(ids(new FixedWindows(10, 3).assignWindows(3))).to.deep.equal(["3:13"]);
  });

  it("truncates the last window to end just after the end of the global window", () => {
    const [w] = new FixedWindows(1_000_000).assignWindows(END_OF_GLOBAL_WINDOW);
    expect(w!.maxTimestamp()).to.equal(END_OF_GLOBAL_WINDOW);
  });

  it("rejects bad parameters at construction", () => {
    expect(() => new FixedWindows(0)).to.throw(RangeError, /size must be a positive integer/);
    expect(() => new FixedWindows(-5)).to.throw(RangeError, /size/);
    expect(() => new FixedWindows(1.5)).to.throw(RangeError, /size/);
    expect(() => new FixedWindows(10, 10)).to.throw(RangeError, /0 <= offset < size/);
    expect(() => new FixedWindows(10, -1)).to.throw(RangeError, /offset/);
  });

  it("rejects timestamps after the end of the global window", () => {
    expect(() => new FixedWindows(10).assignWindows(END_OF_GLOBAL_WINDOW + 1)).to.throw(/after the end of the global window/);
  });

  it("has a stable description", () => {
    expect(new FixedWindows(60_000).description).to.equal("FixedWindows(size=60000ms, offset=0ms)");
    expect(new FixedWindows(60_000, 5).description).to.equal("FixedWindows(size=60000ms, offset=5ms)");
  });
});

describe("SlidingWindows", () => {
  it("puts each timestamp in size/period windows, earliest first", () => {
    expect(ids(new SlidingWindows(10, 5).assignWindows(7))).to.deep.equal(["0:10", "5:15"]);
    expect(ids(new SlidingWindows(10, 5).assignWindows(5))).to.deep.equal(["0:10", "5:15"]);
    expect(ids(new SlidingWindows(10, 5).assignWindows(4))).to.deep.equal(["-5:5", "0:10"]);
    expect(ids(new SlidingWindows(10, 3).assignWindows(7))).to.deep.equal(["0:10", "3:13", "6:16"]);
  });

  it("is fixed windowing when period equals size", () => {
    expect(ids(new SlidingWindows(10, 10).assignWindows(7))).to.deep.equal(["0:10"]);
  });

  it("honours the offset", () => {
    expect(ids(new SlidingWindows(10, 5, 2).assignWindows(7))).to.deep.equal(["2:12", "7:17"]);
  });

  it("rejects bad parameters at construction", () => {
    expect(() => new SlidingWindows(10, 0)).to.throw(RangeError, /period must be a positive integer/);
    expect(() => new SlidingWindows(10, 20)).to.throw(RangeError, /must not exceed size/);
    expect(() => new SlidingWindows(10, 5, 5)).to.throw(RangeError, /0 <= offset < period/);
  });

  it("has a stable description", () => {
    expect(new SlidingWindows(10, 5).description).to.equal("SlidingWindows(size=10ms, period=5ms, offset=0ms)");
  });
});

describe("Sessions", () => {
  it("assigns [t, t + gap) and is merging", () => {
    const fn = new Sessions(10);
    expect(ids(fn.assignWindows(3))).to.deep.equal(["3:13"]);
    expect(fn.isMerging).to.equal(true);
  });

  it("merges overlapping windows but not adjacent ones", () => {
    const merges = new Sessions(10).mergeWindows([new IntervalWindow(0, 10), new IntervalWindow(20, 30), new IntervalWindow(5, 15), new IntervalWindow(15, 25)]);
    expect(merges.map((m) => ({ merged: ids(m.merged), result: m.result.id }))).to.deep.equal([
      { merged: ["0:10", "5:15"], result: "0:15" },
      { merged: ["15:25", "20:30"], result: "15:30" },
    ]);
    expect(mergeOverlappingIntervals([new IntervalWindow(0, 10), new IntervalWindow(10, 20)])).to.deep.equal([]);
  });

  it("returns an existing window as the result when it covers the others", () => {
    const big = new IntervalWindow(0, 20);
    const [m] = mergeOverlappingIntervals([big, new IntervalWindow(5, 10)]);
    expect(m!.result).to.equal(big);
  });

  it("rejects a non-positive gap", () => {
    expect(() => new Sessions(0)).to.throw(RangeError, /gap must be a positive integer/);
  });
});
