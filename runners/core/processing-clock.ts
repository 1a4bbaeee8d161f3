/**
 * Processing time, as runners give it to grouping sides: the machine's clock, or — when the pipeline has a
 * TestStream — a test clock that starts at {@link TEST_CLOCK_START} and moves only when the script says so.
 * @module
 */
import type { Instant } from "../../sdk/model/time.js";
import { TEST_CLOCK_START } from "../../sdk/testing/test-stream.js";
import type { ExecutionPlan } from "./execution-plan.js";

/** The processing-time clock of a run. */
export interface ProcessingClock {
  now(): Instant;
  /** Present on the test clock only: moves it forward (a TestStream's processing-time event). */
  advance?(ms: number): void;
}

/**
 * The clock for a run of `plan`: the test clock if it has a TestStream, else real time.
 * @throws Error when the plan has more than one TestStream (they would share one test clock)
 */
export function processingClockFor(plan: ExecutionPlan): ProcessingClock {
  const testStreams = plan.stages.filter((s) => s.root.kind === "testStream").length;
  if (testStreams > 1) throw new Error("a pipeline can have at most one TestStream (they share one test clock)");
  if (testStreams === 0) return { now: () => Date.now() };
  let now = TEST_CLOCK_START;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}
