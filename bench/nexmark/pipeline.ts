/**
 * The Nexmark pipeline: one generated event stream feeding the chosen queries, each ending in a sink. With
 * `--output DIR`, query N's results go to `DIR/qN-*.txt` as one sorted-key JSON object a line (what the tests
 * read back; streaming: one set of files per window and pane, so only windowed queries, and Q12, can write); without, each result only bumps the counter `results` of its query's `Sink` step
 * (what the bench runs, so that writing files is not what it measures).
 *
 *   npx tsx bench/nexmark/pipeline.ts --queries 0,5 --events 10000 --runner threads --output out/nexmark
 */
import { counter, definePipeline } from "../../sdk/index.js";
import { writeText } from "../../transforms/index.js";
import { DEFAULT_CONFIG, type NexmarkConfig } from "./config.js";
import { nexmarkEvents, NexmarkGenerator } from "./generator.js";
import { parseQueries, QUERIES } from "./queries/index.js";
import { stableJson } from "./stable-json.js";

/** The configuration a run's options give: Beam's defaults with the event rate of `--eventRate`. */
export function configOf(eventRate: number): NexmarkConfig {
  return { ...DEFAULT_CONFIG, eventRate };
}

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
});
