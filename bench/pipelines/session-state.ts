// Streaming with large keyed state: an unbounded generator of events stamped n ms, keyed n % keys, in session
// windows with a gap shorter than a key's spacing, so every event opens a session that stays open until the
// watermark passes it `keys` ms later: about `keys` sessions are live at any time. Counts per session are
// summed into one total per 1 s of event time, which the run checks.
import { definePipeline, kv, Sessions, FixedWindows, windowInto } from "../../sdk/index.js";
import { countPerKey, generateSequence, sumGlobally } from "../../transforms/index.js";
import { assertThat } from "../../sdk/testing/index.js";

export default definePipeline(import.meta, {
  name: "sessionState",
  options: {
    events: { type: "number", default: 5_000_000, describe: "events to generate" },
    keys: { type: "number", default: 1_000_000, describe: "distinct keys (about as many live sessions)" },
  },
  build(p, { events, keys }) {
    const sessions = p
      .apply(generateSequence({ to: events, timestampFn: (n) => n }))
      .map((n) => kv(n % keys, 1), "KeyBy")
      .apply(windowInto(new Sessions(Math.max(1, Math.floor(keys / 2)))))
      .apply(countPerKey());
    const totals = sessions
      .map(({ value }) => value, "Counts")
      .apply(windowInto(new FixedWindows(10 * keys)))
      .apply("Total", sumGlobally({ withoutDefaults: true }));
    assertThat(totals, "every event counted once").satisfies((xs) => xs.reduce((a, b) => a + b, 0) === events);
  },
});
