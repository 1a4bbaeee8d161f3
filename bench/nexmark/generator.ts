/**
 * The Nexmark event generator: a pure function from an event number to its event, following the rules of Beam's
 * Nexmark generator (our own code, from its published rules):
 *
 * ```
 *   n mod 50:   0 → Person    1..3 → Auction    4..49 → Bid        (proportions 1 : 3 : 46)
 *   timestamp(n) = baseTime + floor(n · 1e6 / eventRate / 1000)     (events spaced by the inter-event delay)
 *   ids:        person id = FIRST_PERSON_ID + people before n;  auction id likewise
 *   references: an auction's seller and a bid's bidder are a hot person (every 100th id) 3 times in 4, else a
 *               recent one; a bid's auction is a hot auction 1 time in 2, else one of the last 100 (in flight)
 * ```
 *
 * Each event draws from a PRNG seeded by its number alone, so any event can be made on its own: a source can
 * split the numbers any way (ranges, interleaving) and every worker makes the same events. The same function
 * feeds the bounded source, the unbounded one (`generateSequence` + a map) and the reference implementations.
 */
import { read, readUnbounded, type BoundedSource, type PBegin, type PCollection, type PTransform } from "../../sdk/index.js";
import { sequenceSource, withTimestamps } from "../../transforms/index.js";
import {
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  HOT_ID_STRIDE,
  ID_LEAD,
  NUM_CATEGORIES,
  type NexmarkConfig,
} from "./config.js";
import { eventTime, type Auction, type Bid, type Event, type Person } from "./model.js";

const FIRST_NAMES = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];
const LAST_NAMES = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];
const US_STATES = ["AZ", "CA", "ID", "OR", "WA", "WY"];
const US_CITIES = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];

/** A small deterministic PRNG (mulberry32), seeded by the event number: no shared state between events. */
class Rng {
  private s: number;
  constructor(seed: number) {
    // Mix both halves of the number so that nearby events get unrelated streams.
    this.s = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x85ebca6b) ^ 0x5bd1e995) | 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  letters(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(97 + this.int(26));
    return s;
  }
}

/** How the generator lays events out in time and ids: derived once from a config. */
export class NexmarkGenerator {
  private readonly total: number;
  /** Microseconds of event time between consecutive events. */
  private readonly interEventDelayUs: number;
  /** Events over which an auction's expected lifetime spans (in-flight auctions × events per auction). */
  private readonly eventsPerAuctionLife: number;

  constructor(readonly config: NexmarkConfig) {
    this.total = config.personProportion + config.auctionProportion + config.bidProportion;
    this.interEventDelayUs = 1e6 / config.eventRate;
    this.eventsPerAuctionLife = Math.floor((config.numInFlightAuctions * this.total) / config.auctionProportion);
  }

  /** The event time of event `n` (non-decreasing in `n`, as a source's watermark needs). */
  timestampOf(n: number): number {
    return this.config.baseTime + Math.floor((n * this.interEventDelayUs) / 1000);
  }

  /** About how long an auction stays open, in ms: the time `eventsPerAuctionLife` events take. */
  expectedAuctionDurationMs(): number {
    return Math.max(1, Math.floor((this.eventsPerAuctionLife * this.interEventDelayUs) / 1000));
  }

  /** Event number `n` (a non-negative safe integer). */
  event(n: number): Event {
    const rem = n % this.total;
    const rng = new Rng(n);
    const t = this.timestampOf(n);
    if (rem < this.config.personProportion) return { kind: "person", person: this.person(n, t, rng) };
    if (rem < this.config.personProportion + this.config.auctionProportion) return { kind: "auction", auction: this.auction(n, t, rng) };
    return { kind: "bid", bid: this.bid(n, t, rng) };
  }

  /** Events `from .. to - 1`. */
  events(from: number, to: number): Event[] {
    const out = new Array<Event>(Math.max(0, to - from));
    for (let n = from; n < to; n++) out[n - from] = this.event(n);
    return out;
  }

  /** People created at or before event `n`, minus one (0-based id of the last person). */
  private lastPerson0(n: number): number {
    const epoch = Math.floor(n / this.total);
    const offset = Math.min(n % this.total, this.config.personProportion - 1);
    return epoch * this.config.personProportion + offset;
  }

  /** 0-based id of the last auction created at or before event `n` (-1 before the first). */
  private lastAuction0(n: number): number {
    let epoch = Math.floor(n / this.total);
    let offset = n % this.total;
    const { personProportion: pp, auctionProportion: ap } = this.config;
    if (offset < pp) {
      epoch--; // no auction yet in this epoch: the last is the previous epoch's last
      offset = ap - 1;
    } else if (offset >= pp + ap) {
      offset = ap - 1;
    } else {
      offset -= pp;
    }
    return epoch * ap + offset;
  }

  /** A recent person (0-based), possibly one not yet created (up to ID_LEAD ahead), as Beam allows. */
  private recentPerson0(n: number, rng: Rng): number {
    const numPeople = this.lastPerson0(n) + 1;
    const active = Math.min(numPeople, this.config.numActivePeople);
    return numPeople - active + rng.int(active + ID_LEAD);
  }

  private person(n: number, dateTime: number, rng: Rng): Person {
    const id = this.lastPerson0(n) + FIRST_PERSON_ID;
    const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    return {
      id,
      name,
      emailAddress: `${rng.letters(7)}@${rng.letters(5)}.com`,
      creditCard: Array.from({ length: 4 }, () => String(1000 + rng.int(9000))).join(" "),
      city: rng.pick(US_CITIES),
      state: rng.pick(US_STATES),
      dateTime,
    };
  }

  private auction(n: number, dateTime: number, rng: Rng): Auction {
    const id = this.lastAuction0(n) + FIRST_AUCTION_ID;
    const seller0 =
      rng.int(this.config.hotSellersRatio) > 0
        ? Math.floor(this.lastPerson0(n) / HOT_ID_STRIDE) * HOT_ID_STRIDE // hot seller
        : this.recentPerson0(n, rng);
    const initialBid = nextPrice(rng);
    const reserve = initialBid + nextPrice(rng);
    // Lifetime uniform in [1, 2 × the time the next in-flight auctions take to be created]: about
    // numInFlightAuctions auctions are open at once.
    const horizonMs = this.timestampOf(n + this.eventsPerAuctionLife) - dateTime;
    const expires = dateTime + 1 + rng.int(Math.max(horizonMs * 2, 1));
    return {
      id,
      itemName: rng.letters(8),
      description: rng.letters(16),
      initialBid,
      reserve,
      dateTime,
      expires,
      seller: seller0 + FIRST_PERSON_ID,
      category: FIRST_CATEGORY_ID + rng.int(NUM_CATEGORIES),
    };
  }

  private bid(n: number, dateTime: number, rng: Rng): Bid {
    const last = this.lastAuction0(n);
    let auction0: number;
    if (rng.int(this.config.hotAuctionRatio) > 0) {
      auction0 = Math.floor(last / HOT_ID_STRIDE) * HOT_ID_STRIDE; // hot auction
    } else {
      const min = Math.max(last - this.config.numInFlightAuctions, 0);
      auction0 = min + rng.int(last - min + 1 + ID_LEAD); // in flight, or a little ahead
    }
    const bidder0 =
      rng.int(this.config.hotBiddersRatio) > 0
        ? Math.floor(this.lastPerson0(n) / HOT_ID_STRIDE) * HOT_ID_STRIDE + 1 // hot bidder
        : this.recentPerson0(n, rng);
    return { auction: auction0 + FIRST_AUCTION_ID, bidder: bidder0 + FIRST_PERSON_ID, price: nextPrice(rng), dateTime };
  }
}

/** A price in cents, log-uniform between $1 and $1,000,000. */
function nextPrice(rng: Rng): number {
  return Math.round(10 ** (rng.next() * 6) * 100);
}

/** One piece of the bounded source: event numbers `from .. to - 1`. Plain data. */
export interface EventRange {
  readonly from: number;
  readonly to: number;
}

/** Events per batch a bounded split yields (no Promise per element). */
const BATCH = 1024;
/**
 * A rough size of an event, to turn the runner's split-size hint into a number of events: Beam's average sizes
 * (person 200, auction 500, bid 100 bytes) weighted 1 : 3 : 46.
 */
const AVG_EVENT_BYTES = 126;

/**
 * Events `0 .. events - 1` as a bounded source, split into ranges of about the desired size, and of at most
 * `maxSplitEvents` events if given (the runners' smallest split is 1 MiB, about 8,000 events: tests lower it so
 * that a small run is still read in parallel).
 * @example
 * p.apply(read(eventSource(new NexmarkGenerator(DEFAULT_CONFIG), 10_000)));
 */
export function eventSource(gen: NexmarkGenerator, events: number, maxSplitEvents = Infinity): BoundedSource<Event, EventRange> {
  return {
    description: `Nexmark(${events} events)`,
    async split(desiredBundleSizeBytes) {
      const per = Math.max(1, Math.min(maxSplitEvents, Math.max(BATCH, Math.floor(desiredBundleSizeBytes / AVG_EVENT_BYTES))));
      const splits: EventRange[] = [];
      for (let from = 0; from < events; from += per) splits.push({ from, to: Math.min(events, from + per) });
      return splits;
    },
    async *read({ from, to }) {
      for (let n = from; n < to; n += BATCH) yield gen.events(n, Math.min(to, n + BATCH));
    },
    async estimateSizeBytes() {
      return events * AVG_EVENT_BYTES;
    },
  };
}

/**
 * Nexmark events as a PCollection stamped with their event time. Bounded (`events` of them, read as ranges,
 * then re-stamped: a bounded source's elements start at the minimum timestamp) or unbounded (`generateSequence`
 * with the generator's timestamps, so its watermark follows event time; up to `events`, or forever with
 * `events: Infinity`; `rate` caps events per second of processing time).
 * @example
 * const events = p.apply(nexmarkEvents(DEFAULT_CONFIG, { events: 10_000 }));
 */
export function nexmarkEvents(
  config: NexmarkConfig,
  options: { readonly events: number; readonly unbounded?: boolean; readonly rate?: number; readonly maxSplitEvents?: number },
): PTransform<PBegin, PCollection<Event>> {
  const gen = new NexmarkGenerator(config);
  const { events } = options;
  if (!(events === Infinity && options.unbounded) && !(Number.isSafeInteger(events) && events >= 0)) {
    throw new RangeError(`nexmarkEvents: 'events' must be a non-negative integer (Infinity only unbounded), got ${String(events)}`);
  }
  if (!(config.eventRate > 0)) throw new RangeError(`nexmarkEvents: 'eventRate' must be positive, got ${String(config.eventRate)}`);
  return {
    name: "NexmarkEvents",
    expand: (begin) => {
      if (!options.unbounded) {
        return begin.pipeline.apply("ReadEvents", read(eventSource(gen, options.events, options.maxSplitEvents))).apply(withTimestamps(eventTime));
      }
      const to = Number.isFinite(options.events) ? options.events : undefined;
      const numbers = begin.pipeline.apply(
        "ReadEvents",
        readUnbounded(sequenceSource({ to, ...(options.rate ? { rate: options.rate } : {}), timestampFn: (n) => gen.timestampOf(n) })),
      );
      return numbers.map((n) => gen.event(n), "MakeEvent");
    },
  };
}
