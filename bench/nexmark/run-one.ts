// One measured run, in a process of its own (start-up included, as the other benches): either the pipeline
// (`pipeline <json options>`) or the reference implementation (`reference <query> <events> <eventRate>`). Prints
// one JSON line: wall ms, results, events read, this process's peak RSS and the largest worker's.
import { queryMetrics } from "../../sdk/index.js";
import { trackChildCpu } from "../pipelines/child-cpu.js";
import { NexmarkGenerator } from "./generator.js";
import nexmark, { configOf } from "./pipeline.js";
import { reference } from "./reference.js";

const rssMb = (): number => (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
const mode = process.argv[2];

if (mode === "reference") {
  const [q, events, eventRate] = process.argv.slice(3, 6).map(Number) as [number, number, number];
  const t0 = performance.now();
  const config = configOf(eventRate);
  // Generating the events is part of the work, as in the pipeline, whose source generates them.
  const results = reference(q, new NexmarkGenerator(config).events(0, events), config).length;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, results, eventsRead: events, rssMb: rssMb(), workerRssMb: 0 })}\n`);
} else if (mode === "pipeline") {
  const options = JSON.parse(process.argv[3]!) as Record<string, unknown> & { runner: string };
  const children = options.runner === "process" ? trackChildCpu() : { stop: () => 0 };
  const t0 = performance.now();
  const result = await nexmark.run({ quiet: true, enforceImmutability: false, ...options });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage();
  const results = queryMetrics(result.metrics.counters, { name: "results" }).reduce((n, m) => n + m.value, 0);
  // Events read: the generator's output (the unbounded source's MakeEvent, or the bounded one's WithTimestamps).
  let eventsRead = 0;
  for (const [id, n] of result.elementCounts) if (/^Events\/(MakeEvent|WithTimestamps\/AddTimestamps)\./.test(id)) eventsRead = Math.max(eventsRead, n);
  process.stdout.write(
    `${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 + children.stop(), results, eventsRead, rssMb: rssMb(), workerRssMb: (result.stats?.workerMaxRssBytes ?? 0) / 2 ** 20 })}\n`,
  );
} else {
  throw new Error(`usage: run-one.ts pipeline <json options> | reference <query> <events> <eventRate>`);
}
process.exit(0);
