import { expect } from "chai";
import {
  decode,
  decodeBundle,
  encode,
  encodeBundle,
  encodeShuffleRecords,
  forEachShuffleRecord,
  shuffleWindowData,
  type ElementCodec,
  type ShuffleCodec,
} from "../../../runners/shared/codec.js";
import { PartitionedShuffleWriter } from "../../../runners/core/partitioned-shuffle-writer.js";
import { Scan, scanValue, whyNotEncodable } from "../../../runners/core/encodability.js";
import { UserCodeError } from "../../../runners/core/user-code-error.js";
import type { ShuffleRecord } from "../../../runners/core/shuffle.js";
import type { WindowedValue } from "../../../runners/core/receiver.js";
import {
  FixedWindows,
  GLOBAL_WINDOW,
  GlobalWindows,
  IntervalWindow,
  NO_FIRING,
  ON_TIME_AND_ONLY_FIRING,
  Sessions,
  SlidingWindows,
  globalWindowCoder,
  intervalWindowCoder,
  kv,
  paneInfo,
  type Coder,
  type KV,
  type WindowCoder,
  type WindowFn,
} from "../../../sdk/index.js";
import { AuctionWindow, auctionWindowCoder } from "../../conformance/cases/coders.cases.js";

const auctions = (withCoder: boolean): WindowFn => ({
  description: withCoder ? "Auctions" : "AuctionsWithoutCoder",
  isMerging: true,
  assignWindows: (t) => [new AuctionWindow(t, t + 10, 1)],
  mergeWindows: () => [],
  ...(withCoder ? { windowCoder: auctionWindowCoder as WindowCoder } : {}),
});

function codec(windowFn: WindowFn, coder?: Coder<unknown>): ElementCodec {
  return { pcollection: "Make/Map.main", step: "Make/Map", windowFn, coder };
}

const wv = (value: unknown, window = GLOBAL_WINDOW as WindowedValue["window"], pane = NO_FIRING, timestamp = 5): WindowedValue => ({ value, timestamp, window, pane });

function roundTrip(values: readonly WindowedValue[], c: ElementCodec): WindowedValue[] {
  return decodeBundle(encodeBundle(values, c), c);
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("did not throw");
}

describe("codec (runners/shared/codec.ts)", () => {
  describe("windows", () => {
    it("round-trip every built-in window kind in their compact forms", () => {
      const cases: [WindowFn, WindowedValue["window"][]][] = [
        [new GlobalWindows(), [GLOBAL_WINDOW]],
        [new FixedWindows(10), [new IntervalWindow(0, 10), new IntervalWindow(-10, 0)]],
        [new SlidingWindows(10, 5), [new IntervalWindow(5, 15)]],
        [new Sessions(10), [new IntervalWindow(3, 27)]],
      ];
      for (const [fn, windows] of cases) {
        const back = roundTrip(
          windows.map((w) => wv("x", w)),
          codec(fn),
        );
        expect(back.map((e) => e.window.id)).to.deep.equal(windows.map((w) => w.id));
        for (const e of back) expect(e.window.constructor).to.equal(windows[0]!.constructor);
      }
      expect(back(GLOBAL_WINDOW)).to.equal(GLOBAL_WINDOW);
      function back(w: WindowedValue["window"]) {
        return roundTrip([wv(1, w)], codec(new GlobalWindows()))[0]!.window;
      }
      expect(globalWindowCoder.encode(GLOBAL_WINDOW)).to.equal(0);
      expect(intervalWindowCoder.encode(new IntervalWindow(1, 2))).to.deep.equal([1, 2]);
    });

    it("carry a custom window class through its WindowFn's coder, fields intact", () => {
      const back = roundTrip([wv("bid", new AuctionWindow(0, 10, 7)), wv("bid", new AuctionWindow(0, 10, 8))], codec(auctions(true)));
      expect(back.map((e) => e.window.id)).to.deep.equal(["0:10@7", "0:10@8"]);
      expect(back[0]!.window).to.be.instanceOf(AuctionWindow);
      expect((back[1]!.window as AuctionWindow).auction).to.equal(8);
    });

    it("refuse an IntervalWindow subclass without a coder, naming the step and the element", () => {
      const e = thrown(() => encodeBundle([wv("bid", new AuctionWindow(0, 10, 7))], codec(auctions(false))));
      expect(e).to.be.instanceOf(UserCodeError);
      expect((e as UserCodeError).step).to.equal("Make/Map");
      expect((e as UserCodeError).element?.value).to.equal("bid");
      expect(e.message).to.match(/window '0:10@7' of class AuctionWindow, a subclass of IntervalWindow.*give AuctionsWithoutCoder a windowCoder/);
      // Not even a built-in windowing's coder takes a subclass.
      expect(() => encodeBundle([wv(1, new AuctionWindow(0, 10, 7))], codec(new FixedWindows(10)))).to.throw(/lose its own fields/);
    });

    it("refuse a window of another class without a coder", () => {
      const odd = { id: "odd", maxTimestamp: () => 5 };
      const fn: WindowFn = { description: "Odd", assignWindows: () => [odd] };
      expect(() => encodeBundle([wv(1, odd)], codec(fn))).to.throw(/cannot encode window 'odd'.*give Odd a windowCoder/);
    });

    it("go into shuffle records with the input's coder", () => {
      const sc: ShuffleCodec = { input: codec(auctions(true)), wholeElements: false, accumulatorStep: undefined };
      const blobs: Uint8Array[] = [];
      const writer = new PartitionedShuffleWriter(1, "END_OF_WINDOW", (c) => blobs.push(encodeShuffleRecords(c.records, sc)), sc.wholeElements);
      writer.write("k", new AuctionWindow(0, 10, 3), 4, 1, kv("k", 1));
      writer.write("k", new AuctionWindow(0, 10, 4), 5, 2, kv("k", 2));
      writer.commit();
      const records: ShuffleRecord[] = [];
      forEachShuffleRecord(blobs[0]!, (r) => records.push(r), sc);
      expect(records.map((r) => [r.key, r.window.id, r.timestamp, r.value])).to.deep.equal([
        ["k", "0:10@3", 4, 1],
        ["k", "0:10@4", 5, 2],
      ]);
      expect(records[0]!.window).to.be.instanceOf(AuctionWindow);
      const without: ShuffleCodec = { ...sc, input: codec(auctions(false)) };
      const e = thrown(() => shuffleWindowData(without, new AuctionWindow(0, 10, 3), "k", 1));
      expect((e as UserCodeError).step).to.equal("Make/Map");
      expect((e as UserCodeError).element?.value).to.deep.equal(kv("k", 1));
    });
  });

  describe("values", () => {
    it("keep panes, timestamps and structured-clone types", () => {
      const late = paneInfo({ isFirst: false, isLast: true, timing: "LATE", index: 3, nonSpeculativeIndex: 1 });
      const values = [new Map([[1, new Set(["a"])]]), new Date(5), 10n, new Uint8Array([1, 2]), undefined, null, "s", [1, [2]]];
      const back = roundTrip(
        values.map((v, i) => wv(v, GLOBAL_WINDOW, i % 2 ? late : ON_TIME_AND_ONLY_FIRING, i)),
        codec(new GlobalWindows()),
      );
      expect(back.map((e) => e.value)).to.deep.equal(values);
      expect(back.map((e) => e.timestamp)).to.deep.equal(values.map((_, i) => i));
      expect(back[1]!.pane).to.deep.equal(late);
      expect(back[0]!.pane).to.equal(ON_TIME_AND_ONLY_FIRING);
    });

    it("keep -0, at the top and nested, in bundles, shuffle records and snapshots", () => {
      const [top, nested] = roundTrip([wv(-0), wv({ a: [-0, 0], m: new Map([["z", -0]]) })], codec(new GlobalWindows())).map((e) => e.value) as [
        number,
        { a: number[]; m: Map<string, number> },
      ];
      expect(Object.is(top, -0)).to.equal(true);
      expect(Object.is(nested.a[0], -0)).to.equal(true);
      expect(Object.is(nested.a[1], 0)).to.equal(true);
      expect(Object.is(nested.m.get("z"), -0)).to.equal(true);
      const records: ShuffleRecord[] = [];
      forEachShuffleRecord(encodeShuffleRecords(["k", GLOBAL_WINDOW, 1, { x: -0 }]), (r) => records.push(r));
      expect(Object.is((records[0]!.value as { x: number }).x, -0)).to.equal(true);
      expect(Object.is(decode<{ v: number }>(encode({ v: -0 })).v, -0)).to.equal(true);
    });

    it("keep an own __proto__ key as an own key, without touching the prototype", () => {
      const own = JSON.parse('{"__proto__": {"polluted": true}, "n": 1}') as Record<string, unknown>;
      const shared = { a: own, b: own };
      const back = roundTrip([wv(own), wv(shared)], codec(new GlobalWindows())).map((e) => e.value) as [Record<string, unknown>, { a: object; b: object }];
      expect(Object.keys(back[0])).to.deep.equal(["__proto__", "n"]);
      expect(Object.getPrototypeOf(back[0])).to.equal(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(back[0], "__proto__")!.value).to.deep.equal({ polluted: true });
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(back[1].a).to.equal(back[1].b); // shared references stay shared
    });

    it("refuse functions, symbols and class instances, naming the step, the element and where the value is", () => {
      class Point {
        constructor(readonly x: number) {}
      }
      const cases: [unknown, RegExp][] = [
        [{ n: 1, format: function format() {} }, /a function at \.format \(format\)/],
        [[1, () => 2], /a function at \[1\]/],
        [{ tag: Symbol("t") }, /a symbol at \.tag \(Symbol\(t\)\)/],
        [Symbol("top"), /a symbol \(Symbol\(top\)\)/],
        [{ p: new Point(1) }, /an instance of class Point at \.p/],
        [new Map([["k", { f: () => 1 }]]), /a function at <map value 0>\.f/],
      ];
      for (const [value, reason] of cases) {
        const e = thrown(() => encodeBundle([wv("fine"), wv(value)], codec(new GlobalWindows())));
        expect(e, String(value)).to.be.instanceOf(UserCodeError);
        expect((e as UserCodeError).step).to.equal("Make/Map");
        expect((e as UserCodeError).element?.value).to.equal(value);
        expect(e.message).to.match(/^step 'Make\/Map' failed: NotEncodableError: an element of Make\/Map\.main cannot be encoded: it holds /);
        expect(e.message).to.match(reason);
        expect(e.message).to.match(/setCoder/);
      }
    });

    it("refuse what cannot cross in shuffle records with the KV's path, naming the accumulators of a lifted combine", () => {
      const plain: ShuffleCodec = { input: codec(new GlobalWindows()), wholeElements: false, accumulatorStep: undefined };
      const e = thrown(() => encodeShuffleRecords(["k", GLOBAL_WINDOW, 1, { f: () => 1 }], plain));
      expect((e as UserCodeError).step).to.equal("Make/Map");
      expect(e.message).to.match(/an element of Make\/Map\.main cannot be encoded: it holds a function at \.value\.f/);
      const lifted: ShuffleCodec = { ...plain, accumulatorStep: "Sum/Combine" };
      const l = thrown(() => encodeShuffleRecords(["k", GLOBAL_WINDOW, 1, new Set([Symbol("s")])], lifted));
      expect((l as UserCodeError).step).to.equal("Sum/Combine");
      expect(l.message).to.match(/the accumulators of Sum\/Combine cannot be encoded: it holds a symbol at \.value<set value 0>/);
    });

    it("encode a PCollection's elements with its own coder, in bundles and (whole KVs) in shuffle records", () => {
      class Point {
        constructor(readonly x: number) {}
        double(): number {
          return this.x * 2;
        }
      }
      let encoded = 0;
      let decoded = 0;
      const kvPoints: Coder<KV<string, Point>> = {
        name: "KvPoint",
        encode: (e) => {
          encoded++;
          return Buffer.from(`${e.key}=${e.value.x}`);
        },
        decode: (b) => {
          decoded++;
          const [key, x] = Buffer.from(b).toString().split("=");
          return kv(key!, new Point(Number(x)));
        },
      };
      const c = codec(new GlobalWindows(), kvPoints as Coder<unknown>);
      const back = roundTrip([wv(kv("a", new Point(2)))], c);
      expect((back[0]!.value as KV<string, Point>).value.double()).to.equal(4);
      const sc: ShuffleCodec = { input: c, wholeElements: true, accumulatorStep: undefined };
      const blobs: Uint8Array[] = [];
      const writer = new PartitionedShuffleWriter(2, "END_OF_WINDOW", (c) => blobs.push(encodeShuffleRecords(c.records, sc)), sc.wholeElements);
      for (let i = 0; i < 4; i++) writer.write(`k${i}`, GLOBAL_WINDOW, i, new Point(i), kv(`k${i}`, new Point(i)));
      writer.commit();
      const records: [unknown, unknown][] = [];
      for (const blob of blobs) forEachShuffleRecord(blob, (r) => records.push([r.key, (r.value as Point).double()]), sc);
      expect(records.sort()).to.deep.equal([
        ["k0", 0],
        ["k1", 2],
        ["k2", 4],
        ["k3", 6],
      ]);
      expect([encoded, decoded]).to.deep.equal([5, 5]);
      const failing: Coder<unknown> = { name: "Failing", encode: () => { throw new RangeError("too big"); }, decode: () => 0 };
      const e = thrown(() => encodeBundle([wv(1)], codec(new GlobalWindows(), failing)));
      expect(e.message).to.equal("step 'Make/Map' failed: RangeError: too big");
    });
  });

  describe("scanValue (runners/core/encodability.ts)", () => {
    it("says what encodes as it is, what needs escaping and what cannot cross", () => {
      expect(scanValue("s")).to.equal(Scan.Plain);
      expect(scanValue({ a: [1, new Date(0), new Uint8Array(1), new Error("e"), /x/, Object.create(null)] })).to.equal(Scan.Plain);
      expect(scanValue(-0)).to.equal(Scan.Escape);
      expect(scanValue(JSON.parse('{"__proto__": 1}'))).to.equal(Scan.Escape);
      expect(scanValue(new Set([() => 1]))).to.equal(Scan.Refused);
      class Sub extends Array {}
      expect(scanValue(new Sub())).to.equal(Scan.Refused);
      expect(whyNotEncodable({ ok: 1 })).to.equal(undefined);
    });

    it("terminates on cyclic values, deeper than its untracked depth too", () => {
      const cyclic: Record<string, unknown> = { n: 1 };
      cyclic.self = cyclic;
      expect(scanValue(cyclic)).to.equal(Scan.Plain);
      let deep: Record<string, unknown> = { leaf: () => 1 };
      for (let i = 0; i < 1000; i++) deep = { next: deep };
      expect(scanValue(deep)).to.equal(Scan.Refused);
      const back = decodeBundle(encodeBundle([wv(cyclic)], codec(new GlobalWindows())))[0]!.value as Record<string, unknown>;
      expect(back.self).to.equal(back);
    });
  });
});
