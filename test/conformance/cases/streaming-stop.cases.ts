/**
 * Stopping a run that reads an endless source: an endless sequence counted in day-long windows, so the first
 * window can only fire because the run was drained.
 */
import { definePipeline, FixedWindows, kv, windowInto } from "../../../sdk/index.js";
import { countPerKey, generateSequence } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";

const DAY = 24 * 60 * 60 * 1000;

export const drainedEndlessCount = definePipeline(import.meta, {
  name: "drainedEndlessCount",
  build(p) {
    const counts = p
      .apply(generateSequence({ rate: 5_000, timestampFn: (n) => n }))
      .apply(windowInto(new FixedWindows(DAY)))
      .map((n) => kv("all", n), "KeyAll")
      .apply(countPerKey());
    // Drained: the day's window fires once, with everything read before the stop.
    assertThat(counts).satisfies((xs) => xs.length === 1 && xs[0]!.key === "all" && xs[0]!.value > 0);
  },
});
