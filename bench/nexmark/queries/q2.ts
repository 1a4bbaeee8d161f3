// Q2, selection: the (auction, price) of bids on a few auctions, those whose id is a multiple of `auctionSkip`.
import { ptransform, type PCollection, type PTransform } from "../../../sdk/index.js";
import type { NexmarkConfig } from "../config.js";
import type { Event } from "../model.js";
import { bidsOf } from "./select.js";

/** One Q2 result. */
export interface AuctionPrice {
  readonly auction: number;
  readonly price: number;
}

/** Q2: bids on every `auctionSkip`-th auction. */
export function query2(config: NexmarkConfig): PTransform<PCollection<Event>, PCollection<AuctionPrice>> {
  const skip = config.auctionSkip;
  return ptransform("Query2", (events: PCollection<Event>) =>
    bidsOf(events)
      .filter((b) => b.auction % skip === 0, "SelectAuctions")
      .map((b): AuctionPrice => ({ auction: b.auction, price: b.price }), "Project"),
  );
}
