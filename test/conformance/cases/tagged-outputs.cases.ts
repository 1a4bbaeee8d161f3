/**
 * Tagged outputs: a ParDo writing to several PCollections, and `partition` built on it.
 */
import { definePipeline, parDoWithOutputs, type ProcessContext } from "../../../sdk/index.js";
import { create, partition } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { range } from "./support.js";

type Outputs = { long: string; lengths: number; never: boolean };

export const taggedOutputs = definePipeline(import.meta, {
  name: "taggedOutputs",
  build(p) {
    const words = p.apply(create(["a", "tree", "be", "forest"]));
    const { main: short, long, lengths, never } = words.apply(
      parDoWithOutputs<string, string, Outputs>(
        {
          process(w: string, ctx: ProcessContext<string, Outputs>) {
            ctx.outputTo("lengths", w.length);
            if (w.length > 3) ctx.outputTo("long", w);
            else ctx.output(w);
          },
        },
        ["long", "lengths", "never"],
      ),
    );
    assertThat(short, "main").containsInAnyOrder("a", "be");
    assertThat(long, "long").containsInAnyOrder("tree", "forest");
    assertThat(lengths, "lengths").containsInAnyOrder(1, 4, 2, 6);
    assertThat(never, "never written").empty();
  },
});

export const taggedOutputsFeedFurtherSteps = definePipeline(import.meta, {
  name: "taggedOutputsFeedFurtherSteps",
  build(p) {
    const { main: evens, odd } = p.apply(create(range(0, 10))).apply(
      parDoWithOutputs<number, number, { odd: number }>(
        {
          process(n: number, ctx: ProcessContext<number, { odd: number }>) {
            if (n % 2 === 0) ctx.output(n);
            else ctx.outputTo("odd", n);
          },
        },
        ["odd"],
      ),
    );
    assertThat(evens.map((n) => n * 10, "Times10"), "evens").containsInAnyOrder(0, 20, 40, 60, 80);
    assertThat(odd.map((n) => -n, "Negate"), "odds").containsInAnyOrder(-1, -3, -5, -7, -9);
  },
});

export const undeclaredTag = definePipeline(import.meta, {
  name: "undeclaredTag",
  build(p) {
    p.apply(create([1])).apply(
      "WriteUndeclared",
      parDoWithOutputs<number, number, { declared: number; other: number }>(
        {
          process(n: number, ctx: ProcessContext<number, { declared: number; other: number }>) {
            ctx.outputTo("other", n);
          },
        },
        ["declared"],
      ),
    );
  },
});

export const partitionByFunction = definePipeline(import.meta, {
  name: "partitionByFunction",
  build(p) {
    const parts = p.apply(create(range(0, 10))).apply(partition(3, (n, count) => n % count));
    assertThat(parts[0]!, "0").containsInAnyOrder(0, 3, 6, 9);
    assertThat(parts[1]!, "1").containsInAnyOrder(1, 4, 7);
    assertThat(parts[2]!, "2").containsInAnyOrder(2, 5, 8);
  },
});

export const partitionOneAndEmpty = definePipeline(import.meta, {
  name: "partitionOneAndEmpty",
  build(p) {
    const [all] = p.apply(create(["x", "y"])).apply(partition(1, () => 0));
    assertThat(all!, "single partition").containsInAnyOrder("x", "y");
    const [small, big] = p.apply("Small", create([1, 2])).apply(partition(2, (n) => (n > 100 ? 1 : 0)));
    assertThat(small!, "small").containsInAnyOrder(1, 2);
    assertThat(big!, "big").empty();
  },
});

export const partitionOutOfRange = definePipeline(import.meta, {
  name: "partitionOutOfRange",
  build(p) {
    p.apply(create([1, 2, 7])).apply(partition(3, (n) => n));
  },
});
