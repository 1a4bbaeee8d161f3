import { expect } from "chai";
import { Packr } from "msgpackr";
import { msgpackCoder, windowFromId } from "../../../../runners/shared/spill/codecs.js";
import { GLOBAL_WINDOW, IntervalWindow } from "../../../../sdk/model/window.js";

describe("spill codecs", () => {
  it("writes numbers by hand as msgpack that decodes to the same number", () => {
    const coder = msgpackCoder();
    const numbers = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -1, -32, -33, -128, -129, -(2 ** 31), -(2 ** 31) - 1,
      1.5, -0, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e300, Number.MIN_VALUE];
    const plain = new Packr({ structuredClone: true });
    for (const n of numbers) {
      const bytes = Buffer.from(coder.encode(n));
      const framed = Buffer.concat([Buffer.from([7, 7]), bytes, Buffer.from([7])]);
      expect(Object.is(coder.decode(framed, 2, 2 + bytes.length), n), `${n}`).to.equal(true);
      expect(Object.is(plain.unpack(bytes), n), `${n} by msgpackr`).to.equal(true);
    }
  });

  it("keeps a key's bytes when the value is encoded next (each coder has its own scratch)", () => {
    const keys = msgpackCoder();
    const values = msgpackCoder();
    const k = keys.encode(5);
    values.encode(6);
    expect([...k]).to.deep.equal([5]);
  });

  it("rebuilds global and interval windows from their ids, and refuses others", () => {
    expect(windowFromId("global")).to.equal(GLOBAL_WINDOW);
    for (const w of [new IntervalWindow(0, 60_000), new IntervalWindow(-120_000, -60_000), new IntervalWindow(-5, 5)]) {
      const rebuilt = windowFromId(w.id);
      expect(rebuilt).to.be.instanceOf(IntervalWindow);
      expect(rebuilt.id).to.equal(w.id);
    }
    expect(() => windowFromId("session:1")).to.throw(/neither the global window nor an interval window/);
  });
});
