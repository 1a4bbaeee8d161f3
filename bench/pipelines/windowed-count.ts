/**
 * A count per key over timestamped events, in fixed windows or in the global window: the pipeline of
 * bench/windowed.ts. Event `n` happens `n * spacingMs` after 2026-01-01 and belongs to key `n % keys`, so with
 * the defaults (5M events, 10 ms apart, one-minute windows, 100 keys) there are 834 windows and 83 400 counts.
 */
import { FixedWindows, counter, definePipeline, kv, read, windowInto } from "../../sdk/index.js";
import { countPerKey, withTimestamps } from "../../transforms/index.js";
import { sequence } from "./cpu-heavy.js";

const BASE = Date.UTC(2026, 0, 1);
const counts = counter("counts");

export default definePipeline(import.meta, {
  name: "windowedCount",
  options: {
    events: { type: "number", default: 5_000_000, describe: "How many events" },
    windowed: { type: "boolean", default: true, describe: "Fixed windows (else the global window)" },
    windowMs: { type: "number", default: 60_000, describe: "Window size" },
    spacingMs: { type: "number", default: 10, describe: "Event time between consecutive events" },
    keys: { type: "number", default: 100, describe: "Distinct keys" },
  },
  build(p, { events, windowed, windowMs, spacingMs, keys }) {
    let stamped = p.apply(read(sequence(events))).apply(withTimestamps((n: number) => BASE + n * spacingMs));
    if (windowed) stamped = stamped.apply(windowInto(new FixedWindows(windowMs)));
    stamped
      .map((n) => kv(n % keys, 1), "KeyByUser")
      .apply(countPerKey())
      .map(() => counts.inc(), "CountOutputs");
  },
});
