import { expect } from "chai";
import { END_OF_GLOBAL_WINDOW, IntervalWindow, GLOBAL_WINDOW, kv } from "../../../sdk/index.js";
import { formatPane, type PaneRecord } from "../../../sdk/testing/index.js";
import {
  describePaneCheckFailure,
  describePaneMismatch,
  describeSelection,
  describeWindowPanes,
  selectValues,
  windowId,
} from "../../../sdk/testing/pane-assert.js";

/** A record in [0,10) of key k with pane flags from a compact spec. */
function rec(window: string, value: unknown, timestamp: number, pane: string): PaneRecord<unknown> {
  const [timing, indices, ...flags] = pane.split(" ");
  const [index, nonSpeculativeIndex] = indices!.split("/").map(Number);
  return {
    window,
    value,
    timestamp,
    timing: timing as PaneRecord<unknown>["timing"],
    isFirst: flags.includes("first"),
    isLast: flags.includes("last"),
    index: index!,
    nonSpeculativeIndex: nonSpeculativeIndex!,
  };
}

const early = rec("0:10", kv("k", 3), 9, "EARLY 0/-1 first");
const onTime = rec("0:10", kv("k", 6), 9, "ON_TIME 1/0");
const late = rec("0:10", kv("k", 7), 9, "LATE 2/1 last");
const other = rec("10:20", kv("k", 11), 19, "ON_TIME 0/0 first last");
const records = [late, other, early, onTime];

describe("testing: pane assertions", () => {
  it("formats a record as window, timestamp, pane, then value", () => {
    expect(formatPane(early)).to.equal('0:10 @9 EARLY 0/-1 first: {"key": "k", "value": 3}');
    expect(formatPane(rec("global", "x", END_OF_GLOBAL_WINDOW, "ON_TIME 3/0 last"))).to.equal('global @end-of-global-window ON_TIME 3/0 last: "x"');
  });

  it("cuts a long value, never the pane", () => {
    const text = formatPane(rec("0:10", "y".repeat(500), 9, "LATE 1/1"));
    expect(text.startsWith("0:10 @9 LATE 1/1: ")).to.equal(true);
    expect(text.endsWith('...')).to.equal(true);
    expect(text.length).to.be.lessThan(150);
  });

  it("selects the values of each kind of pane of one window", () => {
    expect(selectValues(records, "0:10", "all")).to.have.deep.members([kv("k", 3), kv("k", 6), kv("k", 7)]);
    expect(selectValues(records, "0:10", "onTime")).to.deep.equal([kv("k", 6)]);
    expect(selectValues(records, "0:10", "final")).to.deep.equal([kv("k", 7)]);
    expect(selectValues(records, "0:10", "early")).to.deep.equal([kv("k", 3)]);
    expect(selectValues(records, "0:10", "late")).to.deep.equal([kv("k", 7)]);
    expect(selectValues(records, "0:10", "nonLate")).to.have.deep.members([kv("k", 3), kv("k", 6)]);
    expect(selectValues(records, "20:30", "all")).to.deep.equal([]);
  });

  it("takes a window object or an id", () => {
    expect(windowId(new IntervalWindow(0, 10))).to.equal("0:10");
    expect(windowId(GLOBAL_WINDOW)).to.equal("global");
    expect(windowId("5:15")).to.equal("5:15");
    expect(() => windowId(undefined as never)).to.throw(TypeError, /expected a window/);
    expect(describeSelection("onTime", "0:10")).to.equal("inOnTimePane(0:10)");
    expect(describeSelection("nonLate", "global")).to.equal("inCombinedNonLatePanes(global)");
  });

  it("is undefined when the records are equal as multisets", () => {
    expect(describePaneMismatch("x", [early, onTime], [onTime, { ...early }])).to.equal(undefined);
  });

  it("says which panes are missing and unexpected, then lists both sides one a line, as a transcript", () => {
    const wrongTiming = rec("0:10", kv("k", 6), 9, "LATE 1/0");
    const message = describePaneMismatch("assertThat(sums).panes().containsInAnyOrder", [onTime, other, early], [other, wrongTiming, early])!;
    expect(message.split("\n")).to.deep.equal([
      'assertThat(sums).panes().containsInAnyOrder failed: missing 1 element [0:10 @9 ON_TIME 1/0: {"key": "k", "value": 6}]; ' +
        'unexpected 1 element [0:10 @9 LATE 1/0: {"key": "k", "value": 6}] (expected 3 elements, got 3)',
      "  expected (3):",
      '    0:10 @9 EARLY 0/-1 first: {"key": "k", "value": 3}',
      '    0:10 @9 ON_TIME 1/0: {"key": "k", "value": 6}',
      '    10:20 @19 ON_TIME 0/0 first last: {"key": "k", "value": 11}',
      "  actual (3):",
      '    0:10 @9 EARLY 0/-1 first: {"key": "k", "value": 3}',
      '    0:10 @9 LATE 1/0: {"key": "k", "value": 6}',
      '    10:20 @19 ON_TIME 0/0 first last: {"key": "k", "value": 11}',
    ]);
  });

  it("orders interval windows by start, numerically", () => {
    const a = rec("5:15", 1, 14, "ON_TIME 0/0 first last");
    const b = rec("10:20", 2, 19, "ON_TIME 0/0 first last");
    const c = rec("-10:0", 3, -1, "ON_TIME 0/0 first last");
    const message = describePaneMismatch("m", [], [b, a, c])!;
    expect(message.split("\n").slice(2)).to.deep.equal(["  actual (3):", "    -10:0 @-1 ON_TIME 0/0 first last: 3", "    5:15 @14 ON_TIME 0/0 first last: 1", "    10:20 @19 ON_TIME 0/0 first last: 2"]);
    expect(message.split("\n")[1]).to.equal("  expected (0): []");
  });

  it("bounds long lists of records", () => {
    const many = Array.from({ length: 25 }, (_, i) => rec(`${i * 10}:${i * 10 + 10}`, i, i * 10 + 9, "ON_TIME 0/0 first last"));
    const message = describePaneMismatch("m", [], many)!;
    expect(message.split("\n")[0]).to.match(/unexpected 25 elements \[0:10 .*, \.\.\. and 5 more\] \(expected 0 elements, got 25\)$/);
    expect(message.split("\n").at(-1)).to.equal("    ... and 5 more");
  });

  it("describes a failed check on records", () => {
    expect(describePaneCheckFailure("assertThat.panes().empty", "expected no elements", [other]).split("\n")).to.deep.equal([
      "assertThat.panes().empty failed: expected no elements (got 1 element)",
      '    10:20 @19 ON_TIME 0/0 first last: {"key": "k", "value": 11}',
    ]);
  });

  it("lists the panes a window had, or the windows that have elements", () => {
    expect(describeWindowPanes(records, "0:10").split("\n")).to.deep.equal([
      "  elements of window 0:10 by pane (3):",
      '    0:10 @9 EARLY 0/-1 first: {"key": "k", "value": 3}',
      '    0:10 @9 ON_TIME 1/0: {"key": "k", "value": 6}',
      '    0:10 @9 LATE 2/1 last: {"key": "k", "value": 7}',
    ]);
    expect(describeWindowPanes(records, "20:30")).to.equal("  window 20:30 has no elements; windows with elements: 0:10, 10:20");
    expect(describeWindowPanes([], "0:10")).to.equal("  window 0:10 has no elements; the PCollection is empty");
  });
});
