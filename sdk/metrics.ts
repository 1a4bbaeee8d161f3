/**
 * User metrics: counters, distributions and gauges updated from inside DoFns. A metric is named by the step
 * that updates it (filled in by the runner) and the name given here, and is reported the same way by every
 * runner in the pipeline result.
 * @module
 */

/** Where metric updates go while a step's user code runs; set by the runner around each call into a DoFn. */
export interface MetricsContainer {
  incCounter(name: string, n: number): void;
  updateDistribution(name: string, value: number): void;
  setGauge(name: string, value: number): void;
}

/**
 * @internal The container of the step whose user code is running (runners set and restore it). Kept on a
 * global symbol so that even two copies of this module (a CommonJS and an ESM load of the SDK) share it.
 */
export const metricsEnvironment: { current: MetricsContainer | undefined } = ((globalThis as Record<symbol, unknown>)[
  Symbol.for("sluice.metricsEnvironment")
] ??= { current: undefined }) as { current: MetricsContainer | undefined };

function container(kind: string, name: string): MetricsContainer {
  const c = metricsEnvironment.current;
  if (!c) throw new Error(`${kind} '${name}' updated outside of a running DoFn`);
  return c;
}

/** A sum of increments, per step. Update it only while a DoFn runs (`process`, `startBundle`, ...). */
export interface Counter {
  /** The metric's name; the step is added by the runner. */
  readonly name: string;
  /** Adds `n` (default 1) to the counter of the step that is running. */
  inc(n?: number): void;
  /** Subtracts `n` (default 1) from the counter of the step that is running. */
  dec(n?: number): void;
}

/** Count, sum, min and max of reported values, per step. Update it only while a DoFn runs. */
export interface Distribution {
  /** The metric's name; the step is added by the runner. */
  readonly name: string;
  /** Reports one value to the distribution of the step that is running. */
  update(value: number): void;
}

/** The latest reported value, per step. Update it only while a DoFn runs. */
export interface Gauge {
  /** The metric's name; the step is added by the runner. */
  readonly name: string;
  /** Sets the gauge of the step that is running; the last value set wins. */
  set(value: number): void;
}

/**
 * A counter. Create it once (at module level or in the DoFn) and update it in `process`.
 * @example
 * const emptyLines = counter("emptyLines");
 * lines.parDo({ process(l, ctx) { if (!l) emptyLines.inc(); else ctx.output(l); } });
 */
export function counter(name: string): Counter {
  return {
    name,
    inc: (n = 1) => container("counter", name).incCounter(name, n),
    dec: (n = 1) => container("counter", name).incCounter(name, -n),
  };
}

/**
 * A distribution (count, sum, min, max, mean).
 * @example
 * const lineLengths = distribution("lineLength");
 * lines.map((l) => { lineLengths.update(l.length); return l; });
 */
export function distribution(name: string): Distribution {
  return { name, update: (v) => container("distribution", name).updateDistribution(name, v) };
}

/**
 * A gauge: the last value set wins.
 * @example
 * const lastSeen = gauge("lastSeenTimestamp");
 */
export function gauge(name: string): Gauge {
  return { name, set: (v) => container("gauge", name).setGauge(name, v) };
}

/** The value of a distribution metric. */
export interface DistributionValue {
  /** How many values were reported (at least 1: a distribution nobody updated is not in the results). */
  readonly count: number;
  /** The sum of the reported values. */
  readonly sum: number;
  /** The smallest reported value. */
  readonly min: number;
  /** The largest reported value. */
  readonly max: number;
  /** `sum / count`. */
  readonly mean: number;
}

/** One metric's committed value in one step. */
export interface MetricResult<V> {
  /** Full name of the step that updated it. */
  readonly step: string;
  /** The name the metric was created with (`counter(name)`, ...). */
  readonly name: string;
  /** The committed value: a counter's sum, a gauge's last value, or a distribution's summary. */
  readonly value: V;
}

/** All metrics of a finished run. */
export interface MetricResults {
  /** Every counter, one entry per step and name. */
  readonly counters: readonly MetricResult<number>[];
  /** Every distribution, one entry per step and name. */
  readonly distributions: readonly MetricResult<DistributionValue>[];
  /** Every gauge, one entry per step and name. */
  readonly gauges: readonly MetricResult<number>[];
}

/**
 * Picks metrics by name, and optionally by step (a full name, or the last part of one).
 * @example
 * queryMetrics(result.metrics.counters, { name: "emptyLines" })[0]?.value;
 */
export function queryMetrics<V>(
  results: readonly MetricResult<V>[],
  filter: { name?: string; step?: string },
): MetricResult<V>[] {
  return results.filter(
    (r) =>
      (filter.name === undefined || r.name === filter.name) &&
      (filter.step === undefined || r.step === filter.step || r.step.endsWith(`/${filter.step}`)),
  );
}
