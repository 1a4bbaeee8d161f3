// One measured run of the reference implementation (`reference <query> <events> <eventRate>`), in a process of
// its own (start-up included, as the pipeline's runs under `sluice run`; run.ts compiles this file with esbuild
// first). Prints one JSON line: run ms, CPU ms, results, events read and peak RSS.
import { NexmarkGenerator } from "./generator.js";
import { configOf } from "./config.js";
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
} else {
  throw new Error(`usage: run-one.ts reference <query> <events> <eventRate>`);
}
process.exit(0);
