import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { queryMetrics, type PipelineResult } from "../../sdk/index.js";
import { conformanceCases, matrixRunners, ORDER_SEED } from "./matrix.js";
import * as cases from "./cases/lifecycle.cases.js";
import { LIFECYCLE_COUNTERS, LIFECYCLE_ELEMENTS } from "./cases/lifecycle.cases.js";
import { teardownReasons } from "./cases/teardown.cases.js";

/** The teardown reasons recorded in `dir`, one per torn-down instance. */
function reasons(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.startsWith("teardown-"))
    .map((n) => n.replace(/^teardown-(.*)-[0-9a-f-]{36}$/, "$1"))
    .sort();
}

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

  for (const runner of matrixRunners()) {
    describe(`teardown reasons [${runner}]`, () => {
      let dir: string;
      beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-teardown-"));
      });
      afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

      it("a successful run tears every instance down with reason 'end-of-run'", async () => {
        await teardownReasons.run({ runner, orderSeed: ORDER_SEED, quiet: true, dir });
        const seen = reasons(dir);
        expect(seen.length, "teardowns").to.be.at.least(1);
        expect(new Set(seen)).to.deep.equal(new Set(["end-of-run"]));
      });

      it("an instance dropped after a failed bundle is torn down with reason 'discarded'", async () => {
        const outcome = await teardownReasons.run({ runner, orderSeed: ORDER_SEED, quiet: true, dir, failOnce: true, maxAttempts: 3 }).then(
          () => "ok",
          () => "failed",
        );
        const seen = reasons(dir);
        if (runner === "direct") {
          // No retries here: the run fails, and is over, so the one teardown is at its end.
          expect(outcome).to.equal("failed");
          expect(seen).to.deep.equal(["end-of-run"]);
        } else {
          // A parallel worker discards the instance of the failed bundle; the retry's instance is torn down at the end.
          expect(seen, "teardowns").to.include("discarded");
          if (outcome === "ok") expect(seen, "teardowns").to.include("end-of-run");
        }
      });
    });
  }
});
