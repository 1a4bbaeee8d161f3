/**
 * Coders: a custom merging window class (an IntervalWindow subclass carrying an auction id, as in Nexmark's
 * WinningBids) with a windowCoder groups into the same panes on every runner, in batch and across streaming
 * grouping-state snapshots; a subclass without a coder fails naming the step; a PCollection's own coder
 * (`setCoder`) carries class instances through a GroupByKey and a side input; `-0` and own `__proto__` keys
 * survive; functions, symbols and class instances without a coder fail with the same message everywhere.
 */
import {
  asIterable,
  definePipeline,
  groupByKey,
  IntervalWindow,
  kv,
  parDo,
  StateSpecs,
  statefulDoFn,
  windowInto,
  type Coder,
  type KV,
  type PCollection,
  type WindowCoder,
  type WindowFn,
  type WindowMerge,
} from "../../../sdk/index.js";
import { create, sumFn } from "../../../transforms/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";
import { at, pane, sortedValues } from "./event-time-support.js";
import { stamped } from "./support.js";

/** The window of one auction: an interval that also says which auction it is. */
export class AuctionWindow extends IntervalWindow {
  override readonly id: string;
  constructor(
    start: number,
    end: number,
    /** The auction's id. */
    readonly auction: number,
  ) {
    super(start, end);
    this.id = `${start}:${end}@${auction}`;
  }
}

/** The coder of {@link AuctionWindow}: its start, end and auction. */
export const auctionWindowCoder: WindowCoder<AuctionWindow> = {
  encode: (w) => [w.start, w.end, w.auction],
  decode: (data) => {
    const [start, end, auction] = data as [number, number, number];
    return new AuctionWindow(start, end, auction);
  },
};

/**
 * Bids (values `auction * 100 + t`) get a window of `gap` ms from their timestamp in their auction; a key's
 * windows of one auction merge when they overlap (sessions per auction), windows of different auctions never.
 */
class AuctionWindows implements WindowFn<AuctionWindow> {
  readonly isMerging = true;
  readonly description: string;
  readonly windowCoder: WindowCoder<AuctionWindow> | undefined;

  constructor(
    private readonly gap: number,
    withCoder: boolean,
  ) {
    this.description = `AuctionWindows(gap=${gap}ms${withCoder ? "" : ", no coder"})`;
    this.windowCoder = withCoder ? auctionWindowCoder : undefined;
  }

  assignWindows(timestamp: number, element: unknown): AuctionWindow[] {
    const bid = (element as KV<string, number>).value;
    return [new AuctionWindow(timestamp, timestamp + this.gap, Math.floor(bid / 100))];
  }

  mergeWindows(windows: readonly AuctionWindow[]): WindowMerge<AuctionWindow>[] {
    const merges: WindowMerge<AuctionWindow>[] = [];
    const byAuction = new Map<number, AuctionWindow[]>();
    for (const w of windows) byAuction.set(w.auction, [...(byAuction.get(w.auction) ?? []), w]);
    for (const [auction, ws] of byAuction) {
      ws.sort((a, b) => a.start - b.start || a.end - b.end);
      let group: AuctionWindow[] = [];
      let end = -Infinity;
      const close = (): void => {
        if (group.length > 1) merges.push({ merged: group, result: new AuctionWindow(group[0]!.start, end, auction) });
      };
      for (const w of ws) {
        if (group.length > 0 && w.start < end) {
          group.push(w);
          end = Math.max(end, w.end);
        } else {
          close();
          group = [w];
          end = w.end;
        }
      }
      close();
    }
    return merges;
  }
}

/** Each group tagged with its window's class and auction, as a ParDo after the grouping sees them. */
function windowsSeen(groups: PCollection<KV<string, number[]>>): PCollection<string> {
  return groups.parDo<string>(
    {
      process(g, ctx) {
        const w = ctx.window;
        ctx.output(`${w instanceof AuctionWindow ? `auction ${w.auction}` : `a ${w.constructor.name}`}: ${g.value.join(",")}`);
      },
    },
    { name: "WindowsSeen" },
  );
}

/** Batch: bids of two auctions under one key, overlapping in time; each auction's bids merge on their own. */
export const customMergingWindowBatch = definePipeline(import.meta, {
  name: "customMergingWindowBatch",
  build(p) {
    const bids = stamped(
      p.apply(create([kv("bids", 101), kv("bids", 105), kv("bids", 203), kv("bids", 209), kv("bids", 140)])),
      (b) => b.value % 100,
    );
    const grouped = sortedValues(bids.apply(windowInto<KV<string, number>>(new AuctionWindows(10, true))).apply(groupByKey<string, number>()));
    assertThat(grouped).panes().containsInAnyOrder(
      pane("1:15@1", kv("bids", [101, 105]), 14, "ON_TIME 0/0 first last"),
      pane("40:50@1", kv("bids", [140]), 49, "ON_TIME 0/0 first last"),
      pane("3:19@2", kv("bids", [203, 209]), 18, "ON_TIME 0/0 first last"),
    );
    // After the grouping the windows are still AuctionWindows, also where they cross to the next stage.
    assertThat(windowsSeen(grouped)).containsInAnyOrder("auction 1: 101,105", "auction 1: 140", "auction 2: 203,209");
  },
});

/**
 * Streaming: windows that have not fired yet wait in the grouping state between group tasks (on the parallel
 * runners resident in the key group's worker, and in its checkpoints, which encode them with the window coder),
 * then merge with later bids.
 */
export const customMergingWindowStreaming = definePipeline(import.meta, {
  name: "customMergingWindowStreaming",
  build(p) {
    const bids = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1, "bids", 101), at(5, "bids", 105), at(3, "bids", 203))
        .advanceWatermarkTo(20) // fires [1,15)@1 and [3,13)@2
        .addElements(at(25, "bids", 125), at(33, "bids", 233))
        .advanceWatermarkTo(30) // nothing due: [25,35)@1 and [33,43)@2 wait in the grouping state
        .addElements(at(31, "bids", 131), at(38, "bids", 238)) // merge into [25,41)@1 and [33,48)@2
        .advanceWatermarkToInfinity(),
    );
    const grouped = sortedValues(bids.apply(windowInto<KV<string, number>>(new AuctionWindows(10, true))).apply(groupByKey<string, number>()));
    assertThat(grouped).panes().containsInAnyOrder(
      pane("1:15@1", kv("bids", [101, 105]), 14, "ON_TIME 0/0 first last"),
      pane("3:13@2", kv("bids", [203]), 12, "ON_TIME 0/0 first last"),
      pane("25:41@1", kv("bids", [125, 131]), 40, "ON_TIME 0/0 first last"),
      pane("33:48@2", kv("bids", [233, 238]), 47, "ON_TIME 0/0 first last"),
    );
    assertThat(windowsSeen(grouped)).containsInAnyOrder("auction 1: 101,105", "auction 2: 203", "auction 1: 125,131", "auction 2: 233,238");
  },
});

/** The same windows without a coder: they cannot cross, and the run says which step and what to do. */
export const intervalWindowSubclassWithoutCoder = definePipeline(import.meta, {
  name: "intervalWindowSubclassWithoutCoder",
  build(p) {
    const bids = stamped(p.apply(create([kv("bids", 101), kv("bids", 105)])), (b) => b.value % 100);
    bids.apply("AuctionWindowing", windowInto<KV<string, number>>(new AuctionWindows(10, false))).apply(groupByKey<string, number>());
  },
});

/** A class with a method: msgpack alone would deliver a plain object without it. */
export class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm1(): number {
    return Math.abs(this.x) + Math.abs(this.y);
  }
}

/** Encodes `KV<string, Point>` as JSON text `[key, x, y]`. */
export const keyedPointCoder: Coder<KV<string, Point>> = {
  name: "KeyedPointJson",
  encode: ({ key, value }) => Buffer.from(JSON.stringify([key, value.x, value.y])),
  decode: (bytes) => {
    const [key, x, y] = JSON.parse(Buffer.from(bytes).toString("utf8")) as [string, number, number];
    return kv(key, new Point(x, y));
  },
};

const pointCoder: Coder<Point> = {
  name: "PointJson",
  encode: (p) => Buffer.from(JSON.stringify([p.x, p.y])),
  decode: (bytes) => {
    const [x, y] = JSON.parse(Buffer.from(bytes).toString("utf8")) as [number, number];
    return new Point(x, y);
  },
};

/** Class instances cross a GroupByKey and a side input through their PCollections' coders, methods intact. */
export const setCoderThroughGroupByKey = definePipeline(import.meta, {
  name: "setCoderThroughGroupByKey",
  build(p) {
    const points = p
      .apply(create([1, 2, 3, 4]))
      .map((n) => kv(n % 2 ? "odd" : "even", new Point(n, -n)), "MakePoints")
      .setCoder(keyedPointCoder);
    const sums = points.apply(groupByKey<string, Point>()).map(({ key, value }) => {
      // Throws on a plain object: only the coder gives back Points.
      const total = value.reduce((s, pt) => s + pt.norm1(), 0);
      return `${key}: ${total} from ${value.every((pt) => pt instanceof Point) ? "Points" : "plain objects"}`;
    }, "SumNorms");
    assertThat(sums).containsInAnyOrder("odd: 8 from Points", "even: 12 from Points");

    const origin = asIterable(p.apply("Origins", create([0])).map((n) => new Point(n, n), "MakeOrigin").setCoder(pointCoder));
    const distances = p
      .apply("Targets", create([5]))
      .parDo<string>(
        {
          process(n, ctx) {
            for (const o of ctx.sideInput(origin)) ctx.output(`${n - o.norm1()} from ${o instanceof Point ? "a Point" : "a plain object"}`);
          },
        },
        { name: "Distances", sideInputs: [origin] },
      );
    assertThat(distances).containsInAnyOrder("5 from a Point");
  },
});

/** `-0` and an own `__proto__` key survive a GroupByKey (and the assertion's own crossings). */
export const negativeZeroAndProtoKeys = definePipeline(import.meta, {
  name: "negativeZeroAndProtoKeys",
  build(p) {
    const checked = p
      .apply(create([1]))
      .map(() => kv("k", { zero: -0, list: [-0, 0], own: JSON.parse('{"__proto__": {"polluted": true}, "n": 1}') as Record<string, unknown> }), "Make")
      .apply(groupByKey())
      .map(({ value }) => {
        const v = value[0]!;
        const own = v.own;
        return [
          Object.is(v.zero, -0) ? "-0 kept" : "-0 lost",
          Object.is(v.list[0], -0) && Object.is(v.list[1], 0) ? "nested -0 kept" : "nested -0 lost",
          Object.prototype.hasOwnProperty.call(own, "__proto__") && Object.getPrototypeOf(own) === Object.prototype && !("polluted" in Object.prototype)
            ? "own __proto__ kept"
            : "own __proto__ lost",
        ].join(", ");
      }, "Check");
    assertThat(checked).containsInAnyOrder("-0 kept, nested -0 kept, own __proto__ kept");
  },
});

/** A function inside a value going into a GroupByKey. */
export const functionInElement = definePipeline(import.meta, {
  name: "functionInElement",
  build(p) {
    p.apply(create([1, 2]))
      .map((n) => kv("k", { n, format: (x: number) => `#${x}` }), "MakeFormatters")
      .apply(groupByKey());
  },
});

/** A symbol inside an element of a materialised bundle (a side input). */
export const symbolInSideInput = definePipeline(import.meta, {
  name: "symbolInSideInput",
  build(p) {
    const tags = asIterable(p.apply("Tags", create([1])).map((n) => ({ n, tag: Symbol("t") }), "MakeTags"));
    p.apply(create([1])).parDo<number>(
      {
        process(n, ctx) {
          ctx.output(n + [...ctx.sideInput(tags)].length);
        },
      },
      { name: "ReadTags", sideInputs: [tags] },
    );
  },
});

/** A class instance without a coder going into a GroupByKey. */
export const classInstanceWithoutCoder = definePipeline(import.meta, {
  name: "classInstanceWithoutCoder",
  build(p) {
    p.apply(create([1]))
      .map((n) => kv("k", new Point(n, n)), "MakePoints")
      .apply(groupByKey());
  },
});

/** A stateful DoFn's keyed input crosses its shuffle through the input's coder: process sees Points, methods intact. */
export const setCoderIntoStatefulDoFn = definePipeline(import.meta, {
  name: "setCoderIntoStatefulDoFn",
  build(p) {
    const points = p
      .apply(create([1, 2, 3, 4]))
      .map((n) => kv(n % 2 ? "odd" : "even", new Point(n, -n)), "MakePoints")
      .setCoder(keyedPointCoder);
    const totals = points.apply(
      parDo(
        statefulDoFn<string, Point, string>()({
          state: { total: StateSpecs.combining(sumFn()) },
          process(e, ctx) {
            ctx.state.total.add(e.value.norm1()); // throws on a plain object: only the coder gives back Points
          },
          onWindowExpiration(ctx) {
            ctx.output(`${ctx.key}: ${ctx.state.total.read()}`);
          },
        }),
      ),
    );
    assertThat(totals).containsInAnyOrder("odd: 8", "even: 12");
  },
});
