// Q8, monitor new users: people who opened an auction in the same fixed window (windowSizeSec) they registered
// in; a windowed join of people and auctions on `person.id = auction.seller` with coGroupByKey, as Beam's Q8.
import { FixedWindows, kv, ptransform, windowInto, type PCollection, type PTransform } from "../../../sdk/index.js";
import { coGroupByKey } from "../../../transforms/index.js";
import type { NexmarkConfig } from "../config.js";
import type { Auction, Event, Person } from "../model.js";
import { auctionsOf, personsOf, withWindow, type WindowBounds } from "./select.js";

/** One Q8 result: a new person and the reserve of an auction they opened. */
export interface NewSeller extends WindowBounds {
  readonly id: number;
  readonly name: string;
  readonly reserve: number;
}

/** Q8: per window, (person, reserve) for every auction a person who registered in it opened in it. */
export function query8(config: NexmarkConfig): PTransform<PCollection<Event>, PCollection<NewSeller>> {
  return ptransform("Query8", (events: PCollection<Event>) => {
    const fixed = <T>() => windowInto<T>(new FixedWindows(config.windowSizeSec * 1000));
    const persons = personsOf(events).apply("WindowPersons", fixed<Person>()).map((p) => kv(p.id, p), "KeyPerson");
    const auctions = auctionsOf(events).apply("WindowAuctions", fixed<Auction>()).map((a) => kv(a.seller, a), "KeyAuction");
    const joined = events.pipeline
      .apply("JoinBySeller", coGroupByKey({ persons, auctions }))
      .flatMap(({ value }) => value.persons.flatMap((p) => value.auctions.map((a) => ({ id: p.id, name: p.name, reserve: a.reserve }))), "Pairs");
    return withWindow(joined);
  });
}
