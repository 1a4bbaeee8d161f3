import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ExternalGrouper, type ExternalGrouperOptions, type Group } from "../../../../runners/shared/spill/index.js";
import { encodeKey, NonDeterministicKeyError } from "../../../../runners/core/key-encoding.js";
import type { ShuffleRecord } from "../../../../runners/core/shuffle.js";
import { GLOBAL_WINDOW, IntervalWindow, type BoundedWindow } from "../../../../sdk/model/window.js";
import type { WindowFn } from "../../../../sdk/model/window-fn.js";

/** mulberry32: a small seeded generator, so every failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WINDOWS: BoundedWindow[] = [GLOBAL_WINDOW, new IntervalWindow(0, 60_000), new IntervalWindow(60_000, 120_000), new IntervalWindow(-60_000, 0)];

/** Records with keys of every encodable kind (and some non-ASCII), a few windows and values of several types. */
function randomRecords(n: number, seed: number, distinctKeys: number): ShuffleRecord[] {
  const rnd = random(seed);
  const keyOf = (k: number): unknown => {
    switch (k % 8) {
      case 0: return k % 16 === 8 ? `q"\\\n\u0000${k}` : `word${k}`; // escapes, and a NUL, in the key text
      case 1: return k * 1.5;
      case 2: return { id: k, tag: "x" };
      case 3: return [k, `é${k}`];
      case 4: return `ключ-${k}-😀`;
      case 5: return k % 16 === 5 ? null : true;
      case 6: return BigInt(k);
      default: return new Date(k);
    }
  };
  const records: ShuffleRecord[] = [];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rnd() * distinctKeys);
    const window = WINDOWS[Math.floor(rnd() * (k % 3 === 0 ? 4 : 1))]!;
    const v = rnd();
    const value = v < 0.6 ? i : v < 0.8 ? { i, s: "v".repeat(i % 13) } : v < 0.9 ? new Map([[i, [i]]]) : `value ${i}`;
    records.push({ key: keyOf(k), window, timestamp: Math.floor(rnd() * 1e6), value });
  }
  return records;
}

/** The reference: a Map grouping by (key encoding, window id), records in arrival order. */
function referenceGroups(records: readonly ShuffleRecord[]): Map<string, { key: unknown; window: BoundedWindow; records: { timestamp: number; value: unknown }[] }> {
  const groups = new Map<string, { key: unknown; window: BoundedWindow; records: { timestamp: number; value: unknown }[] }>();
  for (const r of records) {
    const id = `${encodeKey(r.key)}\0${r.window.id}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key: r.key, window: r.window, records: [] }));
    g.records.push({ timestamp: r.timestamp, value: r.value });
  }
  return groups;
}

async function collect(store: ExternalGrouper): Promise<Group[]> {
  const out: Group[] = [];
  for await (const g of store.groups()) out.push(g);
  return out;
}

describe("ExternalGrouper", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-spill-test-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const store = (options: Partial<ExternalGrouperOptions> = {}): ExternalGrouper =>
    new ExternalGrouper({ dir, memoryBytes: 1 << 30, ...options });

  /** Adds the records, reads every group, closes; checks the groups against the reference and the dir is empty. */
  async function groupAndCheck(records: readonly ShuffleRecord[], options: Partial<ExternalGrouperOptions>) {
    const s = store(options);
    let groups: Group[];
    try {
      for (const r of records) s.add(r);
      groups = await collect(s);
    } finally {
      await s.close();
    }
    const expected = referenceGroups(records);
    expect(groups.length).to.equal(expected.size);
    const seen = new Set<string>();
    for (const g of groups) {
      const id = `${encodeKey(g.key)}\0${g.window.id}`;
      expect(seen.has(id), `group ${id} yielded twice`).to.equal(false);
      seen.add(id);
      const e = expected.get(id);
      expect(e, `unexpected group ${id}`).to.not.equal(undefined);
      expect(g.window.id).to.equal(e!.window.id);
      expect(g.window.constructor).to.equal(e!.window.constructor);
      expect(g.key).to.deep.equal(e!.key);
      expect(g.records).to.deep.equal(e!.records); // same records, in arrival order
    }
    expect(fs.readdirSync(dir)).to.deep.equal([]);
    return s.stats;
  }

  describe("groups like an in-memory Map, whatever the number of runs", () => {
    const records = randomRecords(20_000, 42, 3_000);
    // The bytes this data set takes buffered, to size budgets against.
    let total = 0;
    before(async () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-spill-size-"));
      const s = new ExternalGrouper({ dir: d, memoryBytes: 1 << 30 });
      for (const r of records) s.add(r);
      total = s.bufferedBytes;
      await s.close();
      fs.rmSync(d, { recursive: true });
    });
    /** A budget whose record part (the budget less the 1/16 write buffer) is `fraction` of the data. */
    const budget = (fraction: number) => Math.ceil((total * fraction) / (15 / 16));

    it("0 runs (everything fits)", async () => {
      const stats = await groupAndCheck(records, {});
      expect(stats.spills).to.equal(0);
      expect(stats.records).to.equal(records.length);
      expect(stats.peakBufferedBytes).to.be.at.least(total);
    });

    it("1 run (spilled once, the rest merged from memory)", async () => {
      const stats = await groupAndCheck(records, { memoryBytes: budget(0.6) });
      expect(stats.spills).to.equal(1);
    });

    it("4 runs", async () => {
      const stats = await groupAndCheck(records, { memoryBytes: budget(0.2) });
      expect(stats.spills).to.be.within(4, 5);
      expect(stats.peakBufferedBytes).to.be.at.most(budget(0.2));
    });

    it("many runs, merged in passes when there are more than mergeWidth", async () => {
      const stats = await groupAndCheck(records, { memoryBytes: budget(0.01), mergeWidth: 4 });
      expect(stats.spills).to.be.greaterThan(60);
      expect(stats.mergedRuns).to.be.greaterThan(10);
      // Plain runs hold the frames as they were encoded: what was spilled is (nearly) every record's bytes.
      expect(stats.spilledBytes).to.be.within(0.9 * stats.recordBytes, stats.recordBytes);
    });

    it("many runs of another seed, with the default merge width", async () => {
      const stats = await groupAndCheck(randomRecords(30_000, 7, 10_000), { memoryBytes: 64 * 1024 });
      expect(stats.spills).to.be.greaterThan(20);
    });
  });

  it("groups object keys whatever their property order", async () => {
    const records: ShuffleRecord[] = [
      { key: { a: 1, b: { c: 2, d: 3 } }, window: GLOBAL_WINDOW, timestamp: 1, value: "x" },
      { key: { b: { d: 3, c: 2 }, a: 1 }, window: GLOBAL_WINDOW, timestamp: 2, value: "y" },
      { key: { a: 2 }, window: GLOBAL_WINDOW, timestamp: 3, value: "z" },
    ];
    for (const memoryBytes of [1 << 30, 1]) {
      const s = store({ memoryBytes });
      for (const r of records) s.add(r);
      const groups = await collect(s);
      await s.close();
      const byCount = groups.map((g) => g.records.map((r) => r.value)).sort((x, y) => y.length - x.length);
      expect(byCount).to.deep.equal([["x", "y"], ["z"]]);
    }
  });

  it("keeps all windows of a key together, in window order within the key", async () => {
    const s = store({ memoryBytes: 1 });
    for (let i = 0; i < 200; i++) s.write(`k${i % 10}`, WINDOWS[i % 4]!, i, i);
    const groups = await collect(s);
    await s.close();
    const keys = groups.map((g) => g.key as string);
    const runs = keys.filter((k, i) => i === 0 || keys[i - 1] !== k);
    expect(runs).to.have.length(10); // each key's groups are adjacent
  });

  it("gives back windows of other classes through their WindowFn's window coder", async () => {
    class DayWindow implements BoundedWindow {
      readonly id: string;
      constructor(readonly day: number) {
        this.id = `day-${day}`;
      }
      maxTimestamp(): number {
        return (this.day + 1) * 86_400_000 - 1;
      }
    }
    let decoded = 0;
    const windowFn: WindowFn = {
      description: "Days",
      assignWindows: (t) => [new DayWindow(Math.floor(t / 86_400_000))],
      windowCoder: {
        encode: (w) => (w as DayWindow).day,
        decode: (d) => {
          decoded++;
          return new DayWindow(d as number);
        },
      },
    };
    const days = [new DayWindow(1), new DayWindow(2)];
    const s = store({ memoryBytes: 1, windowFn });
    for (let i = 0; i < 1000; i++) s.write(`k${i % 7}`, days[i % 2]!, i, i);
    const groups = await collect(s);
    await s.close();
    expect(groups).to.have.length(14);
    for (const g of groups) {
      expect(g.window).to.be.instanceOf(DayWindow);
      expect(["day-1", "day-2"]).to.include(g.window.id);
    }
    expect(decoded).to.be.greaterThan(0);
  });

  it("uses the key and value coders it is given", async () => {
    const json = { name: "json", encode: (v: unknown) => Buffer.from(JSON.stringify(v)), decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as unknown };
    const s = store({ memoryBytes: 1, keyCoder: json, valueCoder: json });
    for (let i = 0; i < 1000; i++) s.write(i % 2 ? `k${i % 5}` : { k: i % 5 }, GLOBAL_WINDOW, i, { i });
    const groups = await collect(s);
    await s.close();
    expect(groups).to.have.length(10);
    for (const g of groups) for (const r of g.records) expect(encodeKey(g.key)).to.equal(encodeKey((r.value as { i: number }).i % 2 ? `k${(r.value as { i: number }).i % 5}` : { k: (r.value as { i: number }).i % 5 }));
  });

  it("yields nothing for empty input, and creates no files", async () => {
    for (const combine of [undefined, { merge: (a: unknown, b: unknown) => (a as number) + (b as number) }]) {
      const s = store({ memoryBytes: 1024, combine });
      expect(await collect(s)).to.deep.equal([]);
      await s.close();
      expect(fs.readdirSync(dir)).to.deep.equal([]);
      expect(s.stats.spills).to.equal(0);
    }
  });

  it("returns one big key's group whole, values in arrival order, among small ones", async () => {
    const s = store({ memoryBytes: 256 * 1024 });
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      s.write("big", GLOBAL_WINDOW, i, i);
      if (i % 1000 === 0) s.write(`small${i}`, GLOBAL_WINDOW, i, -i);
    }
    const groups = await collect(s);
    await s.close();
    expect(s.stats.spills).to.be.greaterThan(4);
    const big = groups.find((g) => g.key === "big")!;
    expect(big.records.map((r) => r.value)).to.deep.equal(Array.from({ length: n }, (_, i) => i));
    expect(groups).to.have.length(1 + n / 1000);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it("spools a group past spoolBytes to a file of its own, read back through a read-only values array", async () => {
    const s = store({ memoryBytes: 64 * 1024 });
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      s.write("big", GLOBAL_WINDOW, 10 + (i % 7), { i, text: `v${i}` });
      if (i % 100 === 0) s.write(`small${i}`, GLOBAL_WINDOW, i, -i);
    }
    expect(s.stats.spills).to.be.greaterThan(4);
    const expected = Array.from({ length: n }, (_, i) => ({ i, text: `v${i}` }));
    let kept: readonly unknown[] | undefined;
    let smallGroups = 0;
    try {
      for await (const g of s.groups({ spoolBytes: 16 * 1024 })) {
        if (g.key !== "big") {
          expect(g.spooled, `${String(g.key)} is small`).to.equal(undefined);
          expect(g.records).to.have.length(1);
          smallGroups++;
          continue;
        }
        expect(g.records).to.deep.equal([]);
        const spool = g.spooled!;
        expect([spool.count, spool.minTimestamp, spool.maxTimestamp]).to.deep.equal([n, 10, 16]);
        const values = spool.values("Step");
        kept = values;
        expect(values.length).to.equal(n);
        expect(Array.isArray(values)).to.equal(true);
        expect([...values]).to.deep.equal(expected); // iteration, in arrival order
        expect(values.map((v) => (v as { i: number }).i).reduce((a, b) => a + b, 0)).to.equal((n * (n - 1)) / 2);
        expect([values[0], values[n - 1], values[n], values.at(-2)]).to.deep.equal([expected[0], expected[n - 1], undefined, expected[n - 2]]);
        expect(values[31_337]).to.deep.equal(expected[31_337]); // random access, across blocks
        expect(values[5]).to.deep.equal(expected[5]);
        expect(n - 1 in values && !(n in values)).to.equal(true);
        expect(JSON.parse(JSON.stringify(values.slice(0, 3)))).to.deep.equal(expected.slice(0, 3));
        expect(() => ((values as unknown[])[0] = 1)).to.throw(TypeError, /read-only/);
        expect(() => (values as unknown[]).push(1)).to.throw(TypeError, /read-only/);
        const mapped = spool.values("Step", (v) => (v as { text: string }).text);
        expect(mapped[49_999]).to.equal("v49999");
      }
    } finally {
      await s.close();
    }
    expect(smallGroups).to.equal(n / 100);
    expect(s.stats.spooledGroups).to.equal(1);
    expect(() => kept![0]).to.throw(/read from disk while its element was processed, and are gone now/);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it("keeps values' types and handles values larger than the read buffers", async () => {
    const big = "x".repeat(300_000);
    const values = [new Map<unknown, unknown>([["a", 1]]), new Set([1, 2]), new Date(7), 2n ** 70n, undefined, Buffer.from([1, 2, 3]), new Uint8Array([9]), big, { nested: [null, -1.5] }];
    const s = store({ memoryBytes: 64 * 1024 });
    values.forEach((value, i) => s.write(i % 2, GLOBAL_WINDOW, i, value));
    for (let i = 0; i < 5000; i++) s.write(`filler${i}`, GLOBAL_WINDOW, i, i); // several runs
    const groups = await collect(s);
    await s.close();
    expect(s.stats.spills).to.be.greaterThan(1);
    const even = groups.find((g) => g.key === 0)!.records.map((r) => r.value);
    const odd = groups.find((g) => g.key === 1)!.records.map((r) => r.value);
    expect(even).to.deep.equal(values.filter((_, i) => i % 2 === 0));
    expect(odd).to.deep.equal(values.filter((_, i) => i % 2 === 1));
    expect(Buffer.isBuffer(odd[2])).to.equal(true);
  });

  describe("combining", () => {
    const sum = { merge: (a: unknown, b: unknown) => (a as number) + (b as number) };

    it("merges equal keys in memory (compacting the buffer), so many duplicates never spill", async () => {
      const s = store({ memoryBytes: 64 * 1024, combine: sum });
      for (let i = 0; i < 200_000; i++) s.write(`k${i % 50}`, GLOBAL_WINDOW, i, 1);
      const groups = await collect(s);
      await s.close();
      expect(s.stats.spills).to.equal(0);
      expect(s.stats.compactions).to.be.greaterThan(10);
      expect(s.stats.combinedInMemory).to.be.greaterThan(190_000);
      expect(groups).to.have.length(50);
      for (const g of groups) expect(g.records).to.deep.equal([{ timestamp: 199_950 + Number((g.key as string).slice(1)), value: 4000 }]);
    });

    it("merges across spilled runs and merge passes, matching a reference", async () => {
      const rnd = random(3);
      const records: ShuffleRecord[] = [];
      for (let i = 0; i < 40_000; i++) {
        const k = Math.floor(rnd() * 5000);
        records.push({ key: k % 2 ? `k${k}` : { k }, window: WINDOWS[k % 4]!, timestamp: Math.floor(rnd() * 1000), value: Math.floor(rnd() * 100) });
      }
      const expected = referenceGroups(records);
      for (const timestampCombiner of ["EARLIEST", "LATEST"] as const) {
        const s = store({ memoryBytes: 32 * 1024, mergeWidth: 3, combine: { ...sum, timestampCombiner } });
        for (const r of records) s.add(r);
        const groups = await collect(s);
        await s.close();
        expect(s.stats.spills).to.be.greaterThan(4);
        expect(s.stats.mergedRuns).to.be.greaterThan(0);
        expect(groups).to.have.length(expected.size);
        for (const g of groups) {
          const e = expected.get(`${encodeKey(g.key)}\0${g.window.id}`)!;
          const ts = e.records.map((r) => r.timestamp);
          expect(g.records).to.deep.equal([{
            timestamp: timestampCombiner === "EARLIEST" ? Math.min(...ts) : Math.max(...ts),
            value: e.records.reduce((acc, r) => acc + (r.value as number), 0),
          }]);
        }
        expect(fs.readdirSync(dir)).to.deep.equal([]);
      }
    });

    it("spills when accumulators grow (a list-building combine)", async () => {
      const s = store({ memoryBytes: 128 * 1024, combine: { merge: (a, b) => (a as number[]).concat(b as number[]) } });
      for (let i = 0; i < 50_000; i++) s.write(`k${i % 10}`, GLOBAL_WINDOW, i, [i]);
      const groups = await collect(s);
      await s.close();
      expect(s.stats.spills).to.be.greaterThan(0);
      expect(groups).to.have.length(10);
      for (const g of groups) {
        const k = Number((g.key as string).slice(1));
        expect(g.records[0]!.value).to.deep.equal(Array.from({ length: 5000 }, (_, j) => j * 10 + k));
      }
    });
  });

  describe("cleanup", () => {
    it("leaves the directory empty after an exception mid-iteration", async () => {
      const s = store({ memoryBytes: 16 * 1024 });
      for (let i = 0; i < 20_000; i++) s.write(`k${i % 3000}`, GLOBAL_WINDOW, i, i);
      expect(fs.readdirSync(dir).length).to.be.greaterThan(3);
      let n = 0;
      const error = await (async () => {
        try {
          for await (const _ of s.groups()) if (++n === 100) throw new Error("consumer failed");
        } finally {
          await s.close();
        }
      })().catch((e: unknown) => e);
      expect((error as Error).message).to.equal("consumer failed");
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it("leaves the directory empty when a combine's merge throws during the merge", async () => {
      let calls = 0;
      const s = store({ memoryBytes: 16 * 1024, combine: { merge: (a, b) => { if (++calls > 5000) throw new Error("merge failed"); return (a as number) + (b as number); } } });
      for (let i = 0; i < 20_000; i++) s.write(`k${i % 3000}`, GLOBAL_WINDOW, i, i);
      const error = await collect(s).catch((e: unknown) => e).finally(() => s.close());
      expect((error as Error).message).to.equal("merge failed");
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it("leaves the directory empty when a combine's merge throws while adding", async () => {
      let calls = 0;
      const s = store({ memoryBytes: 256 * 1024, combine: { merge: (a, b) => { if (++calls > 100) throw new Error("merge failed"); return (a as number) + (b as number); } } });
      for (let i = 0; i < 50_000; i++) s.write(`unique${i}`, GLOBAL_WINDOW, i, i); // spills, merging nothing
      expect(fs.readdirSync(dir).length).to.be.greaterThan(0);
      const error = (() => {
        try {
          for (let i = 0; i < 200_000; i++) s.write(`k${i % 1000}`, GLOBAL_WINDOW, i, i);
        } catch (e) {
          return e;
        }
      })();
      expect((error as Error).message).to.equal("merge failed");
      expect(() => s.write("more", GLOBAL_WINDOW, 0, 1)).to.throw(/this one is failed/);
      await s.close();
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it("fails clearly when the directory cannot be made, and still closes", async () => {
      const file = path.join(dir, "not-a-dir");
      fs.writeFileSync(file, "");
      const s = new ExternalGrouper({ dir: path.join(file, "spill"), memoryBytes: 16 * 1024 });
      expect(() => {
        for (let i = 0; i < 20_000; i++) s.write(i, GLOBAL_WINDOW, i, i);
      }).to.throw(/ENOTDIR|EEXIST/);
      await s.close();
      expect(fs.readdirSync(dir)).to.deep.equal(["not-a-dir"]);
    });

    it("leaves the directory empty when the iteration is abandoned without finishing, and close is idempotent", async () => {
      const s = store({ memoryBytes: 16 * 1024 });
      for (let i = 0; i < 20_000; i++) s.write(i, GLOBAL_WINDOW, i, i);
      const it = s.groups();
      await it.next();
      await Promise.all([s.close(), s.close()]);
      await s.close();
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it("closes a store that was never read", async () => {
      const s = store({ memoryBytes: 16 * 1024 });
      for (let i = 0; i < 20_000; i++) s.write(i, GLOBAL_WINDOW, i, i);
      await s.close();
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it("gives concurrent stores in one directory their own files", async () => {
      const stores = [0, 1, 2].map(() => store({ memoryBytes: 16 * 1024 }));
      for (let i = 0; i < 10_000; i++) stores.forEach((s, j) => s.write(`k${i % 500}`, GLOBAL_WINDOW, i, j));
      const results = await Promise.all(stores.map(collect));
      await Promise.all(stores.map((s) => s.close()));
      results.forEach((groups, j) => {
        expect(groups).to.have.length(500);
        for (const g of groups) expect(g.records.every((r) => r.value === j) && g.records.length === 20).to.equal(true);
      });
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });
  });

  it("refuses adding once read, reading twice, and keys with no deterministic encoding", async () => {
    const s = store();
    s.write("a", GLOBAL_WINDOW, 0, 1);
    await collect(s);
    expect(() => s.write("b", GLOBAL_WINDOW, 0, 1)).to.throw(/after groups\(\), close\(\) or a failure/);
    await collect(s).then(
      () => expect.fail("read twice"),
      (e: Error) => expect(e.message).to.match(/only once/),
    );
    await s.close();
    expect(() => store().write(() => 1, GLOBAL_WINDOW, 0, 1)).to.throw(NonDeterministicKeyError);
  });
});
