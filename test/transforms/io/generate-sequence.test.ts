import { expect } from "chai";
import { Pipeline, TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE, type TimestampedValue, type UnboundedReader } from "../../../sdk/index.js";
import { generateSequence, sequenceSource, type SequenceSplit } from "../../../transforms/index.js";

/** Reads until the reader is done (it must be finite and unthrottled), in reads of `max`. */
async function drain<T>(reader: UnboundedReader<T>, max = 1000): Promise<TimestampedValue<T>[]> {
  const out: TimestampedValue<T>[] = [];
  for (let guard = 0; !reader.done; guard++) {
    if (guard > 10_000) throw new Error("reader never finished");
    out.push(...(await reader.read(max)));
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("transforms: generateSequence", () => {
  it("splits interleave the numbers: every number once, split i of k emits from+i, from+i+k, ...", async () => {
    const source = sequenceSource({ from: 5, to: 25 });
    const splits = await source.split(3);
    expect(splits).to.deep.equal([
      { index: 0, count: 3 },
      { index: 1, count: 3 },
      { index: 2, count: 3 },
    ]);
    const perSplit = await Promise.all(splits.map(async (s) => (await drain(source.createReader(s, undefined), 4)).map((e) => e.value)));
    expect(perSplit[0]).to.deep.equal([5, 8, 11, 14, 17, 20, 23]);
    expect(perSplit[1]).to.deep.equal([6, 9, 12, 15, 18, 21, 24]);
    expect(perSplit[2]).to.deep.equal([7, 10, 13, 16, 19, 22]);
  });

  it("makes no more splits than numbers, and one (done at once) for an empty range", async () => {
    expect(await sequenceSource({ to: 2 }).split(8)).to.have.length(2);
    expect(await sequenceSource().split(8)).to.have.length(8);
    expect(await sequenceSource().split(0)).to.have.length(1);
    const empty = sequenceSource({ from: 3, to: 3 });
    const [split] = await empty.split(4);
    const reader = empty.createReader(split!, undefined);
    expect(reader.done).to.equal(true);
    expect(reader.watermark()).to.equal(TIMESTAMP_MAX_VALUE);
    expect(await reader.read(10)).to.deep.equal([]);
  });

  it("returns at most `max` per read, is done at `to`, and its watermark is then +inf", async () => {
    const source = sequenceSource({ to: 10 });
    const reader = source.createReader({ index: 0, count: 1 }, undefined);
    expect(reader.done).to.equal(false);
    const first = await reader.read(4);
    expect(first.map((e) => e.value)).to.deep.equal([0, 1, 2, 3]);
    expect(reader.watermark()).to.be.lessThan(TIMESTAMP_MAX_VALUE);
    expect((await reader.read(100)).map((e) => e.value)).to.deep.equal([4, 5, 6, 7, 8, 9]);
    expect(reader.done).to.equal(true);
    expect(reader.watermark()).to.equal(TIMESTAMP_MAX_VALUE);
    expect(await reader.read(100)).to.deep.equal([]);
    expect(await reader.read(0)).to.deep.equal([]);
  });

  it("stamps numbers with the wall clock by default; the watermark is the current time, never going back", async () => {
    const reader = sequenceSource().createReader({ index: 0, count: 1 }, undefined);
    const before = Date.now();
    const batch = await reader.read(5);
    const after = Date.now();
    for (const e of batch) expect(e.timestamp).to.be.within(before, after);
    const w1 = reader.watermark();
    expect(w1).to.be.at.least(batch[4]!.timestamp);
    await sleep(5);
    const w2 = reader.watermark();
    expect(w2).to.be.at.least(w1 + 4);
    expect((await reader.read(1))[0]!.timestamp, "later numbers are not behind the watermark").to.be.at.least(w2);
  });

  it("with a timestampFn, stamps n with timestampFn(n) and the watermark is the next number's timestamp", async () => {
    const source = sequenceSource({ to: 9, timestampFn: (n) => 1_000 + n * 10 });
    const reader = source.createReader({ index: 1, count: 2 }, undefined); // 1, 3, 5, 7
    expect(reader.watermark()).to.equal(1_010);
    expect(await reader.read(2)).to.deep.equal([
      { value: 1, timestamp: 1_010 },
      { value: 3, timestamp: 1_030 },
    ]);
    expect(reader.watermark()).to.equal(1_050);
    await reader.read(10);
    expect(reader.done).to.equal(true);
    expect(reader.watermark()).to.equal(TIMESTAMP_MAX_VALUE);
  });

  it("keeps the watermark monotone even if timestampFn is not", async () => {
    const reader = sequenceSource({ timestampFn: (n) => (n === 2 ? 0 : 100 + n) }).createReader({ index: 0, count: 1 }, undefined);
    expect(reader.watermark()).to.equal(100);
    await reader.read(2); // next is 2, whose timestamp is 0
    expect(reader.watermark()).to.equal(100);
  });

  it("names the number when timestampFn returns an invalid timestamp", async () => {
    const reader = sequenceSource({ timestampFn: (n) => (n === 3 ? NaN : n) }).createReader({ index: 0, count: 1 }, undefined);
    let error: unknown;
    await reader.read(10).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/timestampFn\(3\) returned NaN/);
    expect(reader.checkpoint(), "a failed read consumes nothing").to.deep.equal({ next: 0 });
  });

  it("checkpoints the next number; a reader resumed from it continues without repeating", async () => {
    const source = sequenceSource({ from: 100, to: 130 });
    const split: SequenceSplit = { index: 2, count: 4 }; // 102, 106, ..., 126
    const first = source.createReader(split, undefined);
    const seen = (await first.read(3)).map((e) => e.value);
    const checkpoint = first.checkpoint();
    expect(checkpoint).to.deep.equal({ next: 114 });
    await first.read(1); // read after the checkpoint, then "crash"
    await first.close();
    const resumed = source.createReader(split, structuredClone(checkpoint));
    seen.push(...(await drain(resumed)).map((e) => e.value));
    expect(seen).to.deep.equal([102, 106, 110, 114, 118, 122, 126]);
    expect(resumed.checkpoint()).to.deep.equal({ next: 130 });
  });

  it("rejects a checkpoint of another split and invalid options", () => {
    const source = sequenceSource({ to: 10 });
    expect(() => source.createReader({ index: 1, count: 2 }, { next: 4 })).to.throw(/checkpoint \{"next":4\} does not belong to split 1 of 2/);
    expect(() => source.createReader({ index: 2, count: 2 }, undefined)).to.throw(/not a split of this source/);
    expect(() => sequenceSource({ from: 1.5 })).to.throw(/'from' must be a safe integer/);
    expect(() => sequenceSource({ from: 5, to: 4 })).to.throw(/'to' \(4\) is before 'from' \(5\)/);
    expect(() => sequenceSource({ rate: 0 })).to.throw(/'rate' must be a positive number/);
    expect(() => sequenceSource({ rate: Infinity })).to.throw(/'rate' must be a positive number/);
  });

  it("limits the rate: floor(elapsed * rate) numbers so far, shared among the splits", async () => {
    const rate = 1000; // per second, over 2 splits
    const source = sequenceSource({ rate });
    const readers = (await source.split(2)).map((s) => source.createReader(s, undefined));
    const counts = [0, 0];
    const firstRead = await readers[0]!.read(1000);
    expect(firstRead, "nothing is due at the start").to.have.length(0);
    counts[0] += firstRead.length;
    await readers[1]!.read(1000);
    const start = performance.now();
    while (performance.now() - start < 200) {
      await sleep(10);
      for (let i = 0; i < 2; i++) {
        const elapsed = performance.now() - start;
        counts[i]! += (await readers[i]!.read(1000)).length;
        // Never ahead of the schedule (plus a millisecond of slack for the clocks read in between).
        expect(counts[i]).to.be.at.most(Math.floor(((elapsed + 2) * rate) / 2 / 1000));
      }
    }
    const elapsed = performance.now() - start;
    const total = counts[0]! + counts[1]!;
    // Generous: timers are coarse, but the limiter catches up with whatever is due.
    expect(total).to.be.within(0.7 * elapsed, 1.05 * elapsed + 10);
    expect(Math.abs(counts[0]! - counts[1]!)).to.be.at.most(Math.max(3, 0.1 * total));
  });

  it("is unthrottled without a rate, bounded only by `max`", async () => {
    const reader = sequenceSource().createReader({ index: 0, count: 1 }, undefined);
    expect(await reader.read(50_000)).to.have.length(50_000);
    expect(reader.checkpoint()).to.deep.equal({ next: 50_000 });
  });

  it("is applied as an unbounded read", () => {
    const p = new Pipeline();
    const numbers = p.apply(generateSequence({ to: 10 }));
    expect(numbers.isBounded).to.equal(false);
    const names = [...p.graph.transforms.keys()];
    expect(names).to.include.members(["GenerateSequence", "GenerateSequence/ReadUnbounded"]);
  });
});
