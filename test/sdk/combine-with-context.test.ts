/**
 * A combine with side inputs is never lifted: the graph carries no CombineFn for it, so fusion plans a plain
 * GroupByKey followed by the Combine ParDo with its side inputs. And the types: a CombineFnWithContext needs
 * `sideInputs` (compile-time, `@ts-expect-error` lines must stay errors).
 */
import { expect } from "chai";
import { asSingleton, combinePerKey, kv, Pipeline, type CombineFnWithContext } from "../../sdk/index.js";
import { combineGlobally, create, sumFn } from "../../transforms/index.js";
import { fuse } from "../../runners/core/fusion.js";

const scaled = (factor: ReturnType<typeof asSingleton<number>>): CombineFnWithContext<number, number, number> => ({
  createAccumulator: () => 0,
  addInput: (acc, x, ctx) => acc + x * ctx.sideInput(factor),
  mergeAccumulators: (accs) => accs.reduce((a, b) => a + b, 0),
  extractOutput: (acc) => acc,
});

describe("combinePerKey with side inputs (CombineFnWithContext)", () => {
  it("is not lifted: no CombineFn on the composite or the shuffle; the Combine ParDo has the side inputs", () => {
    const p = new Pipeline();
    const factor = asSingleton(p.apply("Factor", create([2])));
    p.apply("Pairs", create([kv("a", 1)])).apply("Scaled", combinePerKey(scaled(factor), { sideInputs: [factor] }));
    p.apply("Plain", create([kv("a", 1)])).apply("Summed", combinePerKey(sumFn()));
    const graph = p.graph;
    const composite = graph.transforms.get("Scaled");
    expect(composite?.kind).to.equal("Composite");
    expect((composite as { combineFn?: unknown }).combineFn).to.equal(undefined);
    const combine = graph.transforms.get("Scaled/Combine");
    expect(combine?.kind).to.equal("ParDo");
    expect((combine as { sideInputs: readonly unknown[] }).sideInputs).to.deep.equal([factor]);
    const shuffles = fuse(graph).stages.flatMap((s) => (s.root.kind === "shuffle" ? [s.root.shuffle] : []));
    expect(shuffles.find((s) => s.step.startsWith("Scaled/"))?.combineFn).to.equal(undefined);
    expect(shuffles.find((s) => s.step.startsWith("Summed/"))?.combineFn, "the plain combine is still lifted").to.not.equal(undefined);
  });

  it("refuses hotKeyFanout with side inputs", () => {
    const p = new Pipeline();
    const factor = asSingleton(p.apply("Factor", create([2])));
    expect(() => combinePerKey(sumFn(), { sideInputs: [factor], hotKeyFanout: 4 } as never)).to.throw(/hotKeyFanout cannot be combined with sideInputs/);
  });

  it("needs sideInputs for a CombineFnWithContext (type check)", () => {
    const p = new Pipeline();
    const factor = asSingleton(p.apply("Factor", create([2])));
    const pairs = p.apply("Pairs", create([kv("a", 1)]));
    // @ts-expect-error a CombineFnWithContext reads side inputs: pass them
    pairs.apply(combinePerKey(scaled(factor)));
    // @ts-expect-error the same for a global combine
    p.apply("Numbers", create([1])).apply(combineGlobally(scaled(factor)));
  });
});
