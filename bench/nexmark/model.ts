/**
 * Nexmark's event types (Beam's `org.apache.beam.sdk.nexmark.model`): an online auction site where people
 * register, open auctions and bid on them. Plain data, so events cross workers with the default msgpack coder.
 * Beam pads each event with an `extra` string to an average byte size; we do not (see README.md).
 */

/** A person who registered: the seller of auctions and the bidder of bids. */
export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  /** Event time of the registration (ms since the epoch). */
  readonly dateTime: number;
}

/** An item put up for auction; it is open from `dateTime` (inclusive) to `expires` (exclusive). */
export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  /** The lowest price at which the item sells: bids below it cannot win. */
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  /** The id of the person selling. */
  readonly seller: number;
  readonly category: number;
}

/** A bid of a person on an auction; prices are in cents. */
export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
}

/** One event of the stream: exactly one of the three kinds, tagged by `kind`. */
export type Event =
  | { readonly kind: "person"; readonly person: Person }
  | { readonly kind: "auction"; readonly auction: Auction }
  | { readonly kind: "bid"; readonly bid: Bid };

/** The event time of an event (its person's, auction's or bid's `dateTime`). */
export function eventTime(e: Event): number {
  return e.kind === "person" ? e.person.dateTime : e.kind === "auction" ? e.auction.dateTime : e.bid.dateTime;
}
