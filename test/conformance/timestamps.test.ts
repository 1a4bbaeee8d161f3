import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/timestamps.cases.js";

/** Every lookahead must match somewhere in the error text. */
function allOf(...parts: RegExp[]): RegExp {
  return new RegExp(`^${parts.map((p) => `(?=[\\s\\S]*${p.source})`).join("")}`);
}

describe("Timestamps: allowed skew, and global combines with defaults", () =>
  conformanceCases(cases, {
    withTimestampsBackwardsBeyondSkew: {
      expectError: allOf(
        /step 'Earlier\/AddTimestamps' failed/,
        /withTimestamps: the timestamp function moved a timestamp backwards from 1970-01-01T00:00:12\.000Z to 1970-01-01T00:00:11\.999Z/,
        /allowed skew of 0 ms/,
        /allowedTimestampSkew/,
        /element: \{ id: 'b', at: 12000 \}/,
      ),
    },
    outputWithTimestampBeyondSkew: {
      expectError: allOf(/step 'MoveBack' failed/, /outputWithTimestamp: cannot move a timestamp backwards/, /allowed skew 999 ms/, /element: \{ id: '(a|b)'/),
    },
    globalCombineWithDefaultsOnWindowedInput: {
      expectError: allOf(/^Total\/CombineGlobally: default values are not supported in a global combine if the input is not in the global window/, /withoutDefaults: true/),
    },
  }));
