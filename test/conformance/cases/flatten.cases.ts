/**
 * Flatten: the union of several PCollections, including none, one, the same one twice, and inputs from the same
 * fused stage or from different ones.
 */
import { definePipeline, flatten, groupByKey, kv } from "../../../sdk/index.js";
import { countGlobally, create } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { sortedGroups } from "./support.js";

export const flattenSeveral = definePipeline(import.meta, {
  name: "flattenSeveral",
  build(p) {
    const a = p.apply("A", create([1, 2]));
    const b = p.apply("B", create([2, 3]));
    const c = p.apply("C", create([4]));
    assertThat(p.apply(flatten([a, b, c]))).containsInAnyOrder(1, 2, 2, 3, 4);
  },
});

export const flattenNone = definePipeline(import.meta, {
  name: "flattenNone",
  build(p) {
    const nothing = p.apply(flatten<number>([]));
    assertThat(nothing, "elements").empty();
    assertThat(nothing.apply(countGlobally()), "count").containsInAnyOrder(0);
  },
});

export const flattenOne = definePipeline(import.meta, {
  name: "flattenOne",
  build(p) {
    assertThat(p.apply(flatten([p.apply(create(["x", "y"]))]))).containsInAnyOrder("x", "y");
  },
});

export const flattenSameTwice = definePipeline(import.meta, {
  name: "flattenSameTwice",
  build(p) {
    const a = p.apply(create([1, 2]));
    assertThat(p.apply(flatten([a, a]))).containsInAnyOrder(1, 1, 2, 2);
  },
});

export const flattenSameStage = definePipeline(import.meta, {
  name: "flattenSameStage",
  build(p) {
    const numbers = p.apply(create([1, 2, 3]));
    const doubled = numbers.map((n) => n * 2, "Double");
    const odd = numbers.filter((n) => n % 2 === 1, "Odd");
    assertThat(p.apply(flatten([doubled, odd]))).containsInAnyOrder(2, 4, 6, 1, 3);
  },
});

export const flattenWithEmpty = definePipeline(import.meta, {
  name: "flattenWithEmpty",
  build(p) {
    const empty = p.apply("Empty", create<string>([]));
    const some = p.apply("Some", create(["s"]));
    assertThat(p.apply(flatten([empty, some, empty]))).containsInAnyOrder("s");
  },
});

export const flattenThenGroup = definePipeline(import.meta, {
  name: "flattenThenGroup",
  build(p) {
    const a = p.apply("A", create([kv("k", 1)]));
    const b = p.apply("B", create([kv("k", 2), kv("j", 3)]));
    const grouped = p.apply(flatten([a, b])).apply(groupByKey());
    assertThat(sortedGroups(grouped)).containsInAnyOrder(kv("k", [1, 2]), kv("j", [3]));
  },
});

export const flattenOfGrouped = definePipeline(import.meta, {
  name: "flattenOfGrouped",
  build(p) {
    // Inputs produced by different shuffles, one of them also read directly.
    const a = p.apply("A", create([kv("x", 1), kv("x", 2)])).apply("GroupA", groupByKey());
    const b = p.apply("B", create([kv("y", 3)])).apply("GroupB", groupByKey());
    const sizes = p.apply(flatten([a, b])).map((g) => `${g.key}:${g.value.length}`);
    assertThat(sizes, "flattened").containsInAnyOrder("x:2", "y:1");
    assertThat(sortedGroups(a), "a itself").containsInAnyOrder(kv("x", [1, 2]));
  },
});
