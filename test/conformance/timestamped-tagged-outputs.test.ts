import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/timestamped-tagged-outputs.cases.js";

/** Every lookahead must match somewhere in the error text. */
function allOf(...parts: RegExp[]): RegExp {
  return new RegExp(`^${parts.map((p) => `(?=[\\s\\S]*${p.source})`).join("")}`);
}

describe("Tagged outputs with a timestamp", () =>
  conformanceCases(cases, {
    taggedOutputTimestampBeyondSkew: {
      expectError: allOf(/step 'Shift' failed/, /outputTo\('later'\): cannot move a timestamp backwards/, /allowed skew 999 ms/, /element: \{ id: '(a|b)'/),
    },
    taggedOutputInvalidTimestamp: {
      expectError: allOf(/step 'Shift' failed/, /outputTo\('later'\): invalid timestamp 5000\.5|outputTo\('later'\): invalid timestamp 9800\.5/),
    },
    statefulTaggedOutputBeforeTimerFails: {
      expectError: allOf(/Stateful/, /outputTo\('at'\): cannot move a timestamp backwards from 1970-01-01T00:00:00\.050Z to 1970-01-01T00:00:00\.049Z/),
    },
  }));
