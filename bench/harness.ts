/**
 * Benchmark helpers: best-of-N timing and a report of each contender as a ratio to a baseline measured in the
 * same run (ratios stay meaningful on a busy or different machine; absolute times don't).
 */

export interface Timing {
  readonly name: string;
  /** Best wall time over the repeats, in ms. */
  readonly ms: number;
  /** Peak resident set size seen after the runs, in MiB. */
  readonly rssMb: number;
}

/** Runs `fn` `repeats` times (after one warm-up) and keeps the fastest. */
export async function timeBest(name: string, fn: () => unknown, repeats: number): Promise<Timing> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    globalThis.gc?.();
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { name, ms: best, rssMb: process.memoryUsage().rss / 2 ** 20 };
}

/** Prints a table of throughput ratios to the baseline and one JSON line for tooling. */
export function reportRatios(title: string, baseline: Timing, results: readonly Timing[], elements: number): void {
  const rows = [baseline, ...results].map((t) => ({
    contender: t.name,
    "ratio to baseline": Number((baseline.ms / t.ms).toFixed(3)),
    "elements/s": Math.round((elements / t.ms) * 1000),
    "best ms": Math.round(t.ms),
  }));
  process.stdout.write(`${title}\n`);
  console.table(rows);
  process.stdout.write(`${JSON.stringify({ bench: title, ratios: Object.fromEntries(rows.map((r) => [r.contender, r["ratio to baseline"]])) })}\n`);
}

/** Keeps `run` as `name`'s in `best` if it is the fastest so far (whole-process benches taking turns). */
export function keepFastest<T extends { readonly ms: number }>(best: Map<string, T>, name: string, run: T): void {
  const b = best.get(name);
  if (!b || run.ms < b.ms) best.set(name, run);
}
