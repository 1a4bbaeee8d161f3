// Q0, pass-through: every event unchanged. Measures the cost of reading (and, across workers, encoding) events.
import { ptransform, type PCollection, type PTransform } from "../../../sdk/index.js";
import type { Event } from "../model.js";

/** Q0: the events as they are (Beam's Q0 also round-trips them through their coder; ours cross workers anyway). */
export function query0(): PTransform<PCollection<Event>, PCollection<Event>> {
  return ptransform("Query0", (events: PCollection<Event>) => events.map((e) => e, "PassThrough"));
}
