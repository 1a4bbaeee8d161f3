/**
 * Metric cells per step, and their collection into the run's {@link MetricResults}.
 * @module
 */
import type { DistributionValue, MetricResults, MetricsContainer } from "../../sdk/metrics.js";

interface DistributionCell {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** The metrics one step updated in one worker. */
export class StepMetrics implements MetricsContainer {
  readonly counters = new Map<string, number>();
  readonly distributions = new Map<string, DistributionCell>();
  readonly gauges = new Map<string, number>();

  constructor(readonly step: string) {}

  incCounter(name: string, n: number): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }

  updateDistribution(name: string, value: number): void {
    const d = this.distributions.get(name);
    if (d) {
      d.count++;
      d.sum += value;
      if (value < d.min) d.min = value;
      if (value > d.max) d.max = value;
    } else {
      this.distributions.set(name, { count: 1, sum: value, min: value, max: value });
    }
  }

  setGauge(name: string, value: number): void {
    this.gauges.set(name, value);
  }
}

/** Every step's metrics for a job; runners with several workers add up the workers' deltas (see {@link MetricsRegistry.add}). */
export class MetricsRegistry {
  private readonly steps = new Map<string, StepMetrics>();

  forStep(step: string): StepMetrics {
    let m = this.steps.get(step);
    if (!m) this.steps.set(step, (m = new StepMetrics(step)));
    return m;
  }

  /**
   * The values since the last drain, then zeroes every cell (the cells stay: operators hold them). Workers
   * report per-task deltas this way; the coordinator adds them up with {@link MetricsRegistry.add}.
   */
  drain(): MetricResults {
    const out = this.results();
    for (const s of this.steps.values()) {
      s.counters.clear();
      s.distributions.clear();
      s.gauges.clear();
    }
    return out;
  }

  /** Adds reported values (a worker's delta) into this registry. */
  add(results: MetricResults): void {
    for (const c of results.counters) this.forStep(c.step).incCounter(c.name, c.value);
    for (const d of results.distributions) {
      const mine = this.forStep(d.step);
      const cur = mine.distributions.get(d.name);
      const v = d.value;
      if (!cur) mine.distributions.set(d.name, { count: v.count, sum: v.sum, min: v.min, max: v.max });
      else Object.assign(cur, { count: cur.count + v.count, sum: cur.sum + v.sum, min: Math.min(cur.min, v.min), max: Math.max(cur.max, v.max) });
    }
    for (const g of results.gauges) this.forStep(g.step).setGauge(g.name, g.value);
  }

  results(): MetricResults {
    const steps = [...this.steps.values()].sort((a, b) => (a.step < b.step ? -1 : 1));
    const distributionValue = (d: DistributionCell): DistributionValue => ({ ...d, mean: d.sum / d.count });
    return {
      counters: steps.flatMap((s) => [...s.counters].map(([name, value]) => ({ step: s.step, name, value }))),
      distributions: steps.flatMap((s) => [...s.distributions].map(([name, d]) => ({ step: s.step, name, value: distributionValue(d) }))),
      gauges: steps.flatMap((s) => [...s.gauges].map(([name, value]) => ({ step: s.step, name, value }))),
    };
  }
}
