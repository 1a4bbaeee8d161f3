/**
 * Side inputs: singleton (with and without default), iterable, map and multimap views, read in `process` and in
 * `startBundle`, from the same stage as the main input or another one; and the failures of ill-formed views.
 */
import {
  asIterable,
  asMap,
  asMultimap,
  asSingleton,
  groupByKey,
  type KV,
  definePipeline,
  kv,
  type PCollectionView,
  type ProcessContext,
  type StartBundleContext,
  windowInto,
} from "../../../sdk/index.js";
import { countGlobally, create, maxGlobally, sumGlobally } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { compareAny, stamped, TestFixedWindows } from "./support.js";

/** Maps each element with `fn(element, side input value)`. */
function withSide<T, V, O>(view: PCollectionView<V>, fn: (element: T, side: V) => O) {
  return {
    process(element: T, ctx: ProcessContext<O>) {
      ctx.output(fn(element, ctx.sideInput(view)));
    },
  };
}

export const singletonSideInput = definePipeline(import.meta, {
  name: "singletonSideInput",
  build(p) {
    const numbers = p.apply(create([1, 2, 3, 4]));
    const total = asSingleton(numbers.apply(sumGlobally()));
    // The side input comes from the main input's own stage: the ParDo must wait for it to complete.
    const shares = numbers.parDo(withSide(total, (n: number, t: number) => `${n}/${t}`), { sideInputs: [total] });
    assertThat(shares).containsInAnyOrder("1/10", "2/10", "3/10", "4/10");
  },
});

export const singletonWithDefaultEmpty = definePipeline(import.meta, {
  name: "singletonWithDefaultEmpty",
  build(p) {
    const threshold = asSingleton(p.apply("NoThreshold", create<number>([])), { defaultValue: 2 });
    const kept = p.apply(create([1, 2, 3])).parDo<number>(
      {
        process(n: number, ctx: ProcessContext<number>) {
          if (n >= ctx.sideInput(threshold)) ctx.output(n);
        },
      },
      { sideInputs: [threshold] },
    );
    assertThat(kept).containsInAnyOrder(2, 3);
  },
});

export const singletonWithDefaultNonEmpty = definePipeline(import.meta, {
  name: "singletonWithDefaultNonEmpty",
  build(p) {
    const threshold = asSingleton(p.apply("Threshold", create([3])), { defaultValue: 2 });
    const seen = p.apply(create(["x"])).parDo(withSide(threshold, (_: string, t: number) => t), { sideInputs: [threshold] });
    assertThat(seen).containsInAnyOrder(3);
  },
});

export const singletonUndefinedDefault = definePipeline(import.meta, {
  name: "singletonUndefinedDefault",
  build(p) {
    // An explicit `undefined` default is a default: an empty PCollection reads as undefined, not as an error.
    const view = asSingleton(p.apply("Nothing", create<string | undefined>([])), { defaultValue: undefined });
    const seen = p.apply(create([1])).parDo(withSide(view, (_: number, v: string | undefined) => v === undefined), { sideInputs: [view] });
    assertThat(seen).containsInAnyOrder(true);
  },
});

export const singletonEmptyWithoutDefault = definePipeline(import.meta, {
  name: "singletonEmptyWithoutDefault",
  build(p) {
    const view = asSingleton(p.apply("Nothing", create<number>([])));
    p.apply(create([1])).parDo(withSide(view, (n: number, s: number) => n + s), { sideInputs: [view], name: "UseSingleton" });
  },
});

export const singletonWithSeveralElements = definePipeline(import.meta, {
  name: "singletonWithSeveralElements",
  build(p) {
    const view = asSingleton(p.apply("Two", create([1, 2])));
    p.apply(create([1])).parDo(withSide(view, (n: number, s: number) => n + s), { sideInputs: [view], name: "UseSingleton" });
  },
});

export const iterableSideInput = definePipeline(import.meta, {
  name: "iterableSideInput",
  build(p) {
    const stopWords = asIterable(p.apply("StopWords", create(["the", "a", "the"])));
    const words = p.apply(create(["the", "cat", "a", "hat"]));
    const kept = words.parDo<string>(
      {
        process(w: string, ctx: ProcessContext<string>) {
          if (!ctx.sideInput(stopWords).includes(w)) ctx.output(w);
        },
      },
      { sideInputs: [stopWords] },
    );
    assertThat(kept, "filtered").containsInAnyOrder("cat", "hat");
    // The iterable holds every element, duplicates included.
    const sizes = words.parDo(withSide(stopWords, (_: string, s: readonly string[]) => [...s].sort().join(",")), {
      sideInputs: [stopWords],
      name: "Contents",
    });
    assertThat(sizes, "contents").containsInAnyOrder("a,the,the", "a,the,the", "a,the,the", "a,the,the");
  },
});

export const iterableSideInputEmpty = definePipeline(import.meta, {
  name: "iterableSideInputEmpty",
  build(p) {
    const view = asIterable(p.apply("Nothing", create<string>([])));
    const seen = p.apply(create([1, 2])).parDo(withSide(view, (n: number, s: readonly string[]) => `${n}:${s.length}`), {
      sideInputs: [view],
    });
    assertThat(seen).containsInAnyOrder("1:0", "2:0");
  },
});

export const mapSideInput = definePipeline(import.meta, {
  name: "mapSideInput",
  build(p) {
    const names = asMap(p.apply("Names", create([kv(1, "one"), kv(2, "two")])));
    const named = p
      .apply(create([2, 1, 3]))
      .parDo(withSide(names, (n: number, m: ReadonlyMap<number, string>) => m.get(n) ?? "?"), { sideInputs: [names] });
    assertThat(named, "lookups").containsInAnyOrder("two", "one", "?");
    const emptyMap = asMap(p.apply("NoNames", create<{ key: string; value: number }>([])));
    const sizes = p
      .apply("One", create([0]))
      .parDo(withSide(emptyMap, (_: number, m: ReadonlyMap<string, number>) => m.size), { sideInputs: [emptyMap], name: "Size" });
    assertThat(sizes, "empty map").containsInAnyOrder(0);
  },
});

export const mapSideInputDuplicateKey = definePipeline(import.meta, {
  name: "mapSideInputDuplicateKey",
  build(p) {
    const names = asMap(p.apply("Names", create([kv("k", 1), kv("k", 2)])));
    p.apply(create([0])).parDo(withSide(names, (_: number, m: ReadonlyMap<string, number>) => m.size), { sideInputs: [names], name: "UseMap" });
  },
});

export const mapSideInputObjectKeys = definePipeline(import.meta, {
  name: "mapSideInputObjectKeys",
  build(p) {
    // Keys compare by deterministic encoding, as in GroupByKey: an equal object with its fields in another order
    // finds the entry.
    const names = asMap(p.apply("Names", create([kv({ id: 1, kind: "x" }, "one"), kv({ id: 2, kind: "x" }, "two")])));
    const found = p
      .apply(create([1, 2, 3]))
      .parDo(withSide(names, (n: number, m: ReadonlyMap<{ id: number; kind: string }, string>) => m.get({ kind: "x", id: n }) ?? "?"), {
        sideInputs: [names],
      });
    assertThat(found).containsInAnyOrder("one", "two", "?");
  },
});

export const mapSideInputDuplicateObjectKey = definePipeline(import.meta, {
  name: "mapSideInputDuplicateObjectKey",
  build(p) {
    const names = asMap(p.apply("Names", create([kv({ id: 1, kind: "x" }, 1), kv({ kind: "x", id: 1 }, 2)])));
    p.apply(create([0])).parDo(withSide(names, (_: number, m: ReadonlyMap<unknown, number>) => m.size), { sideInputs: [names], name: "UseMap" });
  },
});

export const multimapSideInput = definePipeline(import.meta, {
  name: "multimapSideInput",
  build(p) {
    const byTeam = asMultimap(p.apply("Players", create([kv("red", "ann"), kv("blue", "bob"), kv("red", "cat")])));
    const rosters = p
      .apply(create(["red", "blue", "green"]))
      .parDo(withSide(byTeam, (team: string, m: ReadonlyMap<string, readonly string[]>) => `${team}:${[...(m.get(team) ?? [])].sort(compareAny).join(",")}`), {
        sideInputs: [byTeam],
      });
    assertThat(rosters).containsInAnyOrder("red:ann,cat", "blue:bob", "green:");
  },
});

export const severalSideInputs = definePipeline(import.meta, {
  name: "severalSideInputs",
  build(p) {
    const numbers = p.apply(create([1, 2, 3]));
    const count = asSingleton(numbers.apply(countGlobally()));
    const total = asSingleton(numbers.apply(sumGlobally()));
    const labels = asMap(p.apply("Labels", create([kv(1, "a"), kv(2, "b"), kv(3, "c")])));
    const out = numbers.parDo<string>(
      {
        process(n: number, ctx: ProcessContext<string>) {
          ctx.output(`${ctx.sideInput(labels).get(n)}:${n}/${ctx.sideInput(total)}/${ctx.sideInput(count)}`);
        },
      },
      { sideInputs: [count, total, labels] },
    );
    assertThat(out).containsInAnyOrder("a:1/6/3", "b:2/6/3", "c:3/6/3");
  },
});

export const sideInputInStartBundle = definePipeline(import.meta, {
  name: "sideInputInStartBundle",
  build(p) {
    const prefix = asSingleton(p.apply("Prefix", create([">"])));
    class Prefixer {
      private value = "";
      startBundle(ctx: StartBundleContext): void {
        this.value = ctx.sideInput(prefix);
      }
      process(w: string, ctx: ProcessContext<string>): void {
        ctx.output(this.value + w);
      }
    }
    assertThat(p.apply(create(["a", "b"])).parDo(new Prefixer(), { sideInputs: [prefix] })).containsInAnyOrder(">a", ">b");
  },
});

export const sideInputNotDeclared = definePipeline(import.meta, {
  name: "sideInputNotDeclared",
  build(p) {
    const view = asSingleton(p.apply("One", create([1])));
    // The view is read but not listed in sideInputs.
    p.apply(create([1])).parDo(withSide(view, (n: number, s: number) => n + s), { name: "Undeclared" });
  },
});

export const sideInputChain = definePipeline(import.meta, {
  name: "sideInputChain",
  build(p) {
    // A ParDo with a side input feeds the side input of another: each must wait for the one before.
    const numbers = p.apply(create([1, 3, 4]));
    const total = asSingleton(numbers.apply("Total", sumGlobally()));
    const shares = numbers.parDo(withSide(total, (n: number, t: number) => n / t), { sideInputs: [total], name: "Share" });
    const largest = asSingleton(shares.apply("Largest", maxGlobally()));
    const relative = shares.parDo(withSide(largest, (s: number, m: number) => s / m), { sideInputs: [largest], name: "Relative" });
    assertThat(relative).containsInAnyOrder(0.25, 0.75, 1);
  },
});

export const windowedSideInput = definePipeline(import.meta, {
  name: "windowedSideInput",
  build(p) {
    // Each element reads the side input of its own window.
    const events = stamped(p.apply(create([1_000, 2_000, 15_000])), (t) => t).apply(windowInto(new TestFixedWindows(10_000)));
    const totals = asSingleton(events.apply("Total", sumGlobally({ withoutDefaults: true })));
    const seen = events.parDo(withSide(totals, (t: number, total: number) => `${t}:${total}`), { sideInputs: [totals] });
    assertThat(seen).containsInAnyOrder("1000:3000", "2000:3000", "15000:15000");
  },
});

/** A large materialised bundle (200k groups) into a stage with a side input: its watermark hold is one minimum. */
export const largeBundleIntoSideInputStage = definePipeline(import.meta, {
  name: "largeBundleIntoSideInputStage",
  build(p) {
    const grouped = p.apply(create(Array.from({ length: 200_000 }, (_, i) => kv(i, i)))).apply(groupByKey<number, number>());
    const offset = asSingleton(p.apply("Offset", create([1])));
    const shifted = grouped.parDo(withSide(offset, (g: KV<number, readonly number[]>, o: number) => g.key + o), { sideInputs: [offset], name: "Shift" });
    assertThat(shifted.apply(countGlobally())).containsInAnyOrder(200_000);
  },
});
