import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/assert.cases.js";

describe("assertThat", () =>
  conformanceCases(cases, {
    containsFailsOnEmpty: {
      expectError: /AssertThat\/ContainsInAnyOrder[\s\S]*assertThat\(nothing\)\.containsInAnyOrder failed: missing 1 element \["x"\] \(expected 1 element, got 0\)/,
    },
    containsFailsOnDuplicates: { expectError: /containsInAnyOrder failed: unexpected 1 element \["a"\] \(expected 1 element, got 2\)/ },
    emptyFails: { expectError: /AssertThat\/Empty[\s\S]*assertThat\.empty failed: expected no elements \(got 2 elements \[1, 3\]\)/ },
    satisfiesReturnsFalse: { expectError: /AssertThat\/Satisfies[\s\S]*satisfies failed: the check returned false \(got 2 elements \[1, 2\]\)/ },
    satisfiesThrows: { expectError: /satisfies failed: the check threw: 5 is missing \(got 2 elements \[1, 2\]\)/ },
    oneOfSeveralFails: { expectError: /AssertThat2\/ContainsInAnyOrder[\s\S]*assertThat\(second\)\.containsInAnyOrder failed: missing 1 element \[3\]/ },
  }));
