/**
 * Memory over a long unbounded run: 20M events from generateSequence (event time 1 ms apart, so the watermark
 * advances as they are read), counted per key (10 000 keys) in fixed one-minute windows with the default trigger,
 * on the direct runner. Every closed window's state must be released when the watermark passes it (its end plus
 * the allowed lateness), so memory stays flat however long the run. Every second the bench samples RSS and the
 * live heap (heap used right after a forced full GC, so the sawtooth of garbage does not hide a trend), and
 * reports the peaks and the slopes while the source is read, after warm-up (the first 20% of those samples), per
 * million events.
 *
 * `--latenessMs` keeps windows longer: 60000 still releases them (a minute of event time later, by the general
 * trigger driver instead of the default trigger's fast path); a lateness longer than the whole run (e.g.
 * 100000000) releases nothing until the end, the control that shows what growth looks like.
 *
 *   npx tsx bench/streaming-memory.ts [--events 20000000] [--keys 10000] [--windowMs 60000] [--latenessMs 0] [--sampleMs 1000]
 */
import v8 from "node:v8";
import vm from "node:vm";
import { FixedWindows, counter, kv, Pipeline, queryMetrics, windowInto } from "../sdk/index.js";
import { countPerKey, generateSequence } from "../transforms/index.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const EVENTS = arg("events", 20_000_000);
const KEYS = arg("keys", 10_000);
const WINDOW_MS = arg("windowMs", 60_000);
const SAMPLE_MS = arg("sampleMs", 1000);
const LATENESS_MS = arg("latenessMs", 0);
// A full GC on demand, without asking for a node flag on the command line.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const BASE = Date.UTC(2026, 0, 1);
const MiB = 2 ** 20;

/** Events through the pipeline so far (the direct runner runs in this process, so a plain variable sees them). */
let seen = 0;
const counts = counter("counts");

const p = new Pipeline();
p.apply(generateSequence({ to: EVENTS, timestampFn: (n) => BASE + n }))
  .apply(windowInto(new FixedWindows(WINDOW_MS), LATENESS_MS > 0 ? { allowedLateness: LATENESS_MS, accumulation: "DISCARDING" } : {}))
  .map((n) => {
    seen++;
    return kv(n % KEYS, 1);
  }, "KeyByUser")
  .apply(countPerKey())
  .map(() => counts.inc(), "CountOutputs");

interface Sample {
  readonly seconds: number;
  readonly events: number;
  readonly rssMb: number;
  /** Heap used after a full GC: what is really retained. */
  readonly liveHeapMb: number;
}
const samples: Sample[] = [];
const t0 = performance.now();
const sample = (): void => {
  const rss = process.memoryUsage.rss();
  gc();
  samples.push({ seconds: (performance.now() - t0) / 1000, events: seen, rssMb: rss / MiB, liveHeapMb: process.memoryUsage().heapUsed / MiB });
};
sample();
// The direct runner lets the event loop run every few ms during a run with unbounded sources, so this fires.
const timer = setInterval(sample, SAMPLE_MS);
const result = await p.run({ runner: "direct", quiet: true, enforceImmutability: false });
clearInterval(timer);
sample();

/** Least-squares slope of y over x. */
function slope(points: readonly Sample[], x: (s: Sample) => number, y: (s: Sample) => number): number {
  const n = points.length;
  const mx = points.reduce((a, s) => a + x(s), 0) / n;
  const my = points.reduce((a, s) => a + y(s), 0) / n;
  const sxy = points.reduce((a, s) => a + (x(s) - mx) * (y(s) - my), 0);
  const sxx = points.reduce((a, s) => a + (x(s) - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

// While the source was being read, after warm-up: the last samples, taken as the run fires and releases its last
// windows, would bend the line.
const reading = samples.filter((s) => s.events < EVENTS);
const steady = reading.slice(Math.floor(reading.length * 0.2));
const windows = Math.ceil(EVENTS / WINDOW_MS);
const outputs = queryMetrics(result.metrics.counters, { name: "counts" }).reduce((n, m) => n + m.value, 0);
process.stdout.write(
  `Streaming memory: ${EVENTS.toLocaleString("en")} events, ${KEYS} keys, ${windows} windows of ${WINDOW_MS} ms, allowed lateness ${LATENESS_MS} ms\n`,
);
console.table(
  samples.map((s) => ({ s: Number(s.seconds.toFixed(1)), "events (M)": Number((s.events / 1e6).toFixed(2)), "RSS MiB": Math.round(s.rssMb), "live heap MiB": Math.round(s.liveHeapMb) })),
);
const report = {
  bench: "streaming-memory",
  events: EVENTS,
  windows,
  counts: outputs,
  seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  latenessMs: LATENESS_MS,
  peakRssMb: Math.round(Math.max(...samples.map((s) => s.rssMb))),
  peakLiveHeapMb: Math.round(Math.max(...samples.map((s) => s.liveHeapMb))),
  rssSlopeMbPerMillionEvents: Number(slope(steady, (s) => s.events / 1e6, (s) => s.rssMb).toFixed(2)),
  rssSlopeMbPerSecond: Number(slope(steady, (s) => s.seconds, (s) => s.rssMb).toFixed(2)),
  liveHeapSlopeMbPerMillionEvents: Number(slope(steady, (s) => s.events / 1e6, (s) => s.liveHeapMb).toFixed(2)),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
