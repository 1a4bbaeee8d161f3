// Q12, processing-time windows: bids per bidder, counted in the global window and emitted every windowSizeSec of
// processing time after a bidder's first bid of the pane (Beam's Q12 trigger), discarding: each pane holds the
// bids since the previous one. Which bids land in which pane depends on the clock, so only invariants can be
// checked (the panes of a bidder add up to its bids).
import { AfterProcessingTime, GlobalWindows, kv, ptransform, Repeatedly, windowInto, type PCollection, type PTransform } from "../../../sdk/index.js";
import { countPerKey } from "../../../transforms/index.js";
import type { NexmarkConfig } from "../config.js";
import type { Event } from "../model.js";
import { bidsOf } from "./select.js";

/** One Q12 result: one pane's count of a bidder's bids. */
export interface BidderCount {
  readonly bidder: number;
  readonly bids: number;
}

/** Q12: per bidder, bids counted in processing-time panes. */
export function query12(config: NexmarkConfig): PTransform<PCollection<Event>, PCollection<BidderCount>> {
  return ptransform("Query12", (events: PCollection<Event>) =>
    bidsOf(events)
      .map((b) => kv(b.bidder, null), "KeyByBidder")
      .apply(
        windowInto(new GlobalWindows(), {
          trigger: Repeatedly(AfterProcessingTime(config.windowSizeSec * 1000)),
          accumulation: "DISCARDING",
        }),
      )
      .apply(countPerKey())
      .map(({ key, value }): BidderCount => ({ bidder: key, bids: value }), "Format"),
  );
}
