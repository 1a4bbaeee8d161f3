/**
 * GroupByKey and the transforms built on it: coGroupByKey, distinct, reshuffle. Keys are compared by value
 * (deterministic encoding), never by identity or property order.
 */
import { definePipeline, groupByKey, kv, type KV, type ProcessContext } from "../../../sdk/index.js";
import { coGroupByKey, create, distinct, reshuffle } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { range, sortedGroups } from "./support.js";

export const groupByKeyBasic = definePipeline(import.meta, {
  name: "groupByKeyBasic",
  build(p) {
    const pairs = p.apply(create([kv("a", 1), kv("b", 2), kv("a", 3), kv("c", 4), kv("a", 2)]));
    assertThat(sortedGroups(pairs.apply(groupByKey()))).containsInAnyOrder(kv("a", [1, 2, 3]), kv("b", [2]), kv("c", [4]));
  },
});

export const groupByKeyDuplicateValues = definePipeline(import.meta, {
  name: "groupByKeyDuplicateValues",
  build(p) {
    const pairs = p.apply(create([kv("k", "v"), kv("k", "v"), kv("k", "w")]));
    assertThat(sortedGroups(pairs.apply(groupByKey()))).containsInAnyOrder(kv("k", ["v", "v", "w"]));
  },
});

export const groupByKeyEmpty = definePipeline(import.meta, {
  name: "groupByKeyEmpty",
  build(p) {
    assertThat(p.apply(create<KV<string, number>>([])).apply(groupByKey())).empty();
  },
});

export const groupByKeyObjectKeys = definePipeline(import.meta, {
  name: "groupByKeyObjectKeys",
  build(p) {
    // Equal keys built with different property orders, and nested: one group.
    const pairs = p.apply(
      create([
        kv({ user: "ann", region: { country: "NL", city: "Utrecht" } }, 1),
        kv({ region: { city: "Utrecht", country: "NL" }, user: "ann" }, 2),
        kv({ user: "bob", region: { country: "NL", city: "Utrecht" } }, 3),
      ]),
    );
    assertThat(sortedGroups(pairs.apply(groupByKey()))).containsInAnyOrder(
      kv({ user: "ann", region: { country: "NL", city: "Utrecht" } }, [1, 2]),
      kv({ user: "bob", region: { country: "NL", city: "Utrecht" } }, [3]),
    );
  },
});

export const groupByKeyKeyTypes = definePipeline(import.meta, {
  name: "groupByKeyKeyTypes",
  build(p) {
    // 1 and "1" are different keys; arrays, null and booleans are keys like any other value.
    const pairs = p.apply(
      create<KV<unknown, string>>([
        kv(1, "number"),
        kv("1", "string"),
        kv(1, "number again"),
        kv([1, "x"], "array"),
        kv([1, "x"], "array again"),
        kv(null, "null"),
        kv(true, "true"),
        kv(false, "false"),
        kv(2.5, "float"),
      ]),
    );
    assertThat(sortedGroups(pairs.apply(groupByKey()))).containsInAnyOrder(
      kv(1, ["number", "number again"]),
      kv("1", ["string"]),
      kv([1, "x"], ["array", "array again"]),
      kv(null, ["null"]),
      kv(true, ["true"]),
      kv(false, ["false"]),
      kv(2.5, ["float"]),
    );
  },
});

export const groupByKeyManyKeys = definePipeline(import.meta, {
  name: "groupByKeyManyKeys",
  build(p) {
    const n = 20_000;
    const groups = p
      .apply(create(range(0, n)))
      .map((i) => kv(i % 1000, i))
      .apply(groupByKey());
    assertThat(groups.map((g) => g.value.length)).satisfies((sizes) => sizes.length === 1000 && sizes.every((s) => s === n / 1000));
  },
});

export const groupByKeyTwice = definePipeline(import.meta, {
  name: "groupByKeyTwice",
  build(p) {
    const pairs = p.apply(create([kv("a", 1), kv("a", 2), kv("b", 3)]));
    const sizes = pairs
      .apply("First", groupByKey())
      .map((g) => kv(g.value.length, g.key))
      .apply("Second", groupByKey());
    assertThat(sortedGroups(sizes)).containsInAnyOrder(kv(2, ["a"]), kv(1, ["b"]));
  },
});

export const groupedOutputPane = definePipeline(import.meta, {
  name: "groupedOutputPane",
  build(p) {
    // The default trigger fires once per key and window: the on-time, only pane.
    const panes = p
      .apply(create([kv("a", 1), kv("a", 2)]))
      .apply(groupByKey())
      .parDo<string>({
        process(_: KV<string, readonly number[]>, ctx: ProcessContext<string>) {
          ctx.output(`${ctx.pane.timing}|${ctx.pane.isFirst}|${ctx.pane.isLast}|${ctx.pane.index}`);
        },
      });
    assertThat(panes).containsInAnyOrder("ON_TIME|true|true|0");
  },
});

export const coGroupByKeyTwoInputs = definePipeline(import.meta, {
  name: "coGroupByKeyTwoInputs",
  build(p) {
    const emails = p.apply("Emails", create([kv("ann", "ann@a.org"), kv("bob", "bob@b.org"), kv("ann", "ann@c.org")]));
    const phones = p.apply("Phones", create([kv("ann", "555-1"), kv("cat", "555-2")]));
    const joined = p
      .apply(coGroupByKey({ emails, phones }))
      .map(({ key, value }) => kv(key, { emails: [...value.emails].sort(), phones: [...value.phones].sort() }));
    assertThat(joined).containsInAnyOrder(
      kv("ann", { emails: ["ann@a.org", "ann@c.org"], phones: ["555-1"] }),
      kv("bob", { emails: ["bob@b.org"], phones: [] }),
      kv("cat", { emails: [], phones: ["555-2"] }),
    );
  },
});

export const coGroupByKeyThreeInputsObjectKeys = definePipeline(import.meta, {
  name: "coGroupByKeyThreeInputsObjectKeys",
  build(p) {
    const a = p.apply("A", create([kv({ x: 1, y: 2 }, "a1"), kv({ x: 1, y: 2 }, "a1")]));
    const b = p.apply("B", create([kv({ y: 2, x: 1 }, 10)]));
    const c = p.apply("C", create<KV<{ x: number; y: number }, boolean>>([]));
    const joined = p.apply(coGroupByKey({ a, b, c }));
    assertThat(joined).containsInAnyOrder(kv({ x: 1, y: 2 }, { a: ["a1", "a1"], b: [10], c: [] }));
  },
});

export const coGroupByKeyEmptyInputs = definePipeline(import.meta, {
  name: "coGroupByKeyEmptyInputs",
  build(p) {
    const a = p.apply("A", create<KV<string, number>>([]));
    const b = p.apply("B", create<KV<string, string>>([]));
    assertThat(p.apply(coGroupByKey({ a, b })), "both empty").empty();
    assertThat(p.apply(coGroupByKey({})), "no inputs").empty();
  },
});

export const distinctElements = definePipeline(import.meta, {
  name: "distinctElements",
  build(p) {
    const words = p.apply(create(["a", "b", "a", "c", "b", "a"]));
    assertThat(words.apply(distinct()), "strings").containsInAnyOrder("a", "b", "c");
    const objects = p.apply("Objects", create([{ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1, b: 3 }]));
    assertThat(objects.apply(distinct()), "objects").containsInAnyOrder({ a: 1, b: 2 }, { a: 1, b: 3 });
    assertThat(p.apply("Empty", create<number>([])).apply(distinct()), "empty").empty();
  },
});

export const reshufflePreservesElements = definePipeline(import.meta, {
  name: "reshufflePreservesElements",
  build(p) {
    const input = range(0, 500).concat(range(0, 10));
    assertThat(p.apply(create(input)).apply(reshuffle()), "elements").equals(input);
    assertThat(p.apply("Empty", create<string>([])).apply(reshuffle()), "empty").empty();
  },
});

export const reshufflePreservesTimestamps = definePipeline(import.meta, {
  name: "reshufflePreservesTimestamps",
  build(p) {
    const stamped = p.apply(create([5_000, 7_000])).parDo<number>(
      {
        process(t: number, ctx: ProcessContext<number>) {
          ctx.outputWithTimestamp(t, t);
        },
      },
      { name: "Stamp" },
    );
    const seen = stamped.apply(reshuffle()).parDo<string>(
      {
        process(t: number, ctx: ProcessContext<string>) {
          ctx.output(`${t}@${ctx.timestamp}`);
        },
      },
      { name: "ReadTimestamp" },
    );
    assertThat(seen).containsInAnyOrder("5000@5000", "7000@7000");
  },
});
