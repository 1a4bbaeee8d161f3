import { expect } from "chai";
import { queryMetrics } from "../../sdk/index.js";
import { matrixRunners, ORDER_SEED } from "./matrix.js";
import * as cases from "./cases/metrics.cases.js";

describe("Metrics", () => {
  for (const runner of matrixRunners()) {
    const run = (definition: typeof cases.allMetricKinds) => definition.run({ runner, orderSeed: ORDER_SEED, quiet: true });

    it(`counters, distributions and gauges are reported per step [${runner}]`, async () => {
      const { metrics } = await run(cases.allMetricKinds);
      const counters = Object.fromEntries(queryMetrics(metrics.counters, { step: "Measure" }).map((m) => [m.name, m.value]));
      expect(counters).to.deep.equal({ seen: 10, evens: 10, down: -10 });
      expect(queryMetrics(metrics.distributions, { step: "Measure", name: "sizes" }).map((m) => m.value)).to.deep.equal([
        { count: 10, sum: 55, min: 1, max: 10, mean: 5.5 },
      ]);
      expect(queryMetrics(metrics.gauges, { step: "Measure", name: "level" }).map((m) => m.value)).to.deep.equal([42]);
      expect(metrics.counters.every((m) => m.step === "Measure"), "only the step that updated metrics has them").to.equal(true);
    });

    it(`the result counts the elements of each PCollection [${runner}]`, async () => {
      const { elementCounts } = await run(cases.allMetricKinds);
      expect(elementCounts.get("Create/Read.main")).to.equal(cases.METRIC_INPUT.length);
      expect(elementCounts.get("Measure.main")).to.equal(cases.METRIC_INPUT.length);
    });

    it(`the same metric name in two steps is two metrics [${runner}]`, async () => {
      const { metrics } = await run(cases.sameNameInTwoSteps);
      const items = queryMetrics(metrics.counters, { name: "items" }).map((m) => [m.step, m.value]);
      expect(items).to.have.deep.members([
        ["First", 5],
        ["Second", 20],
      ]);
    });

    it(`metrics in a flatMap generator, a filter and a map each count for their own step [${runner}]`, async () => {
      const { metrics } = await run(cases.metricsAcrossElementWiseSteps);
      expect(metrics.counters.map((m) => [m.step, m.name, m.value])).to.have.deep.members([
        ["Expand", "made", 5],
        ["Positive", "kept", 5],
        ["Double", "mapped", 3],
      ]);
    });

    it(`a metric is named by the full name of its step [${runner}]`, async () => {
      const { metrics } = await run(cases.metricsInNestedStep);
      expect(metrics.counters.map((m) => [m.step, m.name, m.value])).to.deep.equal([["Outer/Inner", "hits", 2]]);
      expect(queryMetrics(metrics.counters, { step: "Inner" })).to.have.length(1);
    });

    it(`updating a metric outside a running DoFn is an error [${runner}]`, async () => {
      const error = await run(cases.metricsOutsideDoFn).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String((error as Error | undefined)?.message)).to.match(/counter 'tooEarly' updated outside of a running DoFn/);
    });
  }
});
