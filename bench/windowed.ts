/**
 * Windowing overhead: a count per key over 5M timestamped events in fixed one-minute windows with the default
 * trigger, against the same pipeline in the global window, on the direct runner, in one run. Reports the windowed
 * run's throughput as a ratio to the global one (target: windowed time ≤ 1.5× global time, i.e. ratio ≥ 0.67).
 *
 *   npx tsx bench/windowed.ts [--events 5000000] [--repeats 3] [--runner direct]
 */
import { queryMetrics } from "../sdk/index.js";
import { reportRatios, timeBest, benchArg } from "./harness.js";
import windowedCount from "./pipelines/windowed-count.js";

const EVENTS = Number(benchArg("events", "5000000"));
const REPEATS = Number(benchArg("repeats", "3"));
const RUNNER = benchArg("runner", "direct");

const outputs: Record<string, number> = {};
const run = (windowed: boolean) => async (): Promise<void> => {
  const result = await windowedCount.run({ events: EVENTS, windowed, runner: RUNNER, quiet: true, enforceImmutability: false });
  outputs[windowed ? "windowed" : "global"] = queryMetrics(result.metrics.counters, { name: "counts" }).reduce((n, m) => n + m.value, 0);
};

const global = await timeBest("global window", run(false), REPEATS);
const windowed = await timeBest("fixed 1-minute windows", run(true), REPEATS);
reportRatios(`Count per key, ${EVENTS.toLocaleString("en")} timestamped events, ${RUNNER} runner`, global, [windowed], EVENTS);
process.stdout.write(
  `counts emitted: global ${outputs.global}, windowed ${outputs.windowed}; ` +
    `windowed time / global time = ${(windowed.ms / global.ms).toFixed(2)} (target <= 1.5)\n`,
);
