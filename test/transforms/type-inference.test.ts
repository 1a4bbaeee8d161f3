/**
 * Element types flow through the transforms without casts or explicit type arguments in user code. The
 * checks are compile-time (`npm run typecheck` fails if inference regresses); the one runtime test only builds the
 * graph.
 */
import { expect } from "chai";
import { Pipeline, kv, type KV, type PCollection } from "../../sdk/index.js";
import {
  coGroupByKey,
  countGlobally,
  countPerElement,
  countPerKey,
  create,
  distinct,
  keys,
  kvSwap,
  meanPerKey,
  partition,
  reshuffle,
  sampleFixedSize,
  sumGlobally,
  sumPerKey,
  toStringKvs,
  topLargest,
  topSmallestPerKey,
  values,
  withKeys,
} from "../../transforms/index.js";

/** Compiles only if `A` and `B` are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectType<A, B>(_: Equal<A, B>): void {}

function build(): Pipeline {
  const p = new Pipeline();
  const words = p.apply(create(["a", "b", "a"]));
  expectType<typeof words, PCollection<string>>(true);

  const counts = words.apply(countPerElement());
  expectType<typeof counts, PCollection<KV<string, number>>>(true);

  const byLength = words.apply(withKeys((w) => w.length));
  expectType<typeof byLength, PCollection<KV<number, string>>>(true);

  const ks = counts.apply(keys());
  const vs = counts.apply(values());
  const swapped = counts.apply(kvSwap());
  expectType<typeof ks, PCollection<string>>(true);
  expectType<typeof vs, PCollection<number>>(true);
  expectType<typeof swapped, PCollection<KV<number, string>>>(true);

  const n = words.apply(countGlobally());
  const total = vs.apply(sumGlobally());
  const perKey = counts.apply(sumPerKey());
  const countPer = byLength.apply(countPerKey());
  const mean = counts.apply(meanPerKey());
  expectType<typeof n, PCollection<number>>(true);
  expectType<typeof total, PCollection<number>>(true);
  expectType<typeof perKey, PCollection<KV<string, number>>>(true);
  expectType<typeof countPer, PCollection<KV<number, number>>>(true);
  expectType<typeof mean, PCollection<KV<string, number>>>(true);

  const top = vs.apply(topLargest(2));
  const smallest = byLength.apply(topSmallestPerKey(1));
  const sample = words.apply(sampleFixedSize(2));
  expectType<typeof top, PCollection<number[]>>(true);
  expectType<typeof smallest, PCollection<KV<number, string[]>>>(true);
  expectType<typeof sample, PCollection<string[]>>(true);

  const unique = words.apply(distinct());
  const shuffled = words.apply(reshuffle());
  const lines = counts.apply(toStringKvs());
  expectType<typeof unique, PCollection<string>>(true);
  expectType<typeof shuffled, PCollection<string>>(true);
  expectType<typeof lines, PCollection<string>>(true);

  const parts = vs.apply(partition(3, (x) => x % 3));
  expectType<typeof parts, PCollection<number>[]>(true);

  const emails = p.apply(create([kv("ann", "ann@example.com")]));
  const ages = p.apply(create([kv("ann", 41)]));
  const joined = p.apply(coGroupByKey({ emails, ages }));
  expectType<typeof joined, PCollection<KV<string, { readonly emails: readonly string[]; readonly ages: readonly number[] }>>>(true);
  return p;
}

describe("transforms: type inference", () => {
  it("builds a graph using every transform without casts", () => {
    expect(build().graph.transforms.size).to.be.greaterThan(10);
  });
});
