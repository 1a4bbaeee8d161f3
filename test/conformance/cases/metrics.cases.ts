/**
 * User metrics: counters, distributions and gauges updated in DoFns are reported in the pipeline result under
 * the step that updated them. The pipelines only update metrics; `metrics.test.ts` checks the values.
 */
import { counter, definePipeline, distribution, gauge, type ProcessContext } from "../../../sdk/index.js";
import { create } from "../../../transforms/index.js";
import { range } from "./support.js";

/** Elements of {@link allMetricKinds}: 1..10. */
export const METRIC_INPUT = range(1, 11);

export const allMetricKinds = definePipeline(import.meta, {
  name: "allMetricKinds",
  build(p) {
    const seen = counter("seen");
    const evens = counter("evens");
    const down = counter("down");
    const sizes = distribution("sizes");
    const level = gauge("level");
    p.apply(create(METRIC_INPUT)).parDo(
      {
        process(n: number, ctx: ProcessContext<number>) {
          seen.inc();
          if (n % 2 === 0) evens.inc(2);
          down.dec();
          sizes.update(n);
          level.set(42); // the same from every element, so the order of updates does not matter
          ctx.output(n);
        },
      },
      { name: "Measure" },
    );
  },
});

export const sameNameInTwoSteps = definePipeline(import.meta, {
  name: "sameNameInTwoSteps",
  build(p) {
    const items = counter("items");
    const numbers = p.apply(create(range(0, 5)));
    const first = numbers.map((n) => {
      items.inc();
      return n;
    }, "First");
    first
      .filter((n) => n > 2, "KeepBig")
      .map((n) => {
        items.inc(10);
        return n;
      }, "Second");
  },
});

export const metricsInNestedStep = definePipeline(import.meta, {
  name: "metricsInNestedStep",
  build(p) {
    const hits = counter("hits");
    p.apply(create(["a", "b"])).apply("Outer", {
      name: "Outer",
      expand: (words) =>
        words.map((w) => {
          hits.inc();
          return w;
        }, "Inner"),
    });
  },
});

export const metricsOutsideDoFn = definePipeline(import.meta, {
  name: "metricsOutsideDoFn",
  build() {
    // Updating a metric while building (not inside a running DoFn) is a mistake reported at once.
    counter("tooEarly").inc();
  },
});

/**
 * Metrics updated while a generator given to flatMap runs (between its items, as downstream steps run) and in
 * the filter and map it feeds: each update counts for the step whose function made it.
 */
export const metricsAcrossElementWiseSteps = definePipeline(import.meta, {
  name: "metricsAcrossElementWiseSteps",
  build(p) {
    const made = counter("made");
    const kept = counter("kept");
    const mapped = counter("mapped");
    p.apply(create([2, 3]))
      .flatMap(function* (n: number) {
        for (let i = 0; i < n; i++) {
          made.inc();
          yield i;
        }
      }, "Expand")
      .filter((i) => {
        kept.inc();
        return i > 0;
      }, "Positive")
      .map((i) => {
        mapped.inc();
        return i * 2;
      }, "Double");
  },
});
