import { conformanceCases, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/event-time-errors.cases.js";

/** Every lookahead must match somewhere in the error text. */
function allOf(...parts: RegExp[]): RegExp {
  return new RegExp(`^${parts.map((p) => `(?=[\\s\\S]*${p.source})`).join("")}`);
}

describe("Event time: bad input", () =>
  conformanceCases(cases, {
    afterCountZero: { expectError: /AfterCount\(0\): the element count must be a positive integer/ },
    handBuiltAfterCountZero: { expectError: /^Every0: invalid trigger: AfterCount\(0\): the element count must be a positive integer/ },
    testStreamWatermarkBackwards: { expectError: /TestStream\.advanceWatermarkTo: the watermark cannot move backwards \(from 1970-01-01T00:00:00\.010Z to 1970-01-01T00:00:00\.005Z\)/ },
    testStreamInvalidTimestamp: { expectError: /TestStream\.addElements: invalid timestamp NaN/ },
    unsafeTriggerAtGroupByKey: { expectError: /^Group: the trigger AfterCount\(2\) may finish before the window is garbage collected/ },
    unboundedGlobalWindowDefaultTrigger: { expectError: /^Group: an unbounded PCollection in the global window with the default trigger would never emit/ },
    triggerWithoutAllowedLateness: { expectError: /^Window: the trigger AfterCount\(1\) needs allowedLateness/ },
    sessionsGroupedTwice: { expectError: /^Twice: its windows cannot be grouped again/ },
    withTimestampsInAStream: {
      expectError: allOf(/^step 'WithTimestamps\/AddTimestamps' failed: RangeError: withTimestamps: the timestamp function/, /returned Infinity, outside the valid range/, /element: 2/),
      unsupported: STREAMING_UNSUPPORTED,
    },
  }));
