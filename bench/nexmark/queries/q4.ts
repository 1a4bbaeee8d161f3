// Q4, average price for a category: the mean winning price of the auctions of each category that closed in each
// sliding window (size windowSizeSec, every windowPeriodSec), as Beam's Q4. A winning bid is stamped at the
// end of its auction (see winning-bids.ts), so it counts in the windows its auction closed in.
import { kv, ptransform, SlidingWindows, windowInto, type PCollection, type PTransform } from "../../../sdk/index.js";
import { meanPerKey } from "../../../transforms/index.js";
import type { NexmarkConfig } from "../config.js";
import type { NexmarkGenerator } from "../generator.js";
import type { Event } from "../model.js";
import { withWindow, type WindowBounds } from "./select.js";
import { winningBids } from "./winning-bids.js";

/** One Q4 result. */
export interface CategoryPrice extends WindowBounds {
  readonly category: number;
  readonly average: number;
}

/** Q4: per category and window, the mean winning price. */
export function query4(gen: NexmarkGenerator, config: NexmarkConfig): PTransform<PCollection<Event>, PCollection<CategoryPrice>> {
  return ptransform("Query4", (events: PCollection<Event>) => {
    const perCategory = events
      .apply(winningBids(gen))
      .map(({ auction, bid }) => kv(auction.category, bid.price), "KeyByCategory")
      .apply(windowInto(new SlidingWindows(config.windowSizeSec * 1000, config.windowPeriodSec * 1000)))
      .apply(meanPerKey())
      .map(({ key, value }) => ({ category: key, average: value }), "Format");
    return withWindow(perCategory);
  });
}
