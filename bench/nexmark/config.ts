/**
 * The Nexmark configuration: the generator's parameters and the queries' (Beam's `NexmarkConfiguration` and
 * `GeneratorConfig` defaults, same names). Plain data: it is part of the pipeline's options, so every worker
 * rebuilds the same generator.
 */
export interface NexmarkConfig {
  /** Event time of event 0 (ms). Beam uses the wall clock at launch; a fixed instant makes runs reproducible. */
  readonly baseTime: number;
  /** Events per second of event time: events are `1e6 / rate` µs apart (Beam's `firstEventRate`, one generator). */
  readonly eventRate: number;
  /** Out of every `person + auction + bid` events, this many are people, auctions and bids (1 : 3 : 46). */
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  /** 1 in this many auctions' bids go to a hot auction; the rest to a random recent one (`hotAuctionRatio`). */
  readonly hotAuctionRatio: number;
  /** As above for the sellers of auctions (`hotSellersRatio`). */
  readonly hotSellersRatio: number;
  /** As above for the bidders of bids (`hotBiddersRatio`). */
  readonly hotBiddersRatio: number;
  /** Auctions open at any one time: sets how long an auction lasts (`numInFlightAuctions`). */
  readonly numInFlightAuctions: number;
  /** How many recent people new auctions and bids pick from (`numActivePeople`). */
  readonly numActivePeople: number;
  /** Fixed and sliding window size, session gap and processing-time delay of the queries, in seconds. */
  readonly windowSizeSec: number;
  /** Period of Q5's and Q4's sliding windows, in seconds. */
  readonly windowPeriodSec: number;
  /** Q2 keeps bids on auctions whose id is a multiple of this (`auctionSkip`). */
  readonly auctionSkip: number;
}

/** Beam's defaults, with a fixed base time (2026-01-01T00:00:00Z). */
export const DEFAULT_CONFIG: NexmarkConfig = Object.freeze({
  baseTime: Date.UTC(2026, 0, 1),
  eventRate: 10_000,
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
  windowSizeSec: 10,
  windowPeriodSec: 5,
  auctionSkip: 123,
});

/** Ids start here, so that small runs still find matches (Beam's `FIRST_PERSON_ID`, `FIRST_AUCTION_ID`). */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
/** Categories are `FIRST_CATEGORY_ID .. FIRST_CATEGORY_ID + NUM_CATEGORIES - 1`. */
export const FIRST_CATEGORY_ID = 10;
export const NUM_CATEGORIES = 5;
/** Hot auctions, sellers and bidders are every this-many-th id (Beam's `HOT_*_RATIO` constants). */
export const HOT_ID_STRIDE = 100;
/** Ids a bid or auction may refer to beyond the last one created (Beam's `PERSON_ID_LEAD`, `AUCTION_ID_LEAD`). */
export const ID_LEAD = 10;

/** The configuration a run's options give: Beam's defaults with the event rate of `--eventRate`. */
export function configOf(eventRate: number): NexmarkConfig {
  return { ...DEFAULT_CONFIG, eventRate };
}
