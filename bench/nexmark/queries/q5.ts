// Q5, hot items: in each sliding window (size windowSizeSec, every windowPeriodSec), the auctions with the most
// bids (all of them on a tie), as Beam's Q5: count bids per auction per window, then a global max-by-count.
import { ptransform, SlidingWindows, windowInto, type CombineFn, type KV, type PCollection, type PTransform } from "../../../sdk/index.js";
import { combineGlobally, countPerElement } from "../../../transforms/index.js";
import type { NexmarkConfig } from "../config.js";
import type { Event } from "../model.js";
import { bidsOf, withWindow, type WindowBounds } from "./select.js";

/** One Q5 result. */
export interface HotItem extends WindowBounds {
  readonly auction: number;
  readonly count: number;
}

/** The highest count and every auction that has it (ids kept sorted, so the result does not depend on order). */
interface MaxCount {
  count: number;
  auctions: number[];
}

const maxCountFn: CombineFn<KV<number, number>, MaxCount, MaxCount> = {
  createAccumulator: () => ({ count: 0, auctions: [] }),
  addInput(acc, { key, value }) {
    if (value > acc.count) return { count: value, auctions: [key] };
    if (value === acc.count) acc.auctions.push(key);
    return acc;
  },
  mergeAccumulators(accs) {
    let out: MaxCount = { count: 0, auctions: [] };
    for (const a of accs) {
      if (a.count > out.count) out = { count: a.count, auctions: [...a.auctions] };
      else if (a.count === out.count) out.auctions.push(...a.auctions);
    }
    return out;
  },
  extractOutput: (acc) => ({ count: acc.count, auctions: [...acc.auctions].sort((x, y) => x - y) }),
};

/** Q5: per window, the auctions with the most bids. */
export function query5(config: NexmarkConfig): PTransform<PCollection<Event>, PCollection<HotItem>> {
  return ptransform("Query5", (events: PCollection<Event>) => {
    const hottest = bidsOf(events)
      .map((b) => b.auction, "AuctionOfBid")
      .apply(windowInto(new SlidingWindows(config.windowSizeSec * 1000, config.windowPeriodSec * 1000)))
      .apply(countPerElement())
      .apply("MaxCount", combineGlobally(maxCountFn, { withoutDefaults: true }))
      .flatMap(({ count, auctions }) => auctions.map((auction) => ({ auction, count })), "Expand");
    return withWindow(hottest);
  });
}

