import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/event-time-assert.cases.js";

/** Every lookahead must match somewhere in the error text. */
function allOf(...parts: RegExp[]): RegExp {
  return new RegExp(`^${parts.map((p) => `(?=[\\s\\S]*${p.source})`).join("")}`);
}

describe("Pane assertions, withTimestamps and reify (bounded input)", () =>
  conformanceCases(cases, {
    inOnTimePaneFails: {
      expectError: allOf(
        /AssertThat\/ContainsInAnyOrder/,
        /assertThat\(sums\)\.inOnTimePane\(0:10000\)\.containsInAnyOrder failed: missing 1 element \[\{"key": "k", "value": 4000\}\]; unexpected 1 element \[\{"key": "k", "value": 3000\}\]/,
        /elements of window 0:10000 by pane \(1\):\n {4}0:10000 @9999 ON_TIME 0\/0 first last: \{"key": "k", "value": 3000\}/,
      ),
    },
    inWindowWithoutElementsFails: {
      expectError: allOf(
        /assertThat\.inWindow\(20000:30000\)\.containsInAnyOrder failed: missing 1 element/,
        /window 20000:30000 has no elements; windows with elements: 0:10000, 10000:20000/,
      ),
    },
    inLatePaneEmptyFails: {
      expectError: allOf(
        /AssertThat\/Empty/,
        /assertThat\.inFinalPane\(10000:20000\)\.empty failed: expected no elements \(got 1 element \[\{"key": "k", "value": 15000\}\]\)/,
      ),
    },
    panesFail: {
      expectError: allOf(
        /assertThat\(sums\)\.panes\(\)\.containsInAnyOrder failed: missing 1 element \[10000:20000 @19999 LATE 1\/1 last: \{"key": "k", "value": 15000\}\]; unexpected 1 element \[10000:20000 @19999 ON_TIME 0\/0 first last: \{"key": "k", "value": 15000\}\] \(expected 2 elements, got 2\)/,
        /actual \(2\):\n {4}0:10000 @9999 ON_TIME 0\/0 first last: \{"key": "k", "value": 3000\}\n {4}10000:20000 @19999 ON_TIME 0\/0 first last/,
      ),
    },
    panesSatisfiesFails: {
      expectError: allOf(/AssertThat\/Satisfies/, /assertThat\.panes\(\)\.satisfies failed: the check returned false \(got 2 elements\)\n {4}0:10000 @9999 ON_TIME/),
    },
    withTimestampsNaN: {
      expectError: allOf(/WithTimestamps\/AddTimestamps/, /withTimestamps: the timestamp function returned NaN/, /element: .*10:00/),
    },
    withTimestampsFraction: {
      expectError: allOf(/Stamp\/AddTimestamps/, /returned 1\.5, not a whole number of milliseconds/, /element: 1\.5/),
    },
    withTimestampsOutOfRange: {
      expectError: allOf(/WithTimestamps\/AddTimestamps/, /returned 9000000000000000, outside the valid range/),
    },
    withTimestampsDate: {
      expectError: allOf(/WithTimestamps\/AddTimestamps/, /returned a Date .*; return its getTime\(\)/),
    },
  }));
