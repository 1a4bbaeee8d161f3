import { expect } from "chai";
import { Packr } from "msgpackr";
import { msgpackCoder, windowFromText, windowText } from "../../../../runners/shared/spill/codecs.js";
import { GLOBAL_WINDOW, IntervalWindow, type BoundedWindow } from "../../../../sdk/model/window.js";
import { GlobalWindows, type WindowFn } from "../../../../sdk/model/window-fn.js";
import { FixedWindows } from "../../../../sdk/model/window-fns.js";

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

  it("writes windows as their window coder's data, and rebuilds them with it", () => {
    const fixed = new FixedWindows(60_000);
    expect(windowFromText(windowText(GLOBAL_WINDOW, new GlobalWindows()), new GlobalWindows())).to.equal(GLOBAL_WINDOW);
    for (const w of [new IntervalWindow(0, 60_000), new IntervalWindow(-120_000, -60_000), new IntervalWindow(-5, 5)]) {
      const rebuilt = windowFromText(windowText(w, fixed), fixed);
      expect(rebuilt).to.be.instanceOf(IntervalWindow);
      expect(rebuilt.id).to.equal(w.id);
      expect(windowText(w, fixed)).to.equal(windowText(new IntervalWindow(w.start, w.end), fixed)); // equal windows, equal text
    }
    class DayWindow implements BoundedWindow {
      constructor(readonly day: number) {}
      get id(): string {
        return `day-${this.day}`;
      }
      maxTimestamp(): number {
        return (this.day + 1) * 86_400_000 - 1;
      }
    }
    const days: WindowFn = {
      description: "Days",
      assignWindows: (t) => [new DayWindow(Math.floor(t / 86_400_000))],
      windowCoder: { encode: (w) => (w as DayWindow).day, decode: (d) => new DayWindow(d as number) },
    };
    const back = windowFromText(windowText(new DayWindow(3), days), days);
    expect(back).to.be.instanceOf(DayWindow);
    expect((back as DayWindow).day).to.equal(3);
    expect(() => windowText(new DayWindow(3), { description: "NoCoder", assignWindows: () => [] })).to.throw(/give NoCoder a windowCoder/);
  });

  it("keeps -0 and own __proto__ keys inside values", () => {
    const coder = msgpackCoder();
    const value = JSON.parse('{"__proto__": {"x": 1}, "list": [0]}') as Record<string, unknown>;
    (value.list as number[])[0] = -0;
    const bytes = Buffer.from(coder.encode(value));
    const back = coder.decode(bytes, 0, bytes.length) as Record<string, unknown>;
    expect(Object.keys(back)).to.deep.equal(["__proto__", "list"]);
    expect(Object.getPrototypeOf(back)).to.equal(Object.prototype);
    expect(Object.is((back.list as number[])[0], -0)).to.equal(true);
  });
});
