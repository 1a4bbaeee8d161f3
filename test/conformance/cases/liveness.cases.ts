/**
 * Liveness: user code that never settles, never finishes or is async where it must not be makes the run fail,
 * naming the step (and the method), instead of hanging or succeeding with lost output. Run with a small
 * `--taskTimeout`.
 */
import { definePipeline, read, type BoundedSource } from "../../../sdk/index.js";
import { create } from "../../../transforms/index.js";

const never = <T>(): Promise<T> => new Promise<T>(() => {});

export const setupNeverSettles = definePipeline(import.meta, {
  name: "setupNeverSettles",
  build(p) {
    p.apply(create([1, 2, 3])).parDo(
      {
        setup: () => never<void>(),
        process() {
          throw new Error("process() called although setup() never settled");
        },
      },
      { name: "Connect" },
    );
  },
});

export const finishBundleNeverSettles = definePipeline(import.meta, {
  name: "finishBundleNeverSettles",
  build(p) {
    p.apply(create([1, 2, 3]))
      .map((x) => x * 2, "Double")
      .parDo({ process() {}, finishBundle: () => never<void>() }, { name: "Flush" });
  },
});

/** A source whose split never settles (the coordinator splits on the parallel runners). */
const neverSplits: BoundedSource<number> = {
  description: "a source whose split never settles",
  split: () => never(),
  async *read() {
    yield [1];
  },
};

export const splitNeverSettles = definePipeline(import.meta, {
  name: "splitNeverSettles",
  build(p) {
    p.apply("Stuck", read(neverSplits));
  },
});

/** A source whose read never produces its first batch (workers read). */
const neverReads: BoundedSource<number, number> = {
  description: "a source whose read never settles",
  split: async () => [0],
  async *read() {
    yield await never<number[]>();
  },
};

export const readNeverSettles = definePipeline(import.meta, {
  name: "readNeverSettles",
  build(p) {
    p.apply("Stuck", read(neverReads));
  },
});

/** A `process` in an endless loop: only a pool can stop it, by replacing its worker. */
export const processNeverReturns = definePipeline(import.meta, {
  name: "processNeverReturns",
  build(p) {
    p.apply(create([1, 2, 3]))
      .map((x) => x + 1, "Inc")
      .parDo(
        {
          process() {
            for (;;);
          },
        },
        { name: "Spin" },
      );
  },
});

export const asyncProcess = definePipeline(import.meta, {
  name: "asyncProcess",
  build(p) {
    p.apply(create([1, 2, 3])).parDo(
      {
        async process(x: number, ctx) {
          await Promise.resolve();
          ctx.output(x);
        },
      },
      { name: "Fetch" },
    );
  },
});

export const asyncMap = definePipeline(import.meta, {
  name: "asyncMap",
  build(p) {
    p.apply(create([1, 2, 3])).map(async (x) => x + 1, "Lookup");
  },
});

export const processReturnsPromise = definePipeline(import.meta, {
  name: "processReturnsPromise",
  build(p) {
    p.apply(create([7])).parDo(
      {
        // Not declared async, so only its result gives it away.
        process(x: number, ctx) {
          return Promise.resolve().then(() => ctx.output(x));
        },
      },
      { name: "Fetch" },
    );
  },
});
