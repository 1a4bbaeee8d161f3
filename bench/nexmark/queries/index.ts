// Every query by number, as a transform of the event stream (the pipeline and the bench pick them from here).
import type { PCollection, PTransform } from "../../../sdk/index.js";
import type { NexmarkConfig } from "../config.js";
import type { NexmarkGenerator } from "../generator.js";
import type { Event } from "../model.js";
import { query0 } from "./q0.js";
import { query1 } from "./q1.js";
import { query2 } from "./q2.js";
import { query3 } from "./q3.js";
import { query4 } from "./q4.js";
import { query5 } from "./q5.js";
import { query6 } from "./q6.js";
import { query7 } from "./q7.js";
import { query8 } from "./q8.js";
import { query11 } from "./q11.js";
import { query12 } from "./q12.js";
import { winningBids } from "./winning-bids.js";

/**
 * A query: builds its transform from the generator (for its timing), the configuration, and whether the events
 * are a stream (only Q6 differs: it needs a trigger there).
 */
export type QueryBuilder = (gen: NexmarkGenerator, config: NexmarkConfig, streaming: boolean) => PTransform<PCollection<Event>, PCollection<unknown>>;

/** The queries we implement, by Nexmark number (9 is WinningBids on its own; 10 is not implemented). */
export const QUERIES: ReadonlyMap<number, QueryBuilder> = new Map<number, QueryBuilder>([
  [0, () => query0()],
  [1, () => query1()],
  [2, (_, c) => query2(c)],
  [3, () => query3()],
  [4, (g, c) => query4(g, c)],
  [5, (_, c) => query5(c)],
  [6, (g, _, streaming) => query6(g, streaming)],
  [7, (_, c) => query7(c)],
  [8, (_, c) => query8(c)],
  [9, (g) => winningBids(g)],
  [11, (_, c) => query11(c)],
  [12, (_, c) => query12(c)],
]);

/** Parses `"0,1,5"` (or `"all"`) into query numbers, refusing unknown ones. */
export function parseQueries(list: string): number[] {
  if (list === "all") return [...QUERIES.keys()];
  const qs = list.split(",").map((s) => Number(s.trim()));
  for (const q of qs) if (!QUERIES.has(q)) throw new RangeError(`no Nexmark query ${q}: known are ${[...QUERIES.keys()].join(", ")}`);
  return qs;
}
