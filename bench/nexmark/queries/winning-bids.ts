/**
 * Beam's `WinningBids`: the bid that wins each auction that closed. Auctions and bids are keyed by auction id and
 * windowed by {@link AuctionOrBidWindows}, so that after one GroupByKey each auction's window holds the auction
 * and the bids made while it was open; the winner is the highest bid at or above the reserve (the earliest of
 * equal bids). An auction without such a bid has no winner and no result. A result is stamped at the end of its
 * auction's window (`expires - 1`), the GroupByKey's default timestamp.
 *
 * Beam joins two PCollections with CoGroupByKey; one GroupByKey over the union of both is the same join.
 */
import { groupByKey, kv, ptransform, windowInto, type KV, type PCollection, type PTransform } from "../../../sdk/index.js";
import type { NexmarkGenerator } from "../generator.js";
import type { Auction, Bid, Event } from "../model.js";
import { AuctionOrBidWindows } from "./auction-or-bid-window.js";

/** An auction with its winning bid. */
export interface AuctionBid {
  readonly auction: Auction;
  readonly bid: Bid;
}

/** Whether `a` beats `b`: a higher price, then an earlier bid; then smaller ids, so that the winner is unique. */
export function betterBid(a: Bid, b: Bid): boolean {
  if (a.price !== b.price) return a.price > b.price;
  if (a.dateTime !== b.dateTime) return a.dateTime < b.dateTime;
  return a.bidder < b.bidder;
}

/** The winner among an auction's bids, or undefined (shared with the reference implementation). */
export function winnerOf(auction: Auction, bids: Iterable<Bid>): Bid | undefined {
  let best: Bid | undefined;
  for (const b of bids) {
    if (b.price < auction.reserve || b.dateTime < auction.dateTime || b.dateTime >= auction.expires) continue;
    if (best === undefined || betterBid(b, best)) best = b;
  }
  return best;
}

/** WinningBids: each closed auction with its winning bid. */
export function winningBids(gen: NexmarkGenerator): PTransform<PCollection<Event>, PCollection<AuctionBid>> {
  return ptransform("WinningBids", (events: PCollection<Event>) =>
    events
      .flatMap(
        (e): KV<number, Event>[] => (e.kind === "auction" ? [kv(e.auction.id, e)] : e.kind === "bid" ? [kv(e.bid.auction, e)] : []),
        "KeyByAuction",
      )
      .apply(windowInto(new AuctionOrBidWindows(gen.expectedAuctionDurationMs())))
      .apply(groupByKey())
      .flatMap(({ value }): AuctionBid[] => {
        let auction: Auction | undefined;
        const bids: Bid[] = [];
        for (const e of value) {
          if (e.kind === "auction") auction = e.auction;
          else if (e.kind === "bid") bids.push(e.bid);
        }
        if (auction === undefined) return []; // bids of an auction that closed before them, or never came
        const bid = winnerOf(auction, bids);
        return bid === undefined ? [] : [{ auction, bid }];
      }, "PickWinner"),
  );
}
