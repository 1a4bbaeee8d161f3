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

/** @internal The container of the step whose user code is running (runners set and restore it). */
export const metricsEnvironment: { current: MetricsContainer | undefined } = { current: undefined };

function container(kind: string, name: string): MetricsContainer {
  const c = metricsEnvironment.current;
  if (!c) throw new Error(`${kind} '${name}' updated outside of a running DoFn`);
  return c;
}

/** A sum of increments. */
export interface Counter {
  readonly name: string;
  inc(n?: number): void;
  dec(n?: number): void;
}

/** Count, sum, min and max of reported values. */
export interface Distribution {
  readonly name: string;
  update(value: number): void;
}

/** The latest reported value. */
export interface Gauge {
  readonly name: string;
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
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** One metric's committed value in one step. */
export interface MetricResult<V> {
  /** Full name of the step that updated it. */
  readonly step: string;
  readonly name: string;
  readonly value: V;
}

/** All metrics of a finished run. */
export interface MetricResults {
  readonly counters: readonly MetricResult<number>[];
  readonly distributions: readonly MetricResult<DistributionValue>[];
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
