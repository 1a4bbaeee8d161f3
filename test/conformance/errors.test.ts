import { conformanceCases, matrixRunners, type CaseOptions } from "./matrix.js";
import * as cases from "./cases/errors.cases.js";

/** Every lookahead must match somewhere in the error text. */
function allOf(...parts: RegExp[]): RegExp {
  return new RegExp(`^${parts.map((p) => `(?=[\\s\\S]*${p.source})`).join("")}`);
}

/** Immutability is checked by the direct runner only (it is a development aid, like Beam's DirectRunner's). */
const directOnly = (expectError: RegExp): CaseOptions => ({
  expectError,
  unsupported: Object.fromEntries(
    matrixRunners()
      .filter((r) => r !== "direct")
      .map((r) => [r, "does not enforce immutability"]),
  ),
  options: { enforceImmutability: true },
});

describe("Errors", () =>
  conformanceCases(cases, {
    doFnThrows: { expectError: allOf(/Parse\/ParseLine/, /cannot parse 'boom'/, /element: .*boom/) },
    doFnThrowsNonError: { expectError: allOf(/ThrowObject/, /E_BAD/, /element: .*id: 7/) },
    functionAsKey: { expectError: allOf(/GroupByKey/, /function cannot be a key/, /deterministic/) },
    functionAsKeyInCombine: { expectError: allOf(/CountPerElement/, /function cannot be a key/) },
    symbolInKey: { expectError: allOf(/GroupByKey/, /symbol cannot be a key/) },
    notAKvIntoGroupByKey: { expectError: allOf(/GroupByKey/, /must be KV objects/) },
    combineFnThrows: { expectError: allOf(/SumPositive/, /RangeError: negative input -1/) },
    timestampMovedBackwards: { expectError: allOf(/MoveBack/, /backwards/, /allowedTimestampSkew/) },
    mutatesInput: directOnly(allOf(/Increment/, /read.only|frozen|not extensible|Cannot assign/i)),
    mutatesCreatedElement: directOnly(allOf(/Increment/, /read.only|frozen|not extensible|Cannot assign/i)),
    assertionFails: {
      expectError: allOf(
        /AssertThat\/ContainsInAnyOrder/,
        /assertThat\(numbers\)\.containsInAnyOrder failed: missing 1 element \[4\]; unexpected 1 element \[3\]/,
        /expected \(3\): \[1, 2, 4\]/,
        /actual \(3\): \[1, 2, 3\]/,
      ),
    },
  }));
