import { expect } from "chai";
import { queryMetrics, type PipelineDefinition } from "../../sdk/index.js";
import { matrixRunners, ORDER_SEED, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/event-time-lateness.cases.js";

/** Each case with how many elements its GroupByKey step must report as dropped for lateness. */
const DROPPED: readonly [PipelineDefinition, string, number][] = [
  [cases.droppedBeyondAllowedLateness, cases.GROUP_STEP, 2],
  [cases.lateDataWithoutLatenessIsDropped, cases.GROUP_STEP, 4],
  [cases.droppedInAWindowedCombine, "Sum/CombinePerKey/GroupByKey", 1],
];

describe("Event time: lateness (TestStream transcripts)", () => {
  for (const [definition, step, dropped] of DROPPED) {
    for (const runner of matrixRunners()) {
      const title = `${definition.name}: ${dropped} dropped, counted as droppedDueToLateness of ${step} [${runner}]`;
      const reason = STREAMING_UNSUPPORTED[runner];
      if (reason !== undefined) {
        it.skip(`${title} — unsupported on ${runner}: ${reason}`);
        continue;
      }
      it(title, async () => {
        const { metrics } = await definition.run({ runner, orderSeed: ORDER_SEED, quiet: true });
        const counters = queryMetrics(metrics.counters, { name: "droppedDueToLateness" }).map((m) => [m.step, m.value]);
        expect(counters, "droppedDueToLateness counters, by step").to.deep.equal([[step, dropped]]);
      });
    }
  }
});
