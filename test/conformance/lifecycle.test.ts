import { expect } from "chai";
import { queryMetrics, type PipelineResult } from "../../sdk/index.js";
import { conformanceCases, matrixRunners, ORDER_SEED } from "./matrix.js";
import * as cases from "./cases/lifecycle.cases.js";
import { LIFECYCLE_COUNTERS, LIFECYCLE_ELEMENTS } from "./cases/lifecycle.cases.js";

/** The value of one of the Checked step's counters (0 when never incremented). */
function count(result: PipelineResult, name: string): number {
  return queryMetrics(result.metrics.counters, { name, step: "Checked" }).reduce((sum, m) => sum + m.value, 0);
}

describe("DoFn lifecycle", () => {
  conformanceCases(cases, {
    setupFails: { expectError: /^(?=[\s\S]*Connect)(?=[\s\S]*setup)(?=[\s\S]*cannot connect to the database)(?![\s\S]*called after)/ },
    finishBundleFails: { expectError: /^(?=[\s\S]*Flush)(?=[\s\S]*finishBundle)(?=[\s\S]*flush failed)/ },
  });

  // The cases check the order of calls as they happen; these check the totals.
  for (const runner of matrixRunners()) {
    for (const definition of [cases.lifecycleOrder, cases.lifecycleAsync, cases.lifecycleAfterGroupByKey]) {
      it(`${definition.name} calls each method the right number of times [${runner}]`, async () => {
        const result = await definition.run({ runner, orderSeed: ORDER_SEED, quiet: true });
        const process = count(result, LIFECYCLE_COUNTERS.process);
        const setups = count(result, LIFECYCLE_COUNTERS.setup);
        const starts = count(result, LIFECYCLE_COUNTERS.startBundle);
        const finishes = count(result, LIFECYCLE_COUNTERS.finishBundle);
        const expectedProcess = definition === cases.lifecycleAfterGroupByKey ? 10 : LIFECYCLE_ELEMENTS;
        expect(process, "process calls").to.equal(expectedProcess);
        expect(setups, "setup calls").to.be.at.least(1);
        expect(starts, "startBundle calls").to.be.at.least(1);
        expect(finishes, "finishBundle calls (one per startBundle)").to.equal(starts);
        expect(starts, "bundles (at most one per element)").to.be.at.most(expectedProcess);
      });
    }
  }
});
