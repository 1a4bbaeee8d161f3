/**
 * The direct runner's model checks, which wrap the core's interfaces (`runners/direct/checked-grouping-side.ts`,
 * `frozen-edges.ts`, `order-shuffling.ts`): the decorator on its own, then whole pipelines that rely on an order
 * the model leaves open, or mutate what they were given, failing or varying under `--orderSeed` and
 * `--enforceImmutability` while they pass with the checks off.
 */
import { expect } from "chai";
import {
  AfterCount,
  AfterWatermark,
  FixedWindows,
  GLOBAL_WINDOW,
  Pipeline,
  groupByKey,
  kv,
  read,
  type BoundedSource,
  type KV,
  type WindowingStrategy,
} from "../../../sdk/index.js";
import { GLOBAL_WINDOWING } from "../../../sdk/model/windowing-strategy.js";
import { create } from "../../../transforms/index.js";
import { createGroupingSide, type GroupingSide } from "../../../runners/core/grouping-side.js";
import type { Receiver } from "../../../runners/core/receiver.js";
import { checkedGroupingSide } from "../../../runners/direct/checked-grouping-side.js";
import { seededRandom } from "../../../runners/direct/seeded-random.js";

interface Pane {
  readonly key: string;
  readonly values: number[];
  readonly timing: string;
  readonly frozen: boolean;
}

/** Ten keys, five values each, in one window; one watermark step emits every key's EARLY and ON_TIME pane. */
function fire(wrap: (side: GroupingSide) => GroupingSide): Pane[] {
  const windowing: WindowingStrategy = {
    ...GLOBAL_WINDOWING,
    windowFn: new FixedWindows(10),
    trigger: AfterWatermark({ early: AfterCount(1) }),
    accumulationMode: "ACCUMULATING",
  };
  const side = wrap(createGroupingSide({ step: "s", windowing }));
  const window = new FixedWindows(10).assignWindows(1)[0]!;
  for (let k = 0; k < 10; k++) for (let v = 1; v <= 5; v++) side.add(`k${k}`, window, v, v);
  const panes: Pane[] = [];
  const out: Receiver = {
    receive(value, _timestamp, _window, pane) {
      const { key, value: values } = value as KV<string, number[]>;
      panes.push({ key, values: [...values], timing: pane.timing, frozen: Object.isFrozen(value) && Object.isFrozen(values) });
    },
  };
  side.advanceInputWatermark(100, out);
  return panes;
}

const sorted = (panes: Pane[]): string[] => panes.map((p) => `${p.key} ${p.timing} ${[...p.values].sort().join(",")}`).sort();

describe("the direct runner's checked grouping side", () => {
  it("is the side itself when no check is on", () => {
    const side = createGroupingSide({ step: "s", windowing: GLOBAL_WINDOWING });
    expect(checkedGroupingSide(side, { freeze: false, combine: false })).to.equal(side);
  });

  it("deep-freezes every pane it passes on, and only when asked", () => {
    expect(fire((s) => s).every((p) => !p.frozen)).to.equal(true);
    const frozen = fire((s) => checkedGroupingSide(s, { freeze: true, combine: false }));
    expect(frozen).to.have.length(20);
    expect(frozen.every((p) => p.frozen)).to.equal(true);
  });

  it("shuffles the panes of one call and the values of each group, keeping each key and window's panes in order", () => {
    const plain = fire((s) => s);
    const plainOrder = plain.map((p) => `${p.key} ${p.timing}`).join(" ");
    let reordered = 0;
    let valuesShuffled = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const checked = fire((s) => checkedGroupingSide(s, { freeze: false, random: seededRandom(seed), combine: false }));
      expect(sorted(checked), `seed ${seed}`).to.deep.equal(sorted(plain));
      for (let k = 0; k < 10; k++) {
        const timings = checked.filter((p) => p.key === `k${k}`).map((p) => p.timing);
        expect(timings, `seed ${seed} k${k}`).to.deep.equal(["EARLY", "ON_TIME"]);
      }
      if (checked.map((p) => `${p.key} ${p.timing}`).join(" ") !== plainOrder) reordered++;
      if (checked.some((p) => p.values.join(",") !== "1,2,3,4,5")) valuesShuffled++;
    }
    expect(plain.every((p) => p.values.join(",") === "1,2,3,4,5")).to.equal(true);
    expect(reordered).to.be.greaterThan(5);
    expect(valuesShuffled).to.be.greaterThan(5);
  });

  it("leaves a lifted combine's output alone (one value, not a list to shuffle)", () => {
    const side = checkedGroupingSide(
      createGroupingSide({
        step: "s",
        windowing: GLOBAL_WINDOWING,
        combineFn: { createAccumulator: () => [], addInput: (a: number[], x: number) => [...a, x], mergeAccumulators: (as: number[][]) => as.flat(), extractOutput: (a: number[]) => a },
      } as never),
      { freeze: false, random: seededRandom(1), combine: true },
    );
    side.add("k", GLOBAL_WINDOW, 0, [1, 2, 3, 4, 5, 6, 7, 8]);
    const seen: unknown[] = [];
    side.advanceInputWatermark(Infinity, { receive: (v) => void seen.push((v as KV<string, number[]>).value) });
    expect(seen).to.deep.equal([[1, 2, 3, 4, 5, 6, 7, 8]]);
  });
});

describe("the direct runner's model checks, on whole pipelines", function () {
  this.timeout(30_000);

  /** Groups 20 values under one key and keeps the group's first value: it relies on the order of the values. */
  async function firstOfGroup(options: Record<string, unknown>): Promise<number> {
    const firsts: number[] = [];
    const p = new Pipeline();
    p.apply(create(Array.from({ length: 20 }, (_, i) => kv("k", i))))
      .apply(groupByKey<string, number>())
      .parDo<never>({ process: (e: KV<string, Iterable<number>>) => void firsts.push([...e.value][0]!) }, { name: "First" });
    await p.run({ quiet: true, ...options });
    return firsts[0]!;
  }

  it("--orderSeed makes a pipeline that relies on the order of a group's values vary", async () => {
    const unchecked = new Set([await firstOfGroup({}), await firstOfGroup({})]);
    expect(unchecked.size).to.equal(1);
    const seeded = new Set<number>();
    for (let seed = 1; seed <= 5; seed++) seeded.add(await firstOfGroup({ orderSeed: seed }));
    expect(seeded.size).to.be.greaterThan(1);
  });

  it("--orderSeed runs a source's splits in a random order", async () => {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 5; seed++) {
      const seen: number[] = [];
      const source: BoundedSource<number, number> = {
        description: "Splits",
        split: async () => [0, 1, 2, 3, 4, 5],
        async *read(split) {
          yield [split];
        },
      };
      const p = new Pipeline();
      p.apply(read(source)).parDo<never>({ process: (n: number) => void seen.push(n) }, { name: "Record" });
      await p.run({ quiet: true, orderSeed: seed });
      expect([...seen].sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
      orders.add(seen.join(","));
    }
    expect(orders.size).to.be.greaterThan(1);
  });

  /** A DoFn after a GroupByKey that adds to the group it was given. */
  function mutatesGroup(): Pipeline {
    const p = new Pipeline();
    p.apply(create([kv("k", 1), kv("k", 2)]))
      .apply(groupByKey<string, number>())
      .parDo<never>({ process: (e: KV<string, Iterable<number>>) => void (e.value as number[]).push(3) }, { name: "AddToGroup" });
    return p;
  }

  it("--enforceImmutability fails a DoFn that mutates a group it was given, naming the step", async () => {
    const error = await mutatesGroup()
      .run({ quiet: true })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error?.message).to.match(/AddToGroup/).and.to.match(/read.only|frozen|not extensible|Cannot add/i);
    await mutatesGroup().run({ quiet: true, enforceImmutability: false });
  });
});
