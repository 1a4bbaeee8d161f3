// Q7, highest bid: in each fixed window (windowSizeSec), the bids with the highest price (all of them on a tie).
// As Beam's Q7: the window's maximum price is a side input of a filter over the same window's bids.
import { asSingleton, FixedWindows, ptransform, windowInto, type PCollection, type PTransform } from "../../../sdk/index.js";
import { maxGlobally } from "../../../transforms/index.js";
import type { NexmarkConfig } from "../config.js";
import type { Bid, Event } from "../model.js";
import { bidsOf, withWindow, type WindowBounds } from "./select.js";

/** One Q7 result: a bid with the window it is the highest of. */
export type HighestBid = Bid & WindowBounds;

/** Q7: per window, its highest bids. */
export function query7(config: NexmarkConfig): PTransform<PCollection<Event>, PCollection<HighestBid>> {
  return ptransform("Query7", (events: PCollection<Event>) => {
    const bids = bidsOf(events).apply(windowInto(new FixedWindows(config.windowSizeSec * 1000)));
    const maxPrice = asSingleton(
      bids.map((b) => b.price, "Price").apply(maxGlobally({ withoutDefaults: true })),
    );
    const highest = bids.parDo<Bid>(
      {
        process(b, ctx) {
          if (b.price === ctx.sideInput(maxPrice)) ctx.output(b);
        },
      },
      { sideInputs: [maxPrice], name: "SelectHighest" },
    );
    return withWindow(highest);
  });
}
