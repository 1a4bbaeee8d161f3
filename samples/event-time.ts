/**
 * The worked example of docs/event-time.md: a team's scores summed in ten-minute event-time windows, with an
 * EARLY pane a minute (processing time) after a pane's first score, the ON_TIME pane when the watermark passes
 * the end of the window, and a LATE pane for every late score within five minutes of allowed lateness.
 *
 *   npx tsx samples/event-time.ts                             # ACCUMULATING: each pane has the total so far
 *   npx tsx samples/event-time.ts --accumulation DISCARDING   # each pane has only what is new since the last
 *
 * The input is a TestStream script, so processing time is a test clock and the output is exactly the same on
 * every run (test/samples/event-time.test.ts checks it against the guide). Each pane is printed as it fires.
 */
import {
  AfterCount,
  AfterProcessingTime,
  AfterWatermark,
  FixedWindows,
  definePipeline,
  kv,
  ptransform,
  queryMetrics,
  timestamped,
  windowInto,
  type AccumulationMode,
  type IntervalWindow,
  type KV,
  type PBegin,
  type PCollection,
  type ProcessContext,
  type PTransform,
} from "../sdk/index.js";
import { sumPerKey } from "../transforms/index.js";
import { testStream } from "../sdk/testing/index.js";

const MINUTE = 60_000;
/** 12:mm on 2026-01-01 (UTC), in ms. */
const at = (minutes: number, seconds = 0): number => Date.UTC(2026, 0, 1, 12, minutes, seconds);
/** hh:mm of an instant, or hh:mm:ss.sss when it is not a whole minute. */
const clock = (t: number): string => new Date(t).toISOString().slice(11, t % MINUTE === 0 ? 16 : 23);

/**
 * The script of the example: scores of team "red" arriving as processing time and the watermark move.
 * @example
 * const scores = p.apply("Scores", scoreStream());
 */
export function scoreStream(): PTransform<PBegin, PCollection<KV<string, number>>> {
  return testStream<KV<string, number>>()
    .addElements(timestamped(kv("red", 5), at(1)), timestamped(kv("red", 3), at(4)))
    .advanceProcessingTime(MINUTE + 1_000) // the early trigger's minute has passed
    .addElements(timestamped(kv("red", 4), at(7)), timestamped(kv("red", 6), at(12)))
    .advanceWatermarkTo(at(10)) // the first window [12:00, 12:10) is complete
    .addElements(timestamped(kv("red", 2), at(9))) // late, within the allowed lateness
    .advanceProcessingTime(MINUTE + 1_000)
    .advanceWatermarkTo(at(16)) // past 12:15: the first window is garbage collected
    .addElements(timestamped(kv("red", 9), at(8))) // too late: dropped
    .advanceWatermarkToInfinity();
}

/**
 * The windowing and the sum: ten-minute windows, early firings a minute after a pane's first score, late firings
 * per late score, five minutes of allowed lateness.
 * @example
 * const sums = p.apply(scoreStream()).apply(teamScores("ACCUMULATING"));
 */
export function teamScores(accumulation: AccumulationMode): PTransform<PCollection<KV<string, number>>, PCollection<KV<string, number>, IntervalWindow>> {
  return ptransform("TeamScores", (scores: PCollection<KV<string, number>>) =>
    scores
      .apply(
        windowInto<KV<string, number>>(new FixedWindows(10 * MINUTE), {
          trigger: AfterWatermark({ early: AfterProcessingTime(MINUTE), late: AfterCount(1) }),
          accumulation,
          allowedLateness: 5 * MINUTE,
        }),
      )
      .apply(sumPerKey()),
  );
}

export default definePipeline(import.meta, {
  description: "The event-time guide's worked example: early, on-time and late panes of a windowed sum.",
  options: {
    accumulation: { choices: ["ACCUMULATING", "DISCARDING"] as const, default: "ACCUMULATING" as const, describe: "Accumulation mode" },
  },
  build(p, { accumulation }) {
    p.apply("Scores", scoreStream())
      .apply(teamScores(accumulation))
      .parDo<never>(
        {
          // The sums are in fixed windows, so ctx.window is an IntervalWindow: its bounds need no cast.
          process({ key, value }: KV<string, number>, ctx: ProcessContext<never, {}, IntervalWindow>) {
            const { start, end } = ctx.window;
            const { timing, index, isFirst, isLast } = ctx.pane;
            const flags = [isFirst ? "first" : "", isLast ? "last" : ""].filter(Boolean).join(", ");
            process.stdout.write(
              `[${clock(start)}, ${clock(end)})  ${timing.padEnd(7)} #${index}  ${key} = ${String(value).padEnd(3)}` +
                ` @${clock(ctx.timestamp)}${flags ? `  (${flags})` : ""}\n`,
            );
          },
        },
        { name: "PrintPanes" },
      );
  },
  afterRun(result) {
    const dropped = queryMetrics(result.metrics.counters, { name: "droppedDueToLateness" }).reduce((n, m) => n + m.value, 0);
    process.stdout.write(`dropped as too late: ${dropped}\n`);
  },
});
