/**
 * `assertThat` itself, on every runner: each assertion passes when it should, and fails the run, with expected
 * against actual, when it should not, including on empty PCollections (which make no groups, so an assertion
 * built on a GroupByKey would never run).
 */
import { definePipeline, flatten, kv, windowInto, GlobalWindows } from "../../../sdk/index.js";
import { create } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";

export const assertionsThatPass = definePipeline(import.meta, {
  name: "assertionsThatPass",
  build(p) {
    const words = p.apply(create(["b", "a", "b"]));
    assertThat(words, "chained").containsInAnyOrder("a", "b", "b").equals(["b", "b", "a"]).satisfies((ws) => ws.length === 3);
    assertThat(p.apply("Empty", create<number>([]))).empty().equals([]).containsInAnyOrder();
    assertThat(p.apply("Records", create([kv({ id: 1, at: "x" }, [1, 2])]))).containsInAnyOrder(kv({ at: "x", id: 1 }, [1, 2]));
    assertThat(p.apply("Odd", create([NaN, -0, undefined, null]))).containsInAnyOrder(null, undefined, 0, NaN);
  },
});

export const assertionOnRewindowedInput = definePipeline(import.meta, {
  name: "assertionOnRewindowedInput",
  build(p) {
    const windowed = p.apply(create([1, 2])).apply(windowInto(new GlobalWindows(), { allowedLateness: 1000 }));
    assertThat(windowed).containsInAnyOrder(1, 2);
  },
});

export const assertionOnFlattenOfNothing = definePipeline(import.meta, {
  name: "assertionOnFlattenOfNothing",
  build(p) {
    assertThat(p.apply(flatten<string>([]))).empty();
  },
});

export const containsFailsOnEmpty = definePipeline(import.meta, {
  name: "containsFailsOnEmpty",
  build(p) {
    assertThat(p.apply(create<string>([])), "nothing").containsInAnyOrder("x");
  },
});

export const containsFailsOnDuplicates = definePipeline(import.meta, {
  name: "containsFailsOnDuplicates",
  build(p) {
    assertThat(p.apply(create(["a", "a"]))).containsInAnyOrder("a");
  },
});

export const emptyFails = definePipeline(import.meta, {
  name: "emptyFails",
  build(p) {
    assertThat(p.apply(create([3, 1]))).empty();
  },
});

export const satisfiesReturnsFalse = definePipeline(import.meta, {
  name: "satisfiesReturnsFalse",
  build(p) {
    assertThat(p.apply(create([1, 2]))).satisfies((xs) => xs.length > 2);
  },
});

export const satisfiesThrows = definePipeline(import.meta, {
  name: "satisfiesThrows",
  build(p) {
    assertThat(p.apply(create([1, 2]))).satisfies((xs) => {
      if (!xs.includes(5)) throw new Error("5 is missing");
    });
  },
});

export const oneOfSeveralFails = definePipeline(import.meta, {
  name: "oneOfSeveralFails",
  build(p) {
    const numbers = p.apply(create([1, 2]));
    assertThat(numbers, "first").containsInAnyOrder(1, 2);
    assertThat(numbers, "second").containsInAnyOrder(1, 2, 3);
    assertThat(numbers, "third").satisfies(() => true);
  },
});
