/**
 * The Nexmark pipeline: one generated event stream feeding the chosen queries, each ending in a sink. With
 * `--output DIR`, query N's results go to `DIR/qN-*.txt` as one sorted-key JSON object a line (what the tests
 * read back; streaming: one set of files per window and pane, so only windowed queries, and Q12, can write); without, each result only bumps the counter `results` of its query's `Sink` step
 * (what the bench runs, so that writing files is not what it measures).
 *
 *   npx tsx bench/nexmark/pipeline.ts --queries 0,5 --events 10000 --runner threads --output out/nexmark
 */
import fs from "node:fs";
import { counter, definePipeline, queryMetrics, type PipelineResult } from "../../sdk/index.js";
import { writeText } from "../../transforms/index.js";
import { configOf, DEFAULT_CONFIG } from "./config.js";
import { nexmarkEvents, NexmarkGenerator } from "./generator.js";
import { parseQueries, QUERIES } from "./queries/index.js";
import { stableJson } from "./stable-json.js";

export { configOf } from "./config.js";

export default definePipeline(import.meta, {
  name: "nexmark",
  description: "Nexmark queries over generated auction events.",
  options: {
    queries: { type: "string", default: "0", describe: "Queries to run, comma-separated (0-9, 11, 12), or all" },
    events: { type: "number", default: 100_000, describe: "Events to generate (streaming: 0 for no end)" },
    eventRate: { type: "number", default: DEFAULT_CONFIG.eventRate, describe: "Events per second of event time" },
    streaming: { type: "boolean", default: false, describe: "Read the generator as an unbounded source" },
    rate: { type: "number", default: 0, describe: "Streaming: events per second of processing time (0: as fast as read)" },
    maxSplitEvents: { type: "number", default: 0, describe: "Bounded: at most this many events per source split (0: the runner's split size)" },
    output: { type: "string", default: "", describe: "Directory for each query's results (bounded runs); none: count only" },
    report: { type: "string", default: "", describe: "File to write a JSON summary of the run to (results, events read, run ms, largest worker's RSS), for the bench" },
  },
  build(p, { queries, events, eventRate, streaming, rate, maxSplitEvents, output }) {
    const config = configOf(eventRate);
    const gen = new NexmarkGenerator(config);
    const stream = p.apply(
      "Events",
      nexmarkEvents(config, { events: streaming && events === 0 ? Infinity : events, unbounded: streaming,
        ...(rate > 0 ? { rate } : {}),
        ...(maxSplitEvents > 0 ? { maxSplitEvents } : {}),
      }),
    );
    for (const q of parseQueries(queries)) {
      const results = stream.apply(`Q${q}`, QUERIES.get(q)!(gen, config, streaming));
      if (output) {
        results.map(stableJson, `Q${q}Json`).apply(`Q${q}Write`, writeText(`${output}/q${q}`, streaming ? {} : { windowed: false }));
      } else {
        const count = counter("results");
        results.parDo<never>({ process: () => count.inc() }, { name: `Q${q}Sink` });
      }
    }
  },
  afterRun(result, { report }) {
    if (report) fs.writeFileSync(report, `${JSON.stringify(runSummary(result))}\n`);
  },
});

/** What the bench reads of a run: results counted by the sinks, events generated, and the run's own cost. */
export function runSummary(result: PipelineResult): { ms: number; results: number; eventsRead: number; workerRssMb: number } {
  const results = queryMetrics(result.metrics.counters, { name: "results" }).reduce((n, m) => n + m.value, 0);
  // Events read: the generator's output (the unbounded source's MakeEvent, or the bounded one's WithTimestamps).
  let eventsRead = 0;
  for (const [id, n] of result.elementCounts) if (/^Events\/(MakeEvent|WithTimestamps\/AddTimestamps)\./.test(id)) eventsRead = Math.max(eventsRead, n);
  return { ms: result.durationMs, results, eventsRead, workerRssMb: (result.stats?.workerMaxRssBytes ?? 0) / 2 ** 20 };
}
