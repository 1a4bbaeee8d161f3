/**
 * Element-wise transforms: map, flatMap, filter, ParDo, the KV helpers, toString, and the timestamp, window and
 * pane a DoFn sees.
 */
import {
  definePipeline,
  kv,
  TIMESTAMP_MIN_VALUE,
  type DoFn,
  type FinishBundleContext,
  type ProcessContext,
  type BoundedWindow,
} from "../../../sdk/index.js";
import {
  create,
  keys,
  kvSwap,
  toStringElements,
  toStringKvs,
  values,
  withKeys,
} from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";

export const mapFlatMapFilter = definePipeline(import.meta, {
  name: "mapFlatMapFilter",
  build(p) {
    const lines = p.apply(create(["to be", "", "or not to be"]));
    const words = lines.flatMap((l) => l.split(" ").filter((w) => w.length > 0));
    assertThat(words, "words").containsInAnyOrder("to", "be", "or", "not", "to", "be");
    assertThat(words.map((w) => w.length), "lengths").containsInAnyOrder(2, 2, 2, 3, 2, 2);
    assertThat(words.filter((w) => w.startsWith("t")), "filtered").containsInAnyOrder("to", "to");
  },
});

export const flatMapIterables = definePipeline(import.meta, {
  name: "flatMapIterables",
  build(p) {
    const n = p.apply(create([0, 1, 3]));
    function* upTo(k: number) {
      for (let i = 0; i < k; i++) yield i;
    }
    assertThat(n.flatMap(upTo), "generator").containsInAnyOrder(0, 0, 1, 2);
    assertThat(n.flatMap((k) => new Set([k, k + 1])), "set").containsInAnyOrder(0, 1, 1, 2, 3, 4);
    assertThat(n.flatMap(() => []), "nothing").empty();
  },
});

export const filterTypeGuard = definePipeline(import.meta, {
  name: "filterTypeGuard",
  build(p) {
    const mixed = p.apply(create<string | number>(["a", 1, "b", 2]));
    const strings = mixed.filter((x): x is string => typeof x === "string");
    assertThat(strings.map((s) => s.toUpperCase())).containsInAnyOrder("A", "B");
  },
});

export const parDoManyOutputs = definePipeline(import.meta, {
  name: "parDoManyOutputs",
  build(p) {
    const repeated = p.apply(create([1, 2, 3])).parDo<string>({
      process(n: number, ctx: ProcessContext<string>) {
        for (let i = 0; i < n; i++) ctx.output(`${n}`);
      },
    });
    assertThat(repeated).containsInAnyOrder("1", "2", "2", "3", "3", "3");
  },
});

export const kvHelpers = definePipeline(import.meta, {
  name: "kvHelpers",
  build(p) {
    const words = p.apply(create(["apple", "fig", "kiwi"]));
    const byLength = words.apply(withKeys((w) => w.length));
    assertThat(byLength, "withKeys").containsInAnyOrder(kv(5, "apple"), kv(3, "fig"), kv(4, "kiwi"));
    assertThat(byLength.apply(keys()), "keys").containsInAnyOrder(5, 3, 4);
    assertThat(byLength.apply(values()), "values").containsInAnyOrder("apple", "fig", "kiwi");
    assertThat(byLength.apply(kvSwap()), "kvSwap").containsInAnyOrder(kv("apple", 5), kv("fig", 3), kv("kiwi", 4));
  },
});

export const toStrings = definePipeline(import.meta, {
  name: "toStrings",
  build(p) {
    const mixed = p.apply(create<unknown>(["text", 42, null, true, { b: 1, a: [1, "x"] }, [1, 2]]));
    assertThat(mixed.apply(toStringElements())).containsInAnyOrder("text", "42", "null", "true", '{"b":1,"a":[1,"x"]}', "[1,2]");
    const pairs = p.apply("Pairs", create([kv("a", 1), kv("b", 2)]));
    assertThat(pairs.apply(toStringKvs()), "comma").containsInAnyOrder("a,1", "b,2");
    assertThat(pairs.apply(toStringKvs("\t")), "tab").containsInAnyOrder("a\t1", "b\t2");
  },
});

export const timestampWindowAndPane = definePipeline(import.meta, {
  name: "timestampWindowAndPane",
  build(p) {
    // Created elements are in the global window at the minimum timestamp, and have not been through a firing.
    const seen = p.apply(create(["x"])).parDo<string>({
      process(_: string, ctx: ProcessContext<string>) {
        ctx.output(`${ctx.timestamp === TIMESTAMP_MIN_VALUE}|${ctx.window.id}|${ctx.pane.timing}|${ctx.pane.isFirst}|${ctx.pane.isLast}`);
      },
    });
    assertThat(seen).containsInAnyOrder("true|global|UNKNOWN|true|true");
  },
});

export const outputWithTimestamp = definePipeline(import.meta, {
  name: "outputWithTimestamp",
  build(p) {
    const stamped = p.apply(create([1000, 2000])).parDo<number>(
      {
        process(t: number, ctx: ProcessContext<number>) {
          ctx.outputWithTimestamp(t, t);
        },
      },
      { name: "Stamp" },
    );
    const read = stamped.parDo<string>(
      {
        process(t: number, ctx: ProcessContext<string>) {
          ctx.output(`${t}@${ctx.timestamp}`);
        },
      },
      { name: "ReadTimestamp" },
    );
    assertThat(read).containsInAnyOrder("1000@1000", "2000@2000");
  },
});

/** Emits the number of elements of each bundle from finishBundle, with an explicit timestamp and window. */
class CountPerBundle implements DoFn<string, number> {
  private n = 0;
  private window: BoundedWindow | undefined;
  startBundle(): void {
    this.n = 0;
  }
  process(_: string, ctx: ProcessContext<number>): void {
    this.n++;
    this.window = ctx.window;
  }
  finishBundle(ctx: FinishBundleContext<number>): void {
    if (this.n > 0) ctx.output(this.n, TIMESTAMP_MIN_VALUE, this.window!);
  }
}

export const finishBundleOutput = definePipeline(import.meta, {
  name: "finishBundleOutput",
  build(p) {
    const counts = p.apply(create(["a", "b", "c", "d"])).parDo(new CountPerBundle());
    // However the runner cut the bundles, their counts add up to the number of elements.
    assertThat(counts).satisfies((ns) => ns.reduce((a, b) => a + b, 0) === 4 && ns.every((n) => n > 0));
  },
});
