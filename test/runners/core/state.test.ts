import { expect } from "chai";
import { Packr } from "msgpackr";
import { FixedWindows, IntervalWindow, Sessions, TIMESTAMP_MAX_VALUE, type CombineFn } from "../../../sdk/index.js";
import { InMemoryStateInternals } from "../../../runners/core/state/in-memory-state-internals.js";
import { InMemoryTimerInternals } from "../../../runners/core/state/timer-internals.js";
import { KEY_NAMESPACE } from "../../../runners/core/state/state-namespace.js";
import { StateTags, type StateTag } from "../../../runners/core/state/state-tags.js";
import { keyHash } from "../../../runners/core/key-encoding.js";

const packr = new Packr({ structuredClone: true });
const roundTrip = <T>(x: T): T => packr.unpack(packr.pack(x)) as T;

const sumFn: CombineFn<number, number, number> = {
  createAccumulator: () => 0,
  addInput: (a, x) => a + x,
  mergeAccumulators: (as) => as.reduce((a, b) => a + b, 0),
  extractOutput: (a) => a,
};

const VALUE = StateTags.value<{ n: number }>("value");
const BAG = StateTags.bag<string>("bag");
const SUM = StateTags.combining("sum", sumFn);
const MAP = StateTags.map<unknown, number>("map");
const SET = StateTags.set<unknown>("set");
const LIST = StateTags.orderedList<string>("list");
const EARLIEST = StateTags.watermarkHold("earliest", "EARLIEST");
const LATEST = StateTags.watermarkHold("latest", "LATEST");
const EOW = StateTags.watermarkHold("eow", "END_OF_WINDOW");
const TAGS: StateTag[] = [VALUE, BAG, SUM, MAP, SET, LIST, EARLIEST, LATEST, EOW];

const w0 = new IntervalWindow(0, 10);
const w1 = new IntervalWindow(10, 20);
const store = () => new InMemoryStateInternals({ step: "s", windowFn: new FixedWindows(10) });

describe("InMemoryStateInternals", () => {
  it("keeps each kind of cell", () => {
    const s = store();
    expect(s.state("k", w0, VALUE).read()).to.equal(undefined);
    s.state("k", w0, VALUE).write({ n: 1 });
    expect(s.state("k", w0, VALUE).read()).to.deep.equal({ n: 1 });

    s.state("k", w0, BAG).add("a");
    s.state("k", w0, BAG).add("b");
    expect(s.state("k", w0, BAG).read()).to.deep.equal(["a", "b"]);

    s.state("k", w0, SUM).add(2);
    s.state("k", w0, SUM).addAccum(5);
    expect(s.state("k", w0, SUM).read()).to.equal(7);
    expect(s.state("k", w1, SUM).read()).to.equal(0); // empty: extractOutput(createAccumulator())
    expect(s.state("k", w1, SUM).readAccum()).to.equal(undefined);

    const map = s.state("k", w0, MAP);
    map.put({ b: 1, a: 2 }, 1);
    map.put({ a: 2, b: 1 }, 2); // the same key, deterministically encoded
    map.put("x", 3);
    expect(map.get({ a: 2, b: 1 })).to.equal(2);
    expect(map.entries()).to.have.length(2);
    map.remove("x");
    expect(map.get("x")).to.equal(undefined);

    const set = s.state("k", w0, SET);
    expect(set.add([1, 2])).to.equal(true);
    expect(set.add([1, 2])).to.equal(false);
    expect(set.contains([1, 2])).to.equal(true);
    set.remove([1, 2]);
    expect(set.isEmpty()).to.equal(true);

    const list = s.state("k", w0, LIST);
    list.add(5, "c");
    list.add(1, "a");
    list.add(5, "d");
    list.add(3, "b");
    expect(list.read()).to.deep.equal([[1, "a"], [3, "b"], [5, "c"], [5, "d"]]);
    expect(list.readRange(3, 5)).to.deep.equal([[3, "b"]]);
    list.clearRange(0, 4);
    expect(list.read()).to.deep.equal([[5, "c"], [5, "d"]]);

    s.state("k", w0, EARLIEST).add(7);
    s.state("k", w0, EARLIEST).add(4);
    s.state("k", w0, LATEST).add(4);
    s.state("k", w0, LATEST).add(7);
    expect([s.state("k", w0, EARLIEST).read(), s.state("k", w0, LATEST).read()]).to.deep.equal([4, 7]);
  });

  it("scopes cells by key and namespace, and lists keys per namespace", () => {
    const s = store();
    s.state("a", w0, BAG).add("a0");
    s.state("b", w0, BAG).add("b0");
    s.state({ x: 1 }, w1, BAG).add("x1");
    s.state("a", KEY_NAMESPACE, VALUE).write({ n: 9 });
    expect(s.state("a", w1, BAG).read()).to.deep.equal([]);
    expect(s.keysIn(w0)).to.have.members(["a", "b"]);
    expect(s.keysIn(w1)).to.deep.equal([{ x: 1 }]);
    expect(s.namespaces().map((n) => n.id)).to.have.members([w0.id, w1.id, KEY_NAMESPACE.id]);
    expect(s.state("a", KEY_NAMESPACE, VALUE).read()).to.deep.equal({ n: 9 });
  });

  it("clears a key's window or a whole window, leaving nothing behind", () => {
    const s = store();
    for (const k of ["a", "b"]) {
      s.state(k, w0, BAG).add(k);
      s.state(k, w0, EARLIEST).add(3);
      s.state(k, w1, BAG).add(k);
    }
    s.clear("a", w0);
    expect(s.keysIn(w0)).to.deep.equal(["b"]);
    expect(s.state("a", w0, BAG).isEmpty()).to.equal(true);
    expect(s.minimumHold()).to.equal(3);
    s.clearNamespace(w0);
    expect(s.keysIn(w0)).to.deep.equal([]);
    expect(s.minimumHold()).to.equal(TIMESTAMP_MAX_VALUE);
    s.clearNamespace(w1);
    expect(s.isEmpty).to.equal(true);
    expect(s.snapshot().keys).to.deep.equal([]);
    // A cell emptied by removals is not state either.
    s.state("k", w0, MAP).put(1, 1);
    s.state("k", w0, MAP).remove(1);
    expect(s.isEmpty).to.equal(true);
  });

  it("gives a handle kept across clear the live cell", () => {
    const s = store();
    const bag = s.state("k", w0, BAG);
    bag.add("a");
    const read = bag.read();
    s.clearNamespace(w0);
    expect(read).to.deep.equal(["a"]); // what was read before stays the caller's
    bag.add("b");
    expect(s.state("k", w0, BAG).read()).to.deep.equal(["b"]);
    expect(s.keysIn(w0)).to.deep.equal(["k"]);
  });

  it("tracks the minimum hold across namespaces as holds rise and go", () => {
    const s = store();
    s.state("a", w0, LATEST).add(2);
    s.state("b", w0, LATEST).add(5);
    s.state("a", w1, EARLIEST).add(12);
    expect(s.minimumHold()).to.equal(2);
    s.state("a", w0, LATEST).add(8); // rises past b's
    expect(s.minimumHold()).to.equal(5);
    s.state("b", w0, LATEST).clear();
    expect(s.minimumHold()).to.equal(8);
    s.clear("a", w0);
    expect(s.minimumHold()).to.equal(12);
    s.state("c", w1, EARLIEST).add(11);
    expect(s.minimumHold()).to.equal(11);
  });

  it("merges namespaces kind by kind and clears the sources", () => {
    const sessions = new Sessions(10);
    const s = new InMemoryStateInternals({ step: "s", windowFn: sessions });
    const a = new IntervalWindow(0, 10);
    const b = new IntervalWindow(5, 15);
    const merged = new IntervalWindow(0, 15);
    s.state("k", a, BAG).add("a");
    s.state("k", b, BAG).add("b");
    s.state("k", a, SUM).add(1);
    s.state("k", b, SUM).add(2);
    s.state("k", a, SET).add(1);
    s.state("k", b, SET).add(1);
    s.state("k", b, SET).add(2);
    s.state("k", a, MAP).put("x", 1);
    s.state("k", b, MAP).put("x", 2);
    s.state("k", b, MAP).put("y", 3);
    s.state("k", a, LIST).add(3, "a");
    s.state("k", b, LIST).add(1, "b");
    s.state("k", a, EARLIEST).add(4);
    s.state("k", b, EARLIEST).add(6);
    s.state("k", a, LATEST).add(4);
    s.state("k", b, LATEST).add(6);
    s.state("k", a, EOW).add(9);
    s.state("k", a, VALUE).write({ n: 1 });
    s.merge("k", [a, b], merged, TAGS.filter((t) => t !== VALUE));
    expect(s.state("k", merged, BAG).read()).to.deep.equal(["a", "b"]);
    expect(s.state("k", merged, SUM).read()).to.equal(3);
    expect(s.state("k", merged, SET).read()).to.have.members([1, 2]);
    expect(s.state("k", merged, MAP).entries()).to.have.deep.members([["x", 1], ["y", 3]]);
    expect(s.state("k", merged, LIST).read()).to.deep.equal([[1, "b"], [3, "a"]]);
    expect(s.state("k", merged, EARLIEST).read()).to.equal(4);
    expect(s.state("k", merged, LATEST).read()).to.equal(6);
    expect(s.state("k", merged, EOW).read()).to.equal(14); // re-derived from the merged window
    expect(s.state("k", b, BAG).isEmpty()).to.equal(true);
    expect(s.keysIn(b)).to.deep.equal([]);
    expect(s.keysIn(a)).to.deep.equal(["k"]); // the value cell was not merged
    expect(() => s.merge("k", [a], merged, [VALUE])).to.throw(/value state "value" cannot be merged/);
    // Into one of the sources: it keeps its contents first.
    s.state("k", b, BAG).add("c");
    s.merge("k", [merged, b], merged, [BAG]);
    expect(s.state("k", merged, BAG).read()).to.deep.equal(["a", "b", "c"]);
  });

  it("snapshot and restore every kind through msgpack, whole or per key group", () => {
    const s = store();
    const keys = ["a", "b", { c: [1] }, 7];
    for (const k of keys) {
      s.state(k, w0, VALUE).write({ n: 1 });
      s.state(k, w0, BAG).add("x");
      s.state(k, w1, SUM).add(3);
      s.state(k, w1, MAP).put({ m: 1 }, 2);
      s.state(k, w1, SET).add("s");
      s.state(k, w1, LIST).add(4, "l");
      s.state(k, w0, EARLIEST).add(5);
      s.state(k, KEY_NAMESPACE, LATEST).add(6);
    }
    const restored = InMemoryStateInternals.restore(roundTrip(s.snapshot()), { step: "s", windowFn: new FixedWindows(10), tags: TAGS });
    expect(restored.snapshot()).to.deep.equal(roundTrip(s.snapshot()));
    for (const k of keys) {
      expect(restored.state(k, w1, MAP).get({ m: 1 })).to.equal(2);
      expect(restored.state(k, w1, SET).contains("s")).to.equal(true);
      expect(restored.state(k, w1, SUM).read()).to.equal(3);
    }
    expect(restored.minimumHold()).to.equal(5);
    const groups = 3;
    let total = 0;
    for (let g = 0; g < groups; g++) {
      const part = s.snapshot({ keyGroup: g, keyGroups: groups });
      for (const k of part.keys) expect(keyHash(k) % groups).to.equal(g);
      total += part.keys.length;
    }
    expect(total).to.equal(keys.length);
    expect(() => InMemoryStateInternals.restore(s.snapshot(), { step: "s", windowFn: new FixedWindows(10), tags: [BAG] })).to.throw(/does not declare/);
  });

  it("refuses one tag id with two kinds", () => {
    const s = store();
    s.state("k", w0, StateTags.bag("x")).add(1);
    expect(() => s.state("k", w0, StateTags.value("x"))).to.throw(/used as value and bag/);
  });
});

describe("InMemoryTimerInternals", () => {
  const fn = new FixedWindows(10);

  it("fires timers strictly after their time, in time order, ties in the order set", () => {
    const t = new InMemoryTimerInternals(fn);
    t.setTimer("b", w0, "", "x", "EVENT_TIME", 9);
    t.setTimer("a", w0, "", "x", "EVENT_TIME", 5);
    t.setTimer("c", w1, "", "x", "EVENT_TIME", 9);
    t.setTimer("a", w0, "", "y", "PROCESSING_TIME", 1);
    expect(t.nextFiringTime("EVENT_TIME")).to.equal(5);
    expect(t.popEligible("EVENT_TIME", 5)).to.equal(undefined);
    const fired = [];
    for (let x = t.popEligible("EVENT_TIME", 10); x; x = t.popEligible("EVENT_TIME", 10)) fired.push([x.key, x.firingTime]);
    expect(fired).to.deep.equal([["a", 5], ["b", 9], ["c", 9]]);
    expect(t.nextFiringTime("PROCESSING_TIME")).to.equal(1);
    expect(t.isEmpty).to.equal(false);
    expect(t.popEligible("PROCESSING_TIME", 2)?.domain).to.equal("PROCESSING_TIME");
    expect(t.isEmpty).to.equal(true);
  });

  it("replaces a timer set again at the same address; deletes one, or all of a window (per domain)", () => {
    const t = new InMemoryTimerInternals(fn);
    t.setTimer("k", w0, "fam", "id", "EVENT_TIME", 5);
    t.setTimer("k", w0, "fam", "id", "EVENT_TIME", 7);
    expect(t.nextFiringTime("EVENT_TIME")).to.equal(7);
    t.setTimer("k", w0, "fam", "other", "EVENT_TIME", 3);
    t.deleteTimer("k", w0, "fam", "other", "EVENT_TIME");
    expect(t.nextFiringTime("EVENT_TIME")).to.equal(7);
    t.setTimer("k", w0, "", "p", "PROCESSING_TIME", 1);
    t.deleteTimers("k", w0, "PROCESSING_TIME");
    expect(t.nextFiringTime("PROCESSING_TIME")).to.equal(undefined);
    expect(t.nextFiringTime("EVENT_TIME")).to.equal(7);
    t.deleteTimers("k", w0);
    expect(t.isEmpty).to.equal(true);
  });

  it("holds the output watermark at pending timers' output timestamps", () => {
    const t = new InMemoryTimerInternals(fn);
    t.setTimer("k", w0, "", "a", "EVENT_TIME", 9, 4);
    t.setTimer("k", w1, "", "b", "PROCESSING_TIME", 100, 12);
    t.setTimer("j", w1, "", "c", "EVENT_TIME", 15);
    expect(t.minimumOutputTimestamp()).to.equal(4);
    t.popEligible("EVENT_TIME", 10);
    expect(t.minimumOutputTimestamp()).to.equal(12);
    t.setTimer("k", w1, "", "b", "PROCESSING_TIME", 100); // replaced without an output timestamp
    expect(t.minimumOutputTimestamp()).to.equal(TIMESTAMP_MAX_VALUE);
  });

  it("snapshot and restore timers and clocks through msgpack, keeping their order", () => {
    const t = new InMemoryTimerInternals(fn);
    t.advanceInputWatermark(3);
    t.advanceOutputWatermark(2);
    t.advanceProcessingTime(50);
    t.advanceInputWatermark(1); // never backwards
    t.setTimer({ k: 1 }, w0, "f", "1", "EVENT_TIME", 9, 5);
    t.setTimer("a", w1, "", "2", "EVENT_TIME", 9);
    t.setTimer("a", KEY_NAMESPACE, "", "3", "PROCESSING_TIME", 60);
    const r = InMemoryTimerInternals.restore(roundTrip(t.snapshot()), fn);
    expect([r.inputWatermark, r.outputWatermark, r.processingTime]).to.deep.equal([3, 2, 50]);
    expect(r.minimumOutputTimestamp()).to.equal(5);
    const first = r.popEligible("EVENT_TIME", 10)!;
    expect([first.key, first.namespace.id, first.family, first.id]).to.deep.equal([{ k: 1 }, w0.id, "f", "1"]);
    expect(r.popEligible("EVENT_TIME", 10)!.key).to.equal("a");
    expect(r.popEligible("PROCESSING_TIME", 61)!.namespace).to.equal(KEY_NAMESPACE);
    const part = t.snapshot({ keyGroup: keyHash("a") % 2, keyGroups: 2 });
    expect(part.keys).to.deep.equal(["a"]);
    expect(part.firing.length, "a's two timers").to.equal(2);
  });
});
