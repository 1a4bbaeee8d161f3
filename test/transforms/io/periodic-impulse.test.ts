import { expect } from "chai";
import { Pipeline, TIMESTAMP_MAX_VALUE } from "../../../sdk/index.js";
import { periodicImpulse, periodicImpulseSource } from "../../../transforms/index.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("transforms: periodicImpulse", () => {
  it("emits past instants at once, up to `max`, then is done at `stop` with the watermark at +inf", async () => {
    const source = periodicImpulseSource({ intervalMs: 1000, start: 0, stop: 5000 });
    const splits = await source.split(4);
    expect(splits).to.deep.equal([{ start: 0 }]);
    const reader = source.createReader(splits[0]!, undefined);
    expect(reader.watermark()).to.equal(0);
    expect(await reader.read(2)).to.deep.equal([
      { value: 0, timestamp: 0 },
      { value: 1000, timestamp: 1000 },
    ]);
    expect(reader.watermark()).to.equal(2000);
    expect(reader.checkpoint()).to.deep.equal({ next: 2000 });
    const resumed = source.createReader(splits[0]!, reader.checkpoint());
    expect((await resumed.read(10)).map((e) => e.value)).to.deep.equal([2000, 3000, 4000]);
    expect(resumed.done).to.equal(true);
    expect(resumed.watermark()).to.equal(TIMESTAMP_MAX_VALUE);
  });

  it("emits an instant only once the wall clock reaches it", async () => {
    const source = periodicImpulseSource({ intervalMs: 30 });
    const [split] = await source.split(1);
    const reader = source.createReader(split!, undefined);
    const first = await reader.read(10);
    expect(first).to.have.length(1);
    expect(first[0]!.value).to.equal(split!.start);
    expect(await reader.read(10)).to.deep.equal([]);
    expect(reader.watermark()).to.equal(split!.start + 30);
    await sleep(65);
    const later = (await reader.read(10)).map((e) => e.value);
    expect(later.slice(0, 2)).to.deep.equal([split!.start + 30, split!.start + 60]);
    for (const t of later) expect(t).to.be.at.most(Date.now());
    expect(reader.done).to.equal(false);
  });

  it("rejects bad options and foreign checkpoints", async () => {
    expect(() => periodicImpulseSource({ intervalMs: 0 })).to.throw(/'intervalMs' must be a positive integer/);
    expect(() => periodicImpulseSource({ intervalMs: 10, start: NaN })).to.throw(/'start' is not a valid timestamp/);
    const source = periodicImpulseSource({ intervalMs: 10, start: 0 });
    expect(() => source.createReader({ start: 0 }, { next: 15 })).to.throw(/does not belong to this impulse/);
  });

  it("is applied as an unbounded read", () => {
    const p = new Pipeline();
    expect(p.apply(periodicImpulse({ intervalMs: 1000 })).isBounded).to.equal(false);
  });
});
