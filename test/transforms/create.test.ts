import { expect } from "chai";
import { createSource } from "../../transforms/index.js";

async function readAll<T>(source: ReturnType<typeof createSource<T>>, split: { from: number; to: number }): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of source.read(split)) out.push(...batch);
  return out;
}

describe("transforms: createSource", () => {
  const values = Array.from({ length: 25 }, (_, i) => i);

  it("splits into contiguous ranges of about the desired size that cover every value once", async () => {
    const source = createSource(values);
    const splits = await source.split(10 * 64); // about 10 elements each
    expect(splits).to.deep.equal([
      { from: 0, to: 10 },
      { from: 10, to: 20 },
      { from: 20, to: 25 },
    ]);
    const read = (await Promise.all(splits.map((s) => readAll(source, s)))).flat();
    expect(read).to.deep.equal(values);
  });

  it("makes one split per element at most, and one split when the hint is large", async () => {
    expect(await createSource(values).split(1)).to.have.length(25);
    expect(await createSource(values).split(1 << 30)).to.deep.equal([{ from: 0, to: 25 }]);
  });

  it("has one empty split when there are no values", async () => {
    const source = createSource<number>([]);
    const splits = await source.split(1024);
    expect(splits).to.deep.equal([{ from: 0, to: 0 }]);
    expect(await readAll(source, splits[0]!)).to.deep.equal([]);
  });

  it("reads a large split in several batches", async () => {
    const big = Array.from({ length: 3000 }, (_, i) => i);
    const batches: number[] = [];
    for await (const batch of createSource(big).read({ from: 0, to: 3000 })) batches.push(batch.length);
    expect(batches).to.deep.equal([1024, 1024, 952]);
  });
});
