/**
 * Beam's `AuctionOrBidWindowFn`, Nexmark's custom merging WindowFn: every auction gets the window
 * `[dateTime, expires)`, every bid a window of its own that carries its auction's id, and a key's (an auction's)
 * bid windows that start inside their auction's window merge into it:
 *
 * ```
 *   auction 7:  [--------------- A7 ---------------)
 *   bids on 7:      [b1...)     [b2...)                 [b3...)
 *   merged:     [--------------- A7 ---------------)    [b3...)   b3 came after the auction closed: no auction in its group
 * ```
 *
 * A bid's window starts at the bid and is as long as twice the expected auction duration (as Beam), not a point:
 * on a stream the bid may arrive before its auction does, and its window must stay open until then.
 */
import { IntervalWindow, type KV, type WindowCoder, type WindowFn, type WindowMerge } from "../../../sdk/index.js";
import type { Event } from "../model.js";

/** An interval window that knows its auction and whether it is the auction's own window or one bid's. */
export class AuctionOrBidWindow extends IntervalWindow {
  override readonly id: string;
  constructor(
    start: number,
    end: number,
    readonly auction: number,
    readonly isAuctionWindow: boolean,
  ) {
    super(start, end);
    // Equal windows, equal ids: the auction and the kind are part of the window.
    this.id = `${start}:${end}@${auction}${isAuctionWindow ? "A" : "B"}`;
  }
}

const coder: WindowCoder<AuctionOrBidWindow> = {
  encode: (w) => [w.start, w.end, w.auction, w.isAuctionWindow ? 1 : 0],
  decode: (d) => {
    const [s, e, a, isAuction] = d as number[];
    return new AuctionOrBidWindow(s!, e!, a!, isAuction === 1);
  },
};

/** Windows `KV<auction id, Event>` of auctions and bids so that each auction's group holds its valid bids. */
export class AuctionOrBidWindows implements WindowFn<AuctionOrBidWindow> {
  readonly description: string;
  readonly isMerging = true;
  readonly windowCoder = coder;

  constructor(private readonly expectedAuctionDurationMs: number) {
    this.description = `AuctionOrBidWindows(${expectedAuctionDurationMs}ms)`;
  }

  assignWindows(timestamp: number, element: unknown): AuctionOrBidWindow[] {
    const e = (element as KV<number, Event>).value;
    if (e.kind === "auction") return [new AuctionOrBidWindow(e.auction.dateTime, e.auction.expires, e.auction.id, true)];
    if (e.kind === "bid") return [new AuctionOrBidWindow(timestamp, timestamp + 2 * this.expectedAuctionDurationMs, e.bid.auction, false)];
    throw new Error(`AuctionOrBidWindows: a person event has no auction window (${JSON.stringify(e)})`);
  }

  mergeWindows(windows: readonly AuctionOrBidWindow[]): WindowMerge<AuctionOrBidWindow>[] {
    // Per auction id: its auction window (if this key has seen the auction) takes the bid windows starting in it.
    const auctions = new Map<number, AuctionOrBidWindow>();
    for (const w of windows) if (w.isAuctionWindow) auctions.set(w.auction, w);
    const bidsOf = new Map<number, AuctionOrBidWindow[]>();
    for (const w of windows) {
      if (w.isAuctionWindow) continue;
      const a = auctions.get(w.auction);
      if (a === undefined || w.start < a.start || w.start >= a.end) continue;
      let list = bidsOf.get(w.auction);
      if (list === undefined) bidsOf.set(w.auction, (list = []));
      list.push(w);
    }
    const merges: WindowMerge<AuctionOrBidWindow>[] = [];
    for (const [auction, bids] of bidsOf) {
      const a = auctions.get(auction)!;
      merges.push({ merged: [a, ...bids], result: a });
    }
    return merges;
  }
}
