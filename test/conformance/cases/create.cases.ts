/**
 * Create and Read: values in memory and bounded sources, including empty ones, many splits and rich values.
 */
import { definePipeline, read, type BoundedSource } from "../../../sdk/index.js";
import { countGlobally, create, sumGlobally } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { listSource, range } from "./support.js";

export const createNumbers = definePipeline(import.meta, {
  name: "createNumbers",
  build(p) {
    assertThat(p.apply(create([3, 1, 2, 1]))).containsInAnyOrder(1, 1, 2, 3);
  },
});

export const createEmpty = definePipeline(import.meta, {
  name: "createEmpty",
  build(p) {
    assertThat(p.apply(create<string>([]))).empty();
  },
});

export const createFromIterable = definePipeline(import.meta, {
  name: "createFromIterable",
  build(p) {
    function* letters() {
      yield* ["x", "y", "z"];
    }
    assertThat(p.apply(create(letters()))).containsInAnyOrder("x", "y", "z");
    assertThat(p.apply(create(new Set([1, 2, 2, 3])))).containsInAnyOrder(1, 2, 3);
  },
});

export const createObjects = definePipeline(import.meta, {
  name: "createObjects",
  build(p) {
    const values = [
      { name: "ann", tags: ["a", "b"], nested: { depth: 1, list: [1, [2, 3]] } },
      { name: "bob", tags: [], nested: { depth: 2, list: [] } },
      null,
      true,
      "",
      0,
      -1.5,
      [],
    ];
    // Property order of the expected objects differs from the created ones on purpose.
    assertThat(p.apply(create(values))).containsInAnyOrder(
      { tags: ["a", "b"], nested: { list: [1, [2, 3]], depth: 1 }, name: "ann" },
      { nested: { list: [], depth: 2 }, name: "bob", tags: [] },
      null,
      true,
      "",
      0,
      -1.5,
      [],
    );
  },
});

export const createRichValues = definePipeline(import.meta, {
  name: "createRichValues",
  build(p) {
    const values = [new Date(86_400_000), Buffer.from([0, 1, 255]), { when: new Date(0), bytes: new Uint8Array([7]) }];
    assertThat(p.apply(create(values))).containsInAnyOrder(
      new Date(86_400_000),
      Buffer.from([0, 1, 255]),
      { when: new Date(0), bytes: Buffer.from([7]) },
    );
  },
});

export const createMapsAndSets = definePipeline(import.meta, {
  name: "createMapsAndSets",
  build(p) {
    const values = [new Map<string, number>([["a", 1], ["b", 2]]), new Set(["x", "y"])];
    assertThat(p.apply(create<unknown>(values))).containsInAnyOrder(new Map([["b", 2], ["a", 1]]), new Set(["y", "x"]));
  },
});

export const createMany = definePipeline(import.meta, {
  name: "createMany",
  build(p) {
    const n = 100_000;
    const numbers = p.apply(create(range(0, n)));
    assertThat(numbers.apply(countGlobally()), "count").containsInAnyOrder(n);
    assertThat(numbers.apply(sumGlobally()), "sum").containsInAnyOrder((n * (n - 1)) / 2);
  },
});

export const readManySplits = definePipeline(import.meta, {
  name: "readManySplits",
  build(p) {
    const splits = [range(0, 10), [], range(10, 11), range(11, 30), range(30, 31)];
    assertThat(p.apply(read(listSource(splits)))).equals(range(0, 31));
  },
});

export const readNoSplits = definePipeline(import.meta, {
  name: "readNoSplits",
  build(p) {
    assertThat(p.apply(read(listSource<number>([])))).empty();
  },
});

export const readOnlyEmptySplits = definePipeline(import.meta, {
  name: "readOnlyEmptySplits",
  build(p) {
    assertThat(p.apply(read(listSource<number>([[], [], []])))).empty();
  },
});

const failingSplitSource: BoundedSource<number> = {
  description: "FailingSplit",
  async split() {
    throw new Error("no files match /nowhere/*.txt");
  },
  async *read() {
    yield [];
  },
};

export const readSplitFails = definePipeline(import.meta, {
  name: "readSplitFails",
  build(p) {
    p.apply("ReadNowhere", read(failingSplitSource)).map((x) => x + 1);
  },
});

const failingReadSource: BoundedSource<number, number> = {
  description: "FailingRead",
  async split() {
    return [0, 1];
  },
  async *read(split) {
    yield [split * 10, split * 10 + 1];
    if (split === 1) throw new Error("disk on fire while reading split 1");
  },
};

export const readFails = definePipeline(import.meta, {
  name: "readFails",
  build(p) {
    p.apply("ReadBroken", read(failingReadSource)).map((x) => x + 1);
  },
});
