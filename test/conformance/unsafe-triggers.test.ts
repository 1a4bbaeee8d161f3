import { expect } from "chai";
import { queryMetrics } from "../../sdk/index.js";
import { conformanceCases, matrixRunners, ORDER_SEED, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/unsafe-triggers.cases.js";

const ALLOW = { allowUnsafeTriggers: true };

describe("Unsafe triggers with --allowUnsafeTriggers (TestStream transcripts)", () => {
  conformanceCases(cases, {}, { unsupported: STREAMING_UNSUPPORTED, options: ALLOW });

  for (const runner of matrixRunners()) {
    it(`finishingTriggerDropsLaterData: ${cases.FINISHING_DROPPED} dropped, counted as droppedDueToClosedWindow of ${cases.GROUP_STEP} [${runner}]`, async () => {
      const { metrics } = await cases.finishingTriggerDropsLaterData.run({ runner, orderSeed: ORDER_SEED, quiet: true, ...ALLOW });
      const counters = queryMetrics(metrics.counters, { name: "droppedDueToClosedWindow" }).map((m) => [m.step, m.value]);
      expect(counters).to.deep.equal([[cases.GROUP_STEP, cases.FINISHING_DROPPED]]);
    });
  }
});

describe("Unsafe triggers without --allowUnsafeTriggers are refused at construction", () => {
  it("a finishing trigger", () => {
    expect(() => cases.finishingTriggerDropsLaterData.build({})).to.throw(/^Group: the trigger AfterCount\(2\) may finish .*--allowUnsafeTriggers/);
  });
  it("the default trigger on unbounded global-window input", () => {
    expect(() => cases.defaultTriggerOnUnboundedGlobalInput.build({})).to.throw(/^Group: an unbounded PCollection in the global window .*--allowUnsafeTriggers/);
  });
});
