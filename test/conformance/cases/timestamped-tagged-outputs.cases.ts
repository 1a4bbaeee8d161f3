/**
 * Tagged outputs with their own timestamp: `ctx.outputTo(tag, value, { timestamp })`, Beam's
 * `OutputReceiver.outputWithTimestamp` on a tagged output. The rule is `outputWithTimestamp`'s: the timestamp may
 * not move earlier than the input's by more than the DoFn's `allowedTimestampSkew`; the window stays the input's
 * (a later `windowInto` assigns by the new timestamp). The same holds in a stateful DoFn's `process` and timer
 * callbacks, where a timer's "input" timestamp is its output timestamp.
 */
import {
  definePipeline,
  FixedWindows,
  kv,
  parDo,
  parDoWithOutputs,
  StateSpecs,
  statefulDoFn,
  TimerSpecs,
  windowInto,
  type PCollection,
  type ProcessContext,
} from "../../../sdk/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { create, withTimestamps } from "../../../transforms/index.js";

interface Event {
  readonly id: string;
  readonly at: number;
}

const EVENTS: readonly Event[] = [
  { id: "a", at: 5_000 },
  { id: "b", at: 9_800 },
];

type Tags = { later: Event; same: Event };

/** Each element as `id@timestamp in window`, so outputs compare with their timestamps and windows. */
function described(pc: PCollection<Event>, name: string): PCollection<string> {
  return pc.apply(
    name,
    parDo<Event, string>({
      process(e, ctx) {
        ctx.output(`${e.id}@${ctx.timestamp} in ${ctx.window.toString()}`);
      },
    }),
  );
}

/** Writes each event to `later` at its timestamp plus `by` (negative: earlier), to `same` and main unchanged. */
function shift(by: number, skew?: number) {
  return parDoWithOutputs<Event, Event, Tags>(
    {
      ...(skew === undefined ? {} : { allowedTimestampSkew: skew }),
      process(e: Event, ctx: ProcessContext<Event, Tags>) {
        ctx.output(e);
        ctx.outputTo("same", e);
        ctx.outputTo("later", e, { timestamp: ctx.timestamp + by });
      },
    },
    ["later", "same"],
  );
}

function stamped(p: Parameters<Parameters<typeof definePipeline>[1]["build"]>[0]): PCollection<Event> {
  return p.apply(create(EVENTS)).apply("Stamp", withTimestamps((e: Event) => e.at));
}

/** A tagged output at a later timestamp: only that output moves; a later windowInto assigns by the new one. */
export const taggedOutputWithTimestamp = definePipeline(import.meta, {
  name: "taggedOutputWithTimestamp",
  build(p) {
    const outs = stamped(p).apply("Shift", shift(500));
    const global = "GlobalWindow";
    assertThat(described(outs.main, "DescribeMain"), "main").containsInAnyOrder(`a@5000 in ${global}`, `b@9800 in ${global}`);
    assertThat(described(outs.same, "DescribeSame"), "same").containsInAnyOrder(`a@5000 in ${global}`, `b@9800 in ${global}`);
    assertThat(described(outs.later, "DescribeLater"), "later").containsInAnyOrder(`a@5500 in ${global}`, `b@10300 in ${global}`);
    const windowed = outs.later.apply("Window", windowInto<Event>(new FixedWindows(10_000)));
    assertThat(
      windowed.map((e) => e.id, "Ids").apply(
        "InWindow",
        parDo<string, string>({
          process(id, ctx) {
            ctx.output(`${id} ${ctx.window.maxTimestamp() + 1}`);
          },
        }),
      ),
      "later, windowed",
    ).containsInAnyOrder("a 10000", "b 20000");
  },
});

/** Moving a tagged output back beyond the allowed skew fails, naming the step, the tag and the element. */
export const taggedOutputTimestampBeyondSkew = definePipeline(import.meta, {
  name: "taggedOutputTimestampBeyondSkew",
  build(p) {
    stamped(p).apply("Shift", shift(-1_000, 999));
  },
});

/** Within it, and exactly at it, the move is allowed. */
export const taggedOutputTimestampWithinSkew = definePipeline(import.meta, {
  name: "taggedOutputTimestampWithinSkew",
  build(p) {
    const outs = stamped(p).apply("Shift", shift(-1_000, 1_000));
    assertThat(described(outs.later, "DescribeLater"), "later").containsInAnyOrder("a@4000 in GlobalWindow", "b@8800 in GlobalWindow");
  },
});

/** An invalid timestamp (not an integer) fails, as for outputWithTimestamp. */
export const taggedOutputInvalidTimestamp = definePipeline(import.meta, {
  name: "taggedOutputInvalidTimestamp",
  build(p) {
    stamped(p).apply("Shift", shift(0.5));
  },
});

type StatefulTags = { at: string };

/** A stateful DoFn's process and timer callbacks write to a tagged output at their own timestamps. */
export const statefulTaggedOutputWithTimestamp = definePipeline(import.meta, {
  name: "statefulTaggedOutputWithTimestamp",
  build(p) {
    const fn = statefulDoFn<string, number, string, StatefulTags>()({
      state: { n: StateSpecs.value<number>() },
      timers: { t: TimerSpecs.eventTime() },
      process(e, ctx) {
        ctx.outputTo("at", `process ${ctx.key}${e.value}`, { timestamp: ctx.timestamp + 10 });
        ctx.state.n.write((ctx.state.n.read() ?? 0) + 1);
        ctx.timers.t.set(100, { outputTimestamp: 50 });
      },
      onTimer: {
        t(ctx) {
          ctx.outputTo("at", `timer ${ctx.key} n=${ctx.state.n.read()}`, { timestamp: ctx.timestamp + 7 });
          ctx.outputTo("at", `timer ${ctx.key} default`);
        },
      },
    });
    const input = p
      .apply(create([kv("a", 1), kv("a", 2), kv("b", 3)]))
      .apply("Stamp", withTimestamps((e: { value: number }) => e.value));
    const outs = input.apply(parDoWithOutputs(fn, ["at"]));
    const described = outs.at.apply(
      "Describe",
      parDo<string, string>({
        process(s, ctx) {
          ctx.output(`${s}@${ctx.timestamp}`);
        },
      }),
    );
    assertThat(described, "at").containsInAnyOrder(
      "process a1@11",
      "process a2@12",
      "process b3@13",
      "timer a n=2@57",
      "timer b n=1@57",
      "timer a default@50",
      "timer b default@50",
    );
    assertThat(outs.main, "main").empty();
  },
});

/** In a timer callback the rule counts from the timer's output timestamp: earlier than it fails. */
export const statefulTaggedOutputBeforeTimerFails = definePipeline(import.meta, {
  name: "statefulTaggedOutputBeforeTimerFails",
  build(p) {
    const fn = statefulDoFn<string, number, string, StatefulTags>()({
      timers: { t: TimerSpecs.eventTime() },
      process(_e, ctx) {
        ctx.timers.t.set(100, { outputTimestamp: 50 });
      },
      onTimer: {
        t(ctx) {
          ctx.outputTo("at", "too early", { timestamp: ctx.timestamp - 1 });
        },
      },
    });
    p.apply(create([kv("a", 1)]))
      .apply("Stamp", withTimestamps((e: { value: number }) => e.value))
      .apply("Stateful", parDoWithOutputs(fn, ["at"]));
  },
});
