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

/** Every step's metrics for a job; runners with several workers merge their registries (sum counters, ...). */
export class MetricsRegistry {
  private readonly steps = new Map<string, StepMetrics>();

  forStep(step: string): StepMetrics {
    let m = this.steps.get(step);
    if (!m) this.steps.set(step, (m = new StepMetrics(step)));
    return m;
  }

  /** Adds another registry's values into this one (counters and distributions add up; a gauge takes the later). */
  merge(other: MetricsRegistry): void {
    for (const s of other.steps.values()) {
      const mine = this.forStep(s.step);
      for (const [n, v] of s.counters) mine.incCounter(n, v);
      for (const [n, d] of s.distributions) {
        const cur = mine.distributions.get(n);
        if (!cur) mine.distributions.set(n, { ...d });
        else Object.assign(cur, { count: cur.count + d.count, sum: cur.sum + d.sum, min: Math.min(cur.min, d.min), max: Math.max(cur.max, d.max) });
      }
      for (const [n, v] of s.gauges) mine.setGauge(n, v);
    }
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
