import { expect } from "chai";
import { queryMetrics, type PipelineDefinition } from "../../sdk/index.js";
import { matrixRunners, ORDER_SEED, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/event-time-lateness.cases.js";

/** Each case with the drop counter its GroupByKey step must report, and the count (absent: no such counter). */
const DROPPED: readonly [PipelineDefinition, string, "droppedDueToLateness" | "droppedDueToClosedWindow", number | undefined][] = [
  [cases.droppedBeyondAllowedLateness, cases.GROUP_STEP, "droppedDueToLateness", 2],
  [cases.lateDataWithoutLatenessIsDropped, cases.GROUP_STEP, "droppedDueToLateness", 4],
  [cases.droppedInAWindowedCombine, "Sum/CombinePerKey/GroupByKey", "droppedDueToLateness", 1],
  [cases.droppedAfterTheOnTimePane, cases.GROUP_STEP, "droppedDueToLateness", 1],
  [cases.droppedAfterTheOnTimePane, cases.GROUP_STEP, "droppedDueToClosedWindow", undefined],
  [cases.withTimestampsInAStream, "CountPerElement/CountPerKey/CombinePerKey/GroupByKey", "droppedDueToLateness", undefined],
  [cases.rewindowedJoinResultsAreLate, cases.GROUP_STEP, "droppedDueToLateness", cases.REWINDOWED_DROPPED],
];

describe("Event time: lateness (TestStream transcripts)", () => {
  for (const [definition, step, counter, dropped] of DROPPED) {
    for (const runner of matrixRunners()) {
      const title = `${definition.name}: ${dropped ?? "nothing"} dropped, counted as ${counter} of ${step} [${runner}]`;
      const reason = STREAMING_UNSUPPORTED[runner];
      if (reason !== undefined) {
        it.skip(`${title} — unsupported on ${runner}: ${reason}`);
        continue;
      }
      it(title, async () => {
        const { metrics } = await definition.run({ runner, orderSeed: ORDER_SEED, quiet: true });
        const counters = queryMetrics(metrics.counters, { name: counter }).map((m) => [m.step, m.value]);
        expect(counters, `${counter} counters, by step`).to.deep.equal(dropped === undefined ? [] : [[step, dropped]]);
      });
    }
  }
});
