/**
 * Q3, local item suggestion: who sells items in category 10 from Oregon, Idaho or California? An incremental join
 * of people and auctions on `person.id = auction.seller`, in the global window, with a stateful DoFn (as Beam's
 * Q3): per seller, the person once seen, and the auctions that arrived before their seller. A result is emitted
 * as soon as both halves are there, whatever the order they arrive in.
 *
 * Beam also expires a person's state with a timer after `maxAuctionsWaitingTime`; we keep it (bounded runs are
 * short, and a person may sell many auctions), so on an endless stream the state grows with the sellers.
 */
import { flatten, kv, parDo, ptransform, StateSpecs, statefulDoFn, type KV, type PCollection, type PTransform } from "../../../sdk/index.js";
import type { Auction, Event, Person } from "../model.js";
import { auctionsOf, personsOf } from "./select.js";

/** One Q3 result. */
export interface SellerItem {
  readonly name: string;
  readonly city: string;
  readonly state: string;
  readonly auction: number;
}

/** The states and category Q3 selects. */
export const Q3_STATES: readonly string[] = ["OR", "ID", "CA"];
export const Q3_CATEGORY = 10;

const joinBySeller = statefulDoFn<number, Event, SellerItem>()({
  state: {
    person: StateSpecs.value<Person>(),
    // Auctions whose seller has not been seen yet (it may never be: not every seller is in the three states).
    waiting: StateSpecs.bag<Auction>(),
  },
  process(element, ctx) {
    const e = element.value;
    const emit = (p: Person, a: Auction) => ctx.output({ name: p.name, city: p.city, state: p.state, auction: a.id });
    if (e.kind === "person") {
      ctx.state.person.write(e.person);
      for (const a of ctx.state.waiting.read()) emit(e.person, a);
      ctx.state.waiting.clear();
    } else if (e.kind === "auction") {
      const p = ctx.state.person.read();
      if (p !== undefined) emit(p, e.auction);
      else ctx.state.waiting.add(e.auction);
    }
  },
});

/** Q3: (name, city, state, auction) for every category-10 auction of a seller in OR, ID or CA. */
export function query3(): PTransform<PCollection<Event>, PCollection<SellerItem>> {
  return ptransform("Query3", (events: PCollection<Event>) => {
    const sellers = personsOf(events)
      .filter((p) => Q3_STATES.includes(p.state), "InStates")
      .map((p): KV<number, Event> => kv(p.id, { kind: "person", person: p }), "KeyPerson");
    const items = auctionsOf(events)
      .filter((a) => a.category === Q3_CATEGORY, "InCategory")
      .map((a): KV<number, Event> => kv(a.seller, { kind: "auction", auction: a }), "KeyAuction");
    return events.pipeline.apply("PersonsAndAuctions", flatten([sellers, items])).apply("JoinBySeller", parDo(joinBySeller));
  });
}
