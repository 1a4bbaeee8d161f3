/**
 * The CombineFns on their own: any split of the input into accumulators, merged in any grouping, gives the
 * same result as adding everything to one accumulator (the property combiner lifting relies on).
 */
import { expect } from "chai";
import type { CombineFn } from "../../sdk/index.js";
import { countFn, maxFn, meanFn, minFn, naturalOrder, sampleFn, sumFn, topFn } from "../../transforms/index.js";

/** Combines `inputs` split into `parts` accumulators, merged in one call, and the merged accumulator frozen. */
function combineInParts<I, A, O>(fn: CombineFn<I, A, O>, inputs: readonly I[], parts: number): O {
  const accs: A[] = [];
  for (let p = 0; p < parts; p++) {
    let acc = fn.createAccumulator();
    for (let i = p; i < inputs.length; i += parts) acc = fn.addInput(acc, inputs[i]!);
    accs.push(Object.freeze(acc) as A); // as if it came through a shuffle on a runner that freezes
  }
  return fn.extractOutput(fn.mergeAccumulators(accs));
}

function combineAll<I, A, O>(fn: CombineFn<I, A, O>, inputs: readonly I[]): O {
  return fn.extractOutput(inputs.reduce((acc, x) => fn.addInput(acc, x), fn.createAccumulator()));
}

describe("transforms: CombineFns", () => {
  const numbers = [5, -1, 12, 7, 7, 0, 3.5, 100, -40, 2];

  it("count, sum, min, max and mean give the same result however the input is split", () => {
    for (const fn of [countFn(), sumFn(), minFn(), maxFn(), meanFn()] as CombineFn<number, unknown, number>[]) {
      const whole = combineAll(fn, numbers);
      for (const parts of [1, 2, 3, 10]) expect(combineInParts(fn, numbers, parts)).to.equal(whole);
    }
    expect(combineAll(meanFn(), numbers)).to.equal(numbers.reduce((a, b) => a + b) / numbers.length);
  });

  it("top keeps the n greatest, ties included, greatest first, whatever the split", () => {
    const top3 = topFn<number>(3);
    expect(combineAll(top3, numbers)).to.deep.equal([100, 12, 7]);
    for (const parts of [2, 3, 7]) expect(combineInParts(top3, numbers, parts)).to.deep.equal([100, 12, 7]);
    expect(combineAll(topFn<number>(4), numbers)).to.deep.equal([100, 12, 7, 7]);
    expect(combineAll(topFn<number>(3, (a, b) => naturalOrder(b, a)), numbers)).to.deep.equal([-40, -1, 0]);
    expect(combineAll(topFn<number>(0), numbers)).to.deep.equal([]);
    expect(combineInParts(topFn<number>(0), numbers, 3)).to.deep.equal([]);
  });

  it("top rejects a negative or fractional n", () => {
    expect(() => topFn(-1)).to.throw(RangeError, /integer >= 0/);
    expect(() => topFn(1.5)).to.throw(RangeError, /integer >= 0/);
  });

  it("sample keeps n distinct inputs, and all of them when there are fewer", () => {
    const input = Array.from({ length: 50 }, (_, i) => i);
    for (const parts of [1, 4]) {
      const s = combineInParts(sampleFn<number>(10), input, parts);
      expect(s).to.have.length(10);
      expect(new Set(s).size).to.equal(10);
      expect(combineInParts(sampleFn<number>(100), input, parts).sort((a, b) => a - b)).to.deep.equal(input);
    }
    expect(combineInParts(sampleFn<number>(0), input, 3)).to.deep.equal([]);
  });

  it("sample is uniform, also when merged from unequal parts", () => {
    // Each of 10 inputs should be in a sample of 3 with probability 0.3; check all are within 5 sigma.
    const trials = 4000;
    const hits = new Array<number>(10).fill(0);
    const input = Array.from({ length: 10 }, (_, i) => i);
    for (let t = 0; t < trials; t++) {
      const fn = sampleFn<number>(3);
      // Unequal parts: [0], [1, 2], [3..9].
      const parts = [[0], [1, 2], input.slice(3)].map((part) => part.reduce((a, x) => fn.addInput(a, x), fn.createAccumulator()));
      for (const x of fn.extractOutput(fn.mergeAccumulators(parts))) hits[x]!++;
    }
    const expected = trials * 0.3;
    const sigma = Math.sqrt(trials * 0.3 * 0.7);
    for (const h of hits) expect(Math.abs(h - expected)).to.be.lessThan(5 * sigma);
  });
});
