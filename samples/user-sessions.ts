/**
 * The worked example of docs/state-and-timers.md: per-user sessions closed by an inactivity timer, with a stateful
 * DoFn. Each user's clicks extend the user's open session; an event-time timer, set again at every click, closes
 * the session once the watermark passes `gap` after its last click, and emits a summary. A click older than the
 * end of the user's last closed session is late: it goes to a `late` output instead.
 *
 *   npx tsx samples/user-sessions.ts              # a 10-minute inactivity gap
 *   npx tsx samples/user-sessions.ts --gapMinutes 3
 *
 * The input is a TestStream script, so the output is exactly the same on every run and every runner
 * (test/samples/user-sessions.test.ts checks it against the guide).
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
/** 12:mm:ss on 2026-01-01 (UTC), in ms. */
const at = (minutes: number, seconds = 0): number => Date.UTC(2026, 0, 1, 12, minutes, seconds);
/** hh:mm:ss of an instant. */
const clock = (t: number): string => new Date(t).toISOString().slice(11, 19);

/** A closed session of one user. */
export interface Session {
  readonly user: string;
  readonly start: number;
  readonly end: number;
  readonly clicks: number;
}

/**
 * The script: clicks of two users (the value is the page), with the watermark moving.
 * @example
 * const clicks = p.apply("Clicks", clickStream());
 */
export function clickStream(): PTransform<PBegin, PCollection<KV<string, string>>> {
  return testStream<KV<string, string>>()
    .addElements(timestamped(kv("ann", "home"), at(0)), timestamped(kv("bob", "home"), at(1)))
    .addElements(timestamped(kv("ann", "cart"), at(4)))
    .advanceWatermarkTo(at(12)) // bob has been idle for 11 minutes
    .addElements(timestamped(kv("ann", "pay"), at(13)))
    .advanceWatermarkTo(at(30)) // ann has been idle for 17 minutes
    .addElements(timestamped(kv("bob", "faq"), at(5))) // bob's session closed at 12:11: late
    .addElements(timestamped(kv("ann", "home"), at(31)))
    .advanceWatermarkToInfinity();
}

/**
 * Sessions per user, closed after `gapMs` without a click; late clicks on the `late` output.
 * @example
 * const { main: sessions, late } = clicks.apply(userSessions(10 * 60_000));
 */
export function userSessions(gapMs: number): PTransform<PCollection<KV<string, string>>, { main: PCollection<Session>; late: PCollection<KV<string, string>> }> {
  const sessions = statefulDoFn<string, string, Session, { late: KV<string, string> }>()({
    state: {
      start: StateSpecs.value<number>(),
      last: StateSpecs.value<number>(),
      clicks: StateSpecs.value<number>(),
      closedUntil: StateSpecs.value<number>(),
    },
    timers: { inactive: TimerSpecs.eventTime() },
    process(click, ctx) {
      if (ctx.timestamp < (ctx.state.closedUntil.read() ?? -Infinity)) {
        ctx.outputTo("late", click);
        return;
      }
      const start = ctx.state.start.read();
      if (start === undefined || ctx.timestamp < start) ctx.state.start.write(ctx.timestamp);
      const last = Math.max(ctx.state.last.read() ?? ctx.timestamp, ctx.timestamp);
      ctx.state.last.write(last);
      ctx.state.clicks.write((ctx.state.clicks.read() ?? 0) + 1);
      ctx.timers.inactive.set(last + gapMs); // set again: replaces the earlier deadline
    },
    onTimer: {
      inactive(ctx) {
        const last = ctx.state.last.read()!;
        ctx.output({ user: ctx.key, start: ctx.state.start.read()!, end: last + gapMs, clicks: ctx.state.clicks.read()! });
        ctx.state.closedUntil.write(last + gapMs);
        ctx.state.start.clear();
        ctx.state.last.clear();
        ctx.state.clicks.clear();
      },
    },
  });
  return ptransform("UserSessions", (clicks: PCollection<KV<string, string>>) => clicks.apply(parDoWithOutputs(sessions, ["late"])));
}

export default definePipeline(import.meta, {
  description: "The state-and-timers guide's worked example: per-user sessions closed by an inactivity timer.",
  options: {
    gapMinutes: { type: "number", default: 10, describe: "Minutes without a click that close a session" },
  },
  build(p, { gapMinutes }) {
    const { main: sessions, late } = p.apply("Clicks", clickStream()).apply(userSessions(gapMinutes * MINUTE));
    sessions.parDo<never>(
      {
        process(s, ctx) {
          process.stdout.write(`session  ${s.user}  ${clock(s.start)} – ${clock(s.end)}  ${s.clicks} clicks  @${clock(ctx.timestamp)}\n`);
        },
      },
      { name: "PrintSessions" },
    );
    late.parDo<never>(
      {
        process(click, ctx) {
          process.stdout.write(`late     ${click.key}  ${click.value} at ${clock(ctx.timestamp)}\n`);
        },
      },
      { name: "PrintLate" },
    );
  },
});
