// Q1, currency conversion: every bid with its price converted from dollars to euros (× 89 / 100, in whole cents).
import { ptransform, type PCollection, type PTransform } from "../../../sdk/index.js";
import type { Bid, Event } from "../model.js";
import { bidsOf } from "./select.js";

/** Q1's conversion, shared with the reference: integer division as Beam's `long` arithmetic. */
export const dollarsToEuros = (price: number): number => Math.floor((price * 89) / 100);

/** Q1: bids in euros. */
export function query1(): PTransform<PCollection<Event>, PCollection<Bid>> {
  return ptransform("Query1", (events: PCollection<Event>) => bidsOf(events).map((b) => ({ ...b, price: dollarsToEuros(b.price) }), "ToEuros"));
}
