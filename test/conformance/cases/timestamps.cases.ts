/**
 * Timestamps, as in Beam: an output may not move a timestamp earlier than its input's by more than the DoFn's
 * allowed skew (default 0, Beam's `getAllowedTimestampSkew`), for `ctx.outputWithTimestamp` and `withTimestamps`
 * alike; the run fails naming the step and the element. And a global combine with defaults is refused at
 * construction on input that is not in the global window (Beam's `Combine.globally()`), instead of dropping the
 * default: `withoutDefaults` gives one value per window with data.
 */
import { definePipeline, FixedWindows, windowInto, type DoFn, type ProcessContext } from "../../../sdk/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { create, reifyTimestamps, sumGlobally, withTimestamps } from "../../../transforms/index.js";

interface Event {
  readonly id: string;
  readonly at: number;
}

const EVENTS: readonly Event[] = [
  { id: "a", at: 5_000 },
  { id: "b", at: 12_000 },
];

/** Each element as `id@timestamp`. */
function stamps<T extends { id: string }>(input: import("../../../sdk/index.js").PCollection<T>, name: string) {
  return input.apply(`Reify${name}`, reifyTimestamps<T>()).map(({ value, timestamp }) => `${value.id}@${timestamp}`, `Format${name}`);
}

/** Moves each element's timestamp back by `by` ms, declaring an allowed skew of `skew`. */
function moveBack(by: number, skew?: number): DoFn<Event, Event> {
  return {
    ...(skew === undefined ? {} : { allowedTimestampSkew: skew }),
    process(e: Event, ctx: ProcessContext<Event>) {
      ctx.outputWithTimestamp(e, ctx.timestamp - by);
    },
  };
}

/** `withTimestamps` moving timestamps back without a declared skew fails at the first such element. */
export const withTimestampsBackwardsBeyondSkew = definePipeline(import.meta, {
  name: "withTimestampsBackwardsBeyondSkew",
  build(p) {
    p.apply(create(EVENTS))
      .apply("Stamp", withTimestamps((e: Event) => e.at)) // forward from the minimum timestamp: fine
      .apply("Earlier", withTimestamps((e: Event) => (e.id === "b" ? e.at - 1 : e.at)));
  },
});

/** Within the declared skew (`allowedTimestampSkew`), and exactly at it, withTimestamps moves timestamps back. */
export const withTimestampsBackwardsWithinSkew = definePipeline(import.meta, {
  name: "withTimestampsBackwardsWithinSkew",
  build(p) {
    const moved = p
      .apply(create(EVENTS))
      .apply("Stamp", withTimestamps((e: Event) => e.at))
      .apply("Earlier", withTimestamps((e: Event) => (e.id === "b" ? e.at - 4_000 : e.at - 1), { allowedTimestampSkew: 4_000 }));
    assertThat(stamps(moved, ""), "moved").containsInAnyOrder("a@4999", "b@8000");
  },
});

/** `outputWithTimestamp` beyond the DoFn's declared skew fails, naming the step and the element. */
export const outputWithTimestampBeyondSkew = definePipeline(import.meta, {
  name: "outputWithTimestampBeyondSkew",
  build(p) {
    p.apply(create(EVENTS))
      .apply("Stamp", withTimestamps((e: Event) => e.at))
      .parDo(moveBack(1_000, 999), { name: "MoveBack" });
  },
});

/** Within it (and at it) the move is allowed. */
export const outputWithTimestampWithinSkew = definePipeline(import.meta, {
  name: "outputWithTimestampWithinSkew",
  build(p) {
    const moved = p
      .apply(create(EVENTS))
      .apply("Stamp", withTimestamps((e: Event) => e.at))
      .parDo(moveBack(1_000, 1_000), { name: "MoveBack" });
    assertThat(stamps(moved, ""), "moved").containsInAnyOrder("a@4000", "b@11000");
  },
});

/** A global combine with defaults on windowed input is refused when applied. */
export const globalCombineWithDefaultsOnWindowedInput = definePipeline(import.meta, {
  name: "globalCombineWithDefaultsOnWindowedInput",
  build(p) {
    p.apply(create(EVENTS))
      .apply("Stamp", withTimestamps((e: Event) => e.at))
      .apply(windowInto(new FixedWindows(10_000)))
      .map((e) => e.at, "At")
      .apply("Total", sumGlobally());
  },
});

/** With `withoutDefaults`: one sum per window with data, nothing for the empty ones. */
export const globalCombineWithoutDefaultsOnWindowedInput = definePipeline(import.meta, {
  name: "globalCombineWithoutDefaultsOnWindowedInput",
  build(p) {
    const sums = p
      .apply(create([...EVENTS, { id: "c", at: 35_000 }]))
      .apply("Stamp", withTimestamps((e: Event) => e.at))
      .apply(windowInto(new FixedWindows(10_000)))
      .map((e) => e.at, "At")
      .apply("Total", sumGlobally({ withoutDefaults: true }));
    assertThat(sums).containsInAnyOrder(5_000, 12_000, 35_000);
  },
});
