/**
 * Failures: a failed run names the step by its full name, shows the element and the user's message; model
 * violations (non-deterministic keys, non-KV input to GroupByKey, timestamps moved backwards, mutated elements)
 * fail with a message that says what to do.
 */
import { combinePerKey, definePipeline, groupByKey, kv, ptransform, type PCollection, type ProcessContext } from "../../../sdk/index.js";
import { create, countPerElement } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";

export const doFnThrows = definePipeline(import.meta, {
  name: "doFnThrows",
  build(p) {
    p.apply(create(["ok", "boom", "fine"])).apply(
      ptransform("Parse", (lines: PCollection<string>) =>
        lines.map((line) => {
          if (line === "boom") throw new Error(`cannot parse '${line}'`);
          return line.length;
        }, "ParseLine"),
      ),
    );
  },
});

export const doFnThrowsNonError = definePipeline(import.meta, {
  name: "doFnThrowsNonError",
  build(p) {
    p.apply(create([{ id: 7 }])).map((r) => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw { code: "E_BAD", id: r.id };
    }, "ThrowObject");
  },
});

export const functionAsKey = definePipeline(import.meta, {
  name: "functionAsKey",
  build(p) {
    p.apply(create([1, 2]))
      .map((n) => kv(() => n, n), "KeyByFunction")
      .apply(groupByKey());
  },
});

export const functionAsKeyInCombine = definePipeline(import.meta, {
  name: "functionAsKeyInCombine",
  build(p) {
    p.apply(create([1, 2]))
      .map((n) => () => n, "MakeFunctions")
      .apply(countPerElement());
  },
});

export const symbolInKey = definePipeline(import.meta, {
  name: "symbolInKey",
  build(p) {
    p.apply(create([1]))
      .map((n) => kv({ id: n, tag: Symbol("t") }, n), "KeyWithSymbol")
      .apply(groupByKey());
  },
});

export const notAKvIntoGroupByKey = definePipeline(import.meta, {
  name: "notAKvIntoGroupByKey",
  build(p) {
    const notKvs = p.apply(create([["a", 1]])) as unknown as PCollection<{ key: string; value: number }>;
    notKvs.apply(groupByKey());
  },
});

export const combineFnThrows = definePipeline(import.meta, {
  name: "combineFnThrows",
  build(p) {
    p.apply(create([kv("a", 1), kv("a", -1)])).apply(
      "SumPositive",
      combinePerKey<string, number, number, number>({
        createAccumulator: () => 0,
        addInput(acc, x) {
          if (x < 0) throw new RangeError(`negative input ${x}`);
          return acc + x;
        },
        mergeAccumulators: (accs) => accs.reduce((a, b) => a + b),
        extractOutput: (acc) => acc,
      }),
    );
  },
});

export const timestampMovedBackwards = definePipeline(import.meta, {
  name: "timestampMovedBackwards",
  build(p) {
    const stamped = p.apply(create([10_000])).parDo<number>(
      {
        process(t: number, ctx: ProcessContext<number>) {
          ctx.outputWithTimestamp(t, t);
        },
      },
      { name: "Stamp" },
    );
    stamped.parDo<number>(
      {
        process(t: number, ctx: ProcessContext<number>) {
          ctx.outputWithTimestamp(t, t - 1000);
        },
      },
      { name: "MoveBack" },
    );
  },
});

export const mutatesInput = definePipeline(import.meta, {
  name: "mutatesInput",
  build(p) {
    const records = p.apply(create([{ n: 1 }])).map((r) => ({ n: r.n }), "Copy");
    records.map((r) => {
      (r as { n: number }).n++;
      return r;
    }, "Increment");
  },
});

export const mutatesCreatedElement = definePipeline(import.meta, {
  name: "mutatesCreatedElement",
  build(p) {
    // Elements straight from a source are as immutable as any other.
    p.apply(create([{ n: 1 }])).map((r) => {
      (r as { n: number }).n++;
      return r;
    }, "Increment");
  },
});

export const assertionFails = definePipeline(import.meta, {
  name: "assertionFails",
  build(p) {
    assertThat(p.apply(create([1, 2, 3])), "numbers").containsInAnyOrder(1, 2, 4);
  },
});
