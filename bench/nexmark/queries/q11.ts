// Q11, user sessions: how many bids each bidder made per session, a session ending after windowSizeSec without a
// bid of theirs. Beam fires each session also every `maxLogEvents` bids; we use the default trigger (one result
// per session), which the check can compare.
import { kv, ptransform, Sessions, windowInto, type PCollection, type PTransform } from "../../../sdk/index.js";
import { countPerKey } from "../../../transforms/index.js";
import type { NexmarkConfig } from "../config.js";
import type { Event } from "../model.js";
import { bidsOf, withWindow, type WindowBounds } from "./select.js";

/** One Q11 result: a session of one bidder. */
export interface BidderSession extends WindowBounds {
  readonly bidder: number;
  readonly bids: number;
}

/** Q11: bids per bidder per session. */
export function query11(config: NexmarkConfig): PTransform<PCollection<Event>, PCollection<BidderSession>> {
  return ptransform("Query11", (events: PCollection<Event>) => {
    const sessions = bidsOf(events)
      .map((b) => kv(b.bidder, null), "KeyByBidder")
      .apply(windowInto(new Sessions(config.windowSizeSec * 1000)))
      .apply(countPerKey())
      .map(({ key, value }) => ({ bidder: key, bids: value }), "Format");
    return withWindow(sessions);
  });
}
