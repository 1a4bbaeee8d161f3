// Element-wise helpers the queries share: pick one kind of event, and tag a result with its window.
import { IntervalWindow, type PCollection, type ProcessContext } from "../../../sdk/index.js";
import type { Auction, Bid, Event, Person } from "../model.js";

/** The bids of a stream of events. */
export function bidsOf(events: PCollection<Event>): PCollection<Bid> {
  return events.flatMap((e) => (e.kind === "bid" ? [e.bid] : []), "Bids");
}

/** The new auctions of a stream of events. */
export function auctionsOf(events: PCollection<Event>): PCollection<Auction> {
  return events.flatMap((e) => (e.kind === "auction" ? [e.auction] : []), "Auctions");
}

/** The new people of a stream of events. */
export function personsOf(events: PCollection<Event>): PCollection<Person> {
  return events.flatMap((e) => (e.kind === "person" ? [e.person] : []), "Persons");
}

/** Where a windowed result belongs; results carry it so that a check can tell windows apart. */
export interface WindowBounds {
  readonly windowStart: number;
  readonly windowEnd: number;
}

/** Adds the element's (interval) window bounds to it: the window is not part of the element otherwise. */
export function withWindow<T extends object>(input: PCollection<T>, name = "WithWindow"): PCollection<T & WindowBounds> {
  return input.parDo<T & WindowBounds>(
    {
      process(x: T, ctx: ProcessContext<T & WindowBounds>) {
        const w = ctx.window;
        if (!(w instanceof IntervalWindow)) throw new Error(`${name}: expected an interval window, got ${String(w)}`);
        ctx.output({ ...x, windowStart: w.start, windowEnd: w.end });
      },
    },
    { name },
  );
}
