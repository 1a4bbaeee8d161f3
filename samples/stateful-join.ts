/**
 * A streaming join with state and timers: orders and payments arrive on two streams, in any order; each order is
 * matched with its payment by order id as soon as both have arrived, and an order still unpaid (or a payment with
 * no order) `timeoutMinutes` of event time after it arrived goes to an `unmatched` output when the watermark
 * passes that deadline.
 *
 *   npx tsx samples/stateful-join.ts
 *
 * The input is a TestStream script of both kinds of event, so the output is the same on every run and every runner
 * (test/samples/stateful-join.test.ts checks it). Unlike a windowed coGroupByKey, a match is emitted the moment
 * its second half arrives, and each side waits only as long as its own deadline.
 */
import {
  definePipeline,
  kv,
  parDoWithOutputs,
  ptransform,
  StateSpecs,
  statefulDoFn,
  TimerSpecs,
  timestamped,
  type KV,
  type PBegin,
  type PCollection,
  type PTransform,
} from "../sdk/index.js";
import { testStream } from "../sdk/testing/index.js";

const MINUTE = 60_000;
/** 12:mm on 2026-01-01 (UTC), in ms. */
const at = (minutes: number): number => Date.UTC(2026, 0, 1, 12, minutes);
/** hh:mm of an instant. */
const clock = (t: number): string => new Date(t).toISOString().slice(11, 16);

/** An order or a payment, keyed by order id. */
export type Event = { readonly kind: "order"; readonly item: string } | { readonly kind: "payment"; readonly amount: number };

/** An order with its payment. */
export interface Match {
  readonly orderId: string;
  readonly item: string;
  readonly amount: number;
}

/**
 * The script: orders and payments as they arrive (one TestStream: a pipeline has one test clock). o2 is paid
 * before its order arrives, o1 after it, o3 never; p9 pays for no order.
 * @example
 * const events = p.apply("Events", eventStream());
 */
export function eventStream(): PTransform<PBegin, PCollection<KV<string, Event>>> {
  const order = (id: string, item: string, minute: number) => timestamped(kv<string, Event>(id, { kind: "order", item }), at(minute));
  const payment = (id: string, amount: number, minute: number) => timestamped(kv<string, Event>(id, { kind: "payment", amount }), at(minute));
  return testStream<KV<string, Event>>()
    .addElements(order("o1", "lamp", 0), payment("o2", 120, 0))
    .addElements(order("o2", "desk", 1))
    .addElements(payment("o1", 35, 3), payment("p9", 5, 4))
    .addElements(order("o3", "chair", 8))
    .advanceWatermarkTo(at(20)) // p9's deadline (12:14) and o3's (12:18) pass
    .advanceWatermarkToInfinity();
}

/**
 * Joins orders with payments by order id; what waits longer than `timeoutMs` goes to `unmatched`.
 * @example
 * const { main: matches, unmatched } = events.apply(joinOrdersWithPayments(10 * 60_000));
 */
export function joinOrdersWithPayments(
  timeoutMs: number,
): PTransform<PCollection<KV<string, Event>>, { main: PCollection<Match>; unmatched: PCollection<KV<string, Event>> }> {
  const join = statefulDoFn<string, Event, Match, { unmatched: KV<string, Event> }>()({
    state: { waiting: StateSpecs.value<Event>() },
    timers: { deadline: TimerSpecs.eventTime() },
    process(event, ctx) {
      const waiting = ctx.state.waiting.read();
      if (waiting === undefined) {
        ctx.state.waiting.write(event.value);
        ctx.timers.deadline.set(ctx.timestamp + timeoutMs);
        return;
      }
      const [order, payment] = event.value.kind === "order" ? [event.value, waiting] : [waiting, event.value];
      if (order.kind !== "order" || payment.kind !== "payment") throw new Error(`order ${ctx.key} has two ${event.value.kind}s`);
      ctx.output({ orderId: ctx.key, item: order.item, amount: payment.amount });
      ctx.state.waiting.clear();
      ctx.timers.deadline.clear();
    },
    onTimer: {
      deadline(ctx) {
        ctx.outputTo("unmatched", kv(ctx.key, ctx.state.waiting.read()!));
        ctx.state.waiting.clear();
      },
    },
  });
  return ptransform("JoinOrdersWithPayments", (events: PCollection<KV<string, Event>>) => events.apply(parDoWithOutputs(join, ["unmatched"])));
}

export default definePipeline(import.meta, {
  description: "A streaming join of orders and payments with state and timers, unmatched events on a timeout.",
  options: {
    timeoutMinutes: { type: "number", default: 10, describe: "Minutes of event time an order or payment waits for its other half" },
  },
  build(p, { timeoutMinutes }) {
    const events = p.apply("Events", eventStream());
    const { main: matches, unmatched } = events.apply(joinOrdersWithPayments(timeoutMinutes * MINUTE));
    matches.parDo<never>(
      {
        process(m, ctx) {
          process.stdout.write(`matched    ${m.orderId}  ${m.item} paid ${m.amount}  @${clock(ctx.timestamp)}\n`);
        },
      },
      { name: "PrintMatches" },
    );
    unmatched.parDo<never>(
      {
        process({ key, value }, ctx) {
          process.stdout.write(`unmatched  ${key}  ${value.kind === "order" ? `order of a ${value.item}` : `payment of ${value.amount}`}  @${clock(ctx.timestamp)}\n`);
        },
      },
      { name: "PrintUnmatched" },
    );
  },
});
