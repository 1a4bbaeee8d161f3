/**
 * Stateful DoFns: state cells, event-time and processing-time timers, timer output timestamps and watermark holds,
 * garbage collection at window expiry and `onWindowExpiration`, following Beam's documented behaviour (the
 * programming guide's "State and Timers", and the facts ParDoTest checks). Each case checks its own output; a
 * `describe` of what each emitted (value, timestamp, window) makes timestamps part of the comparison.
 */
import {
  definePipeline,
  FixedWindows,
  groupByKey,
  GlobalWindows,
  kv,
  parDo,
  parDoWithOutputs,
  Sessions,
  StateSpecs,
  statefulDoFn,
  TimerSpecs,
  windowInto,
  END_OF_GLOBAL_WINDOW,
  type CombineFn,
  type KV,
  type PCollection,
} from "../../../sdk/index.js";
import { create } from "../../../transforms/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";
import { at, pane } from "./event-time-support.js";
import { compareAny } from "./support.js";
import { clickStream, userSessions } from "../../../samples/user-sessions.js";
import { eventStream, joinOrdersWithPayments } from "../../../samples/stateful-join.js";

const MINUTE = 60_000;

/** Each element as `value@timestamp in window`, so outputs compare with their timestamps and windows. */
function described<T>(pc: PCollection<T>, name = "Describe"): PCollection<string> {
  return pc.apply(
    name,
    parDo<T, string>({
      process(v, ctx) {
        ctx.output(`${typeof v === "string" ? v : JSON.stringify(v)}@${ctx.timestamp === END_OF_GLOBAL_WINDOW ? "EOGW" : ctx.timestamp} in ${ctx.window.id}`);
      },
    }),
  );
}

const sumFn: CombineFn<number, number, number> = {
  createAccumulator: () => 0,
  addInput: (a, x) => a + x,
  mergeAccumulators: (as) => as.reduce((a, b) => a + b, 0),
  extractOutput: (a) => a,
};

// ---- state cells (batch) ----

/** ValueState: a running count per key (Beam's ParDoTest testValueState). */
export const valueStateRunningCount = definePipeline(import.meta, {
  name: "valueStateRunningCount",
  build(p) {
    const counting = statefulDoFn<string, number, string>()({
      state: { count: StateSpecs.value<number>() },
      process(e, ctx) {
        const n = (ctx.state.count.read() ?? 0) + 1;
        ctx.state.count.write(n);
        ctx.output(`${ctx.key}:${n}`);
      },
    });
    const out = p.apply(create([kv("a", 1), kv("b", 2), kv("a", 3), kv("a", 4), kv("b", 5)])).apply(parDo(counting));
    assertThat(out).containsInAnyOrder("a:1", "a:2", "a:3", "b:1", "b:2");
  },
});

/** Keys compare by value: equal object keys built in different property orders share their state. */
export const stateKeysCompareByValue = definePipeline(import.meta, {
  name: "stateKeysCompareByValue",
  build(p) {
    const counting = statefulDoFn<{ user: string; region: string }, number, number>()({
      state: { count: StateSpecs.value<number>() },
      process(_e, ctx) {
        const n = (ctx.state.count.read() ?? 0) + 1;
        ctx.state.count.write(n);
        ctx.output(n);
      },
    });
    const out = p.apply(create([kv({ user: "ann", region: "NL" }, 1), kv({ region: "NL", user: "ann" }, 2)])).apply(parDo(counting));
    assertThat(out).containsInAnyOrder(1, 2);
  },
});

/** BagState, flushed by an event-time timer at the end of each window; the output is at the timer's time. */
export const bagStateFlushedAtWindowEnd = definePipeline(import.meta, {
  name: "bagStateFlushedAtWindowEnd",
  build(p) {
    const buffer = statefulDoFn<string, number, KV<string, number[]>>()({
      state: { buffer: StateSpecs.bag<number>() },
      timers: { flush: TimerSpecs.eventTime() },
      process(e, ctx) {
        ctx.state.buffer.add(e.value);
        ctx.timers.flush.set(ctx.window.maxTimestamp());
      },
      onTimer: {
        flush(ctx) {
          ctx.output(kv(ctx.key, ctx.state.buffer.read().sort(compareAny)));
          ctx.state.buffer.clear();
        },
      },
    });
    const events = p.apply(testStream<KV<string, number>>().addElements(at(1, "a"), at(3, "a"), at(2, "b"), at(12, "a")).advanceWatermarkToInfinity());
    const out = events
      .apply(windowInto<KV<string, number>>(new FixedWindows(10)))
      .apply(parDo(buffer));
    assertThat(described(out)).containsInAnyOrder('{"key":"a","value":[1,3]}@9 in 0:10', '{"key":"b","value":[2]}@9 in 0:10', '{"key":"a","value":[12]}@19 in 10:20');
  },
});

/** CombiningState with a CombineFn, read in onWindowExpiration (output at the window's max timestamp). */
export const combiningStateOnWindowExpiration = definePipeline(import.meta, {
  name: "combiningStateOnWindowExpiration",
  build(p) {
    const summing = statefulDoFn<string, number, KV<string, number>>()({
      state: { sum: StateSpecs.combining(sumFn) },
      process(e, ctx) {
        ctx.state.sum.add(e.value);
      },
      onWindowExpiration(ctx) {
        ctx.output(kv(ctx.key, ctx.state.sum.read()));
      },
    });
    const out = p.apply(create([kv("a", 1), kv("b", 2), kv("a", 3), kv("a", 4), kv("b", 5)])).apply(parDo(summing));
    assertThat(described(out)).containsInAnyOrder('{"key":"a","value":8}@EOGW in global', '{"key":"b","value":7}@EOGW in global');
  },
});

/** MapState: per-key counts of each value, emitted (sorted) at window expiry. */
export const mapStateCounts = definePipeline(import.meta, {
  name: "mapStateCounts",
  build(p) {
    const counting = statefulDoFn<string, string, string>()({
      state: { counts: StateSpecs.map<string, number>() },
      process(e, ctx) {
        ctx.state.counts.put(e.value, (ctx.state.counts.get(e.value) ?? 0) + 1);
        if (e.value === "drop") ctx.state.counts.remove("drop");
      },
      onWindowExpiration(ctx) {
        const entries = ctx.state.counts.entries().sort((x, y) => compareAny(x[0], y[0]));
        ctx.output(`${ctx.key} ${entries.map(([k, n]) => `${k}=${n}`).join(",")} keys=${ctx.state.counts.keys().length}`);
      },
    });
    const out = p.apply(create([kv("u", "x"), kv("u", "y"), kv("u", "x"), kv("v", "x"), kv("u", "drop")])).apply(parDo(counting));
    assertThat(out).containsInAnyOrder("u x=2,y=1 keys=2", "v x=1 keys=1");
  },
});

/** SetState: deduplication per key (each value once per key, whatever the order). */
export const setStateDeduplicates = definePipeline(import.meta, {
  name: "setStateDeduplicates",
  build(p) {
    const dedupe = statefulDoFn<string, { id: number }, string>()({
      state: { seen: StateSpecs.set<{ id: number }>() },
      process(e, ctx) {
        if (ctx.state.seen.add(e.value)) ctx.output(`${ctx.key}:${e.value.id}`);
        if (!ctx.state.seen.contains(e.value)) throw new Error("SetState lost a value");
      },
    });
    const out = p.apply(create([kv("a", { id: 1 }), kv("a", { id: 1 }), kv("a", { id: 2 }), kv("b", { id: 1 }), kv("a", { id: 2 })])).apply(parDo(dedupe));
    assertThat(out).containsInAnyOrder("a:1", "a:2", "b:1");
  },
});

/**
 * OrderedListState: events buffered out of order come back sorted by timestamp; a range is read and cleared by an
 * event-time timer as the watermark passes it (sorting a stream per key, as Beam's OrderedListState is for).
 */
export const orderedListStateSorts = definePipeline(import.meta, {
  name: "orderedListStateSorts",
  build(p) {
    const sorter = statefulDoFn<string, number, string>()({
      state: { events: StateSpecs.orderedList<number>() },
      timers: { flush: TimerSpecs.eventTimeFamily() },
      process(e, ctx) {
        ctx.state.events.add(ctx.timestamp, e.value);
        const ten = Math.floor(ctx.timestamp / 10) * 10;
        ctx.timers.flush.get(String(ten)).set(ten + 9); // at the end of its ten
      },
      onTimer: {
        flush(ctx) {
          const from = Number(ctx.timerTag);
          const range = ctx.state.events.readRange(from, from + 10);
          ctx.state.events.clearRange(from, from + 10);
          ctx.output(`[${from}, ${from + 10}): ${range.map(([t, v]) => `${v}@${t}`).join(" ")} left ${ctx.state.events.read().length}`);
        },
      },
    });
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(7, "k", 70), at(3, "k", 30), at(15, "k", 150))
        .addElements(at(5, "k", 50), at(12, "k", 120))
        .advanceWatermarkTo(10) // [0, 10) flushed, sorted
        .advanceWatermarkToInfinity(),
    );
    assertThat(events.apply(parDo(sorter))).containsInAnyOrder("[0, 10): 30@3 50@5 70@7 left 2", "[10, 20): 120@12 150@15 left 0");
  },
});

/** Tagged outputs from process, a timer and onWindowExpiration. */
export const statefulTaggedOutputs = definePipeline(import.meta, {
  name: "statefulTaggedOutputs",
  build(p) {
    const fn = statefulDoFn<string, number, number, { odd: string; expired: string }>()({
      state: { n: StateSpecs.value<number>() },
      timers: { t: TimerSpecs.eventTime() },
      process(e, ctx) {
        if (e.value % 2 === 1) ctx.outputTo("odd", `${ctx.key}${e.value}`);
        else ctx.output(e.value);
        ctx.state.n.write((ctx.state.n.read() ?? 0) + 1);
        ctx.timers.t.set(100);
      },
      onTimer: {
        t(ctx) {
          ctx.outputTo("odd", `timer ${ctx.key} n=${ctx.state.n.read()}`);
        },
      },
      onWindowExpiration(ctx) {
        ctx.outputTo("expired", `${ctx.key} n=${ctx.state.n.read()}`);
      },
    });
    const outs = p.apply(create([kv("a", 1), kv("a", 2), kv("b", 3)])).apply(parDoWithOutputs(fn, ["odd", "expired"]));
    assertThat(outs.main, "main").containsInAnyOrder(2);
    assertThat(outs.odd, "odd").containsInAnyOrder("a1", "b3", "timer a n=2", "timer b n=1");
    assertThat(outs.expired, "expired").containsInAnyOrder("a n=2", "b n=1");
  },
});

// ---- timers under TestStream ----

/**
 * Event-time timers fire once the watermark passes their time, in time order, and the output is at the firing
 * time; a timer set again replaces it, and a cleared timer never fires.
 */
export const eventTimeTimersFireInOrder = definePipeline(import.meta, {
  name: "eventTimeTimersFireInOrder",
  build(p) {
    const fn = statefulDoFn<string, number, string>()({
      timers: { a: TimerSpecs.eventTime(), b: TimerSpecs.eventTime(), gone: TimerSpecs.eventTime() },
      process(e, ctx) {
        ctx.timers.a.set(e.value + 10); // the later element's setting replaces the earlier one
        ctx.timers.b.set(15);
        ctx.timers.gone.set(12);
        ctx.timers.gone.clear();
        ctx.output(`element ${e.value}`);
      },
      onTimer: {
        a(ctx) {
          ctx.output(`a fired ${ctx.fireTimestamp} ${ctx.timeDomain}`);
        },
        b(ctx) {
          ctx.output(`b fired ${ctx.fireTimestamp}`);
        },
        gone(ctx) {
          ctx.output("cleared timer fired");
        },
      },
    });
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1), at(2))
        .advanceWatermarkTo(14) // a (at 12) is due, b (15) is not
        .advanceWatermarkTo(15) // nothing: a timer at t fires once the watermark is after t
        .advanceWatermarkTo(16)
        .advanceWatermarkToInfinity(),
    );
    assertThat(described(events.apply(parDo(fn)))).containsInAnyOrder(
      "element 1@1 in global",
      "element 2@2 in global",
      "a fired 12 EVENT_TIME@12 in global",
      "b fired 15@15 in global",
    );
  },
});

/**
 * A timer's output timestamp holds the output watermark: a timer firing at 25 with output timestamp 5 emits into
 * window [0, 10) of a downstream GroupByKey on time, although the input watermark passed 10 long before.
 */
export const timerOutputTimestampHoldsWatermark = definePipeline(import.meta, {
  name: "timerOutputTimestampHoldsWatermark",
  build(p) {
    const fn = statefulDoFn<string, number, KV<string, number>>()({
      timers: { late: TimerSpecs.eventTime() },
      process(e, ctx) {
        ctx.timers.late.set(25, { outputTimestamp: e.value });
      },
      onTimer: {
        late(ctx) {
          ctx.output(kv(ctx.key, ctx.timestamp));
        },
      },
    });
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(5))
        .advanceWatermarkTo(20) // held at 5 downstream: window [0, 10) does not fire yet
        .advanceWatermarkTo(30) // the timer fires (output at 5), then the window
        .advanceWatermarkToInfinity(),
    );
    const grouped = events
      .apply(parDo(fn))
      .apply(windowInto<KV<string, number>>(new FixedWindows(10)))
      .apply(groupByKey<string, number>());
    assertThat(grouped).panes().containsInAnyOrder(pane("0:10", kv("k", [5]), 9, "ON_TIME 0/0 first last"));
  },
});

/**
 * Processing-time timers fire once processing time passes their time (TestStream's clock); by default they
 * output at the timestamp of the element that set them. setRelative counts from the current processing time.
 */
export const processingTimeTimers = definePipeline(import.meta, {
  name: "processingTimeTimers",
  build(p) {
    const fn = statefulDoFn<string, number, string>()({
      state: { buffer: StateSpecs.bag<number>() },
      timers: { flush: TimerSpecs.processingTime() },
      process(e, ctx) {
        if (ctx.state.buffer.isEmpty()) ctx.timers.flush.setRelative(5);
        ctx.state.buffer.add(e.value);
      },
      onTimer: {
        flush(ctx) {
          ctx.output(`${ctx.state.buffer.read().join("+")} fired ${ctx.fireTimestamp} ${ctx.timeDomain}`);
          ctx.state.buffer.clear();
        },
      },
    });
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1)) // processing time 0: the timer is due at 5
        .advanceProcessingTime(5) // now 5: not yet (strictly after)
        .addElements(at(2)) // joins the buffer
        .advanceProcessingTime(1) // now 6: fires, output at 1 (the setting element's timestamp)
        .addElements(at(7)) // a new timer, due at 11
        .advanceProcessingTime(10) // now 16: fires
        .advanceWatermarkToInfinity(),
    );
    assertThat(described(events.apply(parDo(fn)))).containsInAnyOrder("1+2 fired 5 PROCESSING_TIME@1 in global", "7 fired 11 PROCESSING_TIME@7 in global");
  },
});

/** Timer families: timers addressed by a tag chosen at run time, all calling the family's callback. */
export const timerFamilies = definePipeline(import.meta, {
  name: "timerFamilies",
  build(p) {
    const fn = statefulDoFn<string, number, string>()({
      timers: { remind: TimerSpecs.eventTimeFamily() },
      process(e, ctx) {
        ctx.timers.remind.get(`t${e.value}`).set(e.value + 100);
        if (e.value === 3) ctx.timers.remind.get("t1").clear();
      },
      onTimer: {
        remind(ctx) {
          ctx.output(`${ctx.timerTag} at ${ctx.fireTimestamp}`);
        },
      },
    });
    const events = p.apply(testStream<KV<string, number>>().addElements(at(1), at(2)).addElements(at(3)).advanceWatermarkToInfinity());
    assertThat(events.apply(parDo(fn))).containsInAnyOrder("t2 at 102", "t3 at 103");
  },
});

/** A timer may set itself again from its callback (a looping timer), here until a count is reached. */
export const loopingTimer = definePipeline(import.meta, {
  name: "loopingTimer",
  build(p) {
    const fn = statefulDoFn<string, number, string>()({
      state: { ticks: StateSpecs.value<number>() },
      timers: { tick: TimerSpecs.eventTime() },
      process(e, ctx) {
        ctx.timers.tick.set(e.value + 10);
      },
      onTimer: {
        tick(ctx) {
          const n = (ctx.state.ticks.read() ?? 0) + 1;
          ctx.state.ticks.write(n);
          ctx.output(`tick ${n} at ${ctx.fireTimestamp}`);
          if (n < 3) ctx.timers.tick.set(ctx.fireTimestamp + 10);
        },
      },
    });
    const events = p.apply(testStream<KV<string, number>>().addElements(at(0)).advanceWatermarkTo(25).advanceWatermarkToInfinity());
    assertThat(described(events.apply(parDo(fn)))).containsInAnyOrder("tick 1 at 10@10 in global", "tick 2 at 20@20 in global", "tick 3 at 30@30 in global");
  },
});

// ---- window expiry ----

/**
 * State is per key and window and garbage-collected at expiry (end plus allowed lateness): late elements within
 * the lateness still see the window's state; onWindowExpiration runs once; elements after expiry are dropped; a
 * processing-time timer pending at expiry never fires.
 */
export const stateCollectedAtWindowExpiry = definePipeline(import.meta, {
  name: "stateCollectedAtWindowExpiry",
  build(p) {
    const fn = statefulDoFn<string, number, string>()({
      state: { count: StateSpecs.value<number>() },
      timers: { poll: TimerSpecs.processingTime() },
      process(e, ctx) {
        const n = (ctx.state.count.read() ?? 0) + 1;
        ctx.state.count.write(n);
        ctx.output(`${e.value} count ${n}`);
        ctx.timers.poll.setRelative(100);
      },
      onTimer: {
        poll(ctx) {
          ctx.output(`poll fired in ${ctx.window.id}`);
        },
      },
      onWindowExpiration(ctx) {
        ctx.output(`expired ${ctx.window.id} count ${ctx.state.count.read()}`);
      },
    });
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1))
        .advanceWatermarkTo(12) // past the end of [0, 10), within the lateness
        .addElements(at(3)) // late, not dropped: count 2
        .advanceWatermarkTo(15) // expiry is 9 + 5 = 14: onWindowExpiration, state cleared, timer deleted
        .addElements(at(4)) // dropped
        .addElements(at(11)) // window [10, 20): fresh state
        .advanceProcessingTime(200) // the poll timer of [10, 20) fires; [0, 10)'s never does
        .advanceWatermarkToInfinity(),
    );
    const out = events.apply(windowInto<KV<string, number>>(new FixedWindows(10), { allowedLateness: 5, accumulation: "DISCARDING" })).apply(parDo(fn));
    assertThat(described(out)).containsInAnyOrder(
      "1 count 1@1 in 0:10",
      "3 count 2@3 in 0:10",
      "expired 0:10 count 2@9 in 0:10",
      "11 count 1@11 in 10:20",
      "poll fired in 10:20@11 in 10:20",
      "expired 10:20 count 1@19 in 10:20",
    );
  },
});

/** In the global window of a bounded input, onWindowExpiration runs at the end of the input. */
export const onWindowExpirationGlobalWindow = definePipeline(import.meta, {
  name: "onWindowExpirationGlobalWindow",
  build(p) {
    const fn = statefulDoFn<string, number, string>()({
      state: { last: StateSpecs.value<number>() },
      process(e, ctx) {
        ctx.state.last.write(Math.max(ctx.state.last.read() ?? -Infinity, e.value));
      },
      onWindowExpiration(ctx) {
        ctx.output(`${ctx.key} max ${ctx.state.last.read()}`);
      },
    });
    const out = p.apply(create([kv("a", 3), kv("a", 9), kv("b", 1)])).apply(windowInto<KV<string, number>>(new GlobalWindows())).apply(parDo(fn));
    assertThat(described(out)).containsInAnyOrder("a max 9@EOGW in global", "b max 1@EOGW in global");
  },
});

// ---- refused ----

/** Beam's direct and Dataflow runners refuse state and timers in merging windows; so does Sluice, when applied. */
export const statefulInMergingWindowsRefused = definePipeline(import.meta, {
  name: "statefulInMergingWindowsRefused",
  build(p) {
    const fn = statefulDoFn<string, number, number>()({
      timers: { t: TimerSpecs.eventTime() },
      process(e, ctx) {
        ctx.timers.t.set(ctx.window.maxTimestamp());
      },
      onTimer: { t() {} },
    });
    p.apply(create([kv("a", 1)])).apply(windowInto<KV<string, number>>(new Sessions(10))).apply(parDo(fn));
  },
});

/** An event-time timer after its window's expiry fails, as in Beam. */
export const eventTimerAfterExpiryFails = definePipeline(import.meta, {
  name: "eventTimerAfterExpiryFails",
  build(p) {
    const fn = statefulDoFn<string, number, number>()({
      timers: { t: TimerSpecs.eventTime() },
      process(_e, ctx) {
        ctx.timers.t.set(ctx.window.maxTimestamp() + 1);
      },
      onTimer: { t() {} },
    });
    p.apply(testStream<KV<string, number>>().addElements(at(1)).advanceWatermarkToInfinity())
      .apply(windowInto<KV<string, number>>(new FixedWindows(10)))
      .apply("Stateful", parDo(fn));
  },
});

/** A timer's output timestamp before the element's (beyond the allowed skew) fails, as in Beam. */
export const timerOutputBeforeElementFails = definePipeline(import.meta, {
  name: "timerOutputBeforeElementFails",
  build(p) {
    const fn = statefulDoFn<string, number, number>()({
      timers: { t: TimerSpecs.processingTime() },
      process(_e, ctx) {
        ctx.timers.t.setRelative(10, { outputTimestamp: ctx.timestamp - 1 });
      },
      onTimer: { t() {} },
    });
    p.apply(testStream<KV<string, number>>().addElements(at(5)).advanceWatermarkToInfinity()).apply("Stateful", parDo(fn));
  },
});

/** State must be plain data on every runner (it is snapshotted for checkpoints): a class instance fails at once. */
export const storingAClassInstanceFails = definePipeline(import.meta, {
  name: "storingAClassInstanceFails",
  build(p) {
    class Box {
      constructor(readonly n: number) {}
    }
    const fn = statefulDoFn<string, number, number>()({
      state: { box: StateSpecs.value<Box>() },
      process(e, ctx) {
        ctx.state.box.write(new Box(e.value));
      },
    });
    p.apply(create([kv("a", 1)])).apply("Stateful", parDo(fn));
  },
});

/** Output to an undeclared tag fails, from a timer callback as from process. */
export const statefulUnknownTagFails = definePipeline(import.meta, {
  name: "statefulUnknownTagFails",
  build(p) {
    const fn = statefulDoFn<string, number, number, { known: number }>()({
      timers: { t: TimerSpecs.eventTime() },
      process(_e, ctx) {
        ctx.timers.t.set(10);
      },
      onTimer: {
        t(ctx) {
          ctx.outputTo("unknown" as "known", 1);
        },
      },
    });
    p.apply(create([kv("a", 1)])).apply("Stateful", parDoWithOutputs(fn, ["known"]));
  },
});

/** State and timers need a KV input (Beam: "ParDo requires its input to use KvCoder in order to use state and timers"). */
export const statefulNeedsKvInput = definePipeline(import.meta, {
  name: "statefulNeedsKvInput",
  build(p) {
    const fn = statefulDoFn<string, number, number>()({
      state: { n: StateSpecs.value<number>() },
      process() {},
    });
    p.apply(create(["not a KV"])).apply("Stateful", parDo(fn as never));
  },
});

// ---- the guide's worked example ----

/** samples/user-sessions.ts (docs/state-and-timers.md): sessions closed by an inactivity timer, late clicks aside. */
export const userSessionsSample = definePipeline(import.meta, {
  name: "userSessionsSample",
  build(p) {
    const { main: sessions, late } = p.apply("Clicks", clickStream()).apply(userSessions(10 * MINUTE));
    const t = (m: number) => Date.UTC(2026, 0, 1, 12, m);
    assertThat(described(sessions, "DescribeSessions")).containsInAnyOrder(
      `${JSON.stringify({ user: "bob", start: t(1), end: t(11), clicks: 1 })}@${t(11)} in global`,
      `${JSON.stringify({ user: "ann", start: t(0), end: t(23), clicks: 3 })}@${t(23)} in global`,
      `${JSON.stringify({ user: "ann", start: t(31), end: t(41), clicks: 1 })}@${t(41)} in global`,
    );
    assertThat(described(late, "DescribeLate")).containsInAnyOrder(`{"key":"bob","value":"faq"}@${t(5)} in global`);
  },
});

/** samples/stateful-join.ts: orders matched with payments as soon as both arrived; the rest times out. */
export const statefulJoinSample = definePipeline(import.meta, {
  name: "statefulJoinSample",
  build(p) {
    const { main: matches, unmatched } = p.apply("Events", eventStream()).apply(joinOrdersWithPayments(10 * MINUTE));
    const t = (m: number) => Date.UTC(2026, 0, 1, 12, m);
    assertThat(described(matches, "DescribeMatches")).containsInAnyOrder(
      `${JSON.stringify({ orderId: "o2", item: "desk", amount: 120 })}@${t(1)} in global`,
      `${JSON.stringify({ orderId: "o1", item: "lamp", amount: 35 })}@${t(3)} in global`,
    );
    assertThat(described(unmatched, "DescribeUnmatched")).containsInAnyOrder(
      `${JSON.stringify(kv("p9", { kind: "payment", amount: 5 }))}@${t(14)} in global`,
      `${JSON.stringify(kv("o3", { kind: "order", item: "chair" }))}@${t(18)} in global`,
    );
  },
});
