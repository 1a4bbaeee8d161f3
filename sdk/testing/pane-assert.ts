/**
 * Window- and pane-aware assertions (Beam's `PAssert.inWindow`, `inOnTimePane`, ...): what an assertion sees of
 * each element besides its value, and how it picks the elements of one window and pane kind.
 *
 * An assertion that looks at windows or panes first reifies them into the element, with a ParDo that reads
 * `ctx.window`, `ctx.pane` and `ctx.timestamp`, and only then re-windows into the global window (which would
 * otherwise erase them):
 *
 * ```
 *  pcoll ── ReifyPanes ──► PaneRecord { window, value, timestamp, timing, isFirst, isLast, index, ... }
 *        ── WindowInto(global) ──► asIterable view ──► <Assertion>: select by window and pane, compare
 * ```
 *
 * Windows are identified by their `id` (`"0:10"` for the interval window `[0, 10)`, `"global"`), which is plain
 * data and equal for equal windows on every runner, where a window object would lose its class on the way
 * between workers.
 * @module
 */
import type { DoFn, ProcessContext } from "../model/dofn.js";
import type { PaneTiming } from "../model/pane.js";
import { END_OF_GLOBAL_WINDOW, TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE, type Instant } from "../model/time.js";
import type { BoundedWindow } from "../model/window.js";
import { canonicalString } from "./canonical.js";
import { MAX_ELEMENT_CHARS, MAX_LISTED_ELEMENTS, multisetDiff } from "./mismatch.js";

/**
 * One element of a PCollection with everything a pane assertion can check: its window (by id), its value, its
 * timestamp, and the pane it came from. A GroupByKey or combine emits one element per key and pane, so the records
 * of a grouped PCollection are its panes.
 * @typeParam T the element type
 * @example
 * // The ON_TIME pane of key "k" in [0, 10), summing to 6, at the end of the window:
 * const record: PaneRecord<KV<string, number>> = {
 *   window: "0:10", value: kv("k", 6), timestamp: 9,
 *   timing: "ON_TIME", isFirst: true, isLast: true, index: 0, nonSpeculativeIndex: 0,
 * };
 */
export interface PaneRecord<T> {
  /** The window's {@link BoundedWindow.id}: `"start:end"` for interval windows, `"global"` for the global one. */
  readonly window: string;
  /** The element. */
  readonly value: T;
  /** The element's event timestamp. */
  readonly timestamp: Instant;
  /** EARLY, ON_TIME, LATE, or UNKNOWN for elements that did not come out of a trigger firing. */
  readonly timing: PaneTiming;
  /** The first pane of its key and window. */
  readonly isFirst: boolean;
  /** The last pane of its key and window. */
  readonly isLast: boolean;
  /** The pane's index among the panes of its key and window, from 0. */
  readonly index: number;
  /** The index among the ON_TIME and LATE panes only; -1 for EARLY panes. */
  readonly nonSpeculativeIndex: number;
}

/**
 * Which panes of a window a scoped assertion looks at (Beam's `PaneExtractors`): `all` (`inWindow`), `onTime`
 * (`inOnTimePane`), `final` (`inFinalPane`: panes with `isLast`), `early` (every EARLY pane), `late` (every LATE
 * pane), `nonLate` (EARLY and ON_TIME panes, `inCombinedNonLatePanes`).
 * @example
 * const selection: PaneSelection = "onTime"; // what assertThat(pc).inOnTimePane(w) looks at
 */
export type PaneSelection = "all" | "onTime" | "final" | "early" | "late" | "nonLate";

/** The assertion method of each selection, for messages. */
const SELECTION_METHOD: Readonly<Record<PaneSelection, string>> = {
  all: "inWindow",
  onTime: "inOnTimePane",
  final: "inFinalPane",
  early: "inEarlyPane",
  late: "inLatePane",
  nonLate: "inCombinedNonLatePanes",
};

/**
 * The DoFn that turns each element into its {@link PaneRecord} (keeping its timestamp, window and pane).
 * @example
 * const records = sums.parDo(reifyPanesFn(), { name: "ReifyPanes" });
 */
export function reifyPanesFn<T>(): DoFn<T, PaneRecord<T>> {
  return {
    process(value: T, ctx: ProcessContext<PaneRecord<T>>) {
      const { pane } = ctx;
      ctx.output({
        window: ctx.window.id,
        value,
        timestamp: ctx.timestamp,
        timing: pane.timing,
        isFirst: pane.isFirst,
        isLast: pane.isLast,
        index: pane.index,
        nonSpeculativeIndex: pane.nonSpeculativeIndex,
      });
    },
  };
}

/**
 * The id a window argument stands for: a window's `id`, or a string taken as an id.
 * @example
 * windowId(new IntervalWindow(0, 10)); // "0:10"
 */
export function windowId(window: BoundedWindow | string): string {
  if (typeof window === "string") return window;
  if (typeof window?.id !== "string") throw new TypeError(`expected a window (with an id) or a window id, got ${String(window)}`);
  return window.id;
}

/**
 * How a scoped assertion names itself in messages.
 * @example
 * describeSelection("onTime", "0:10"); // "inOnTimePane(0:10)"
 */
export function describeSelection(selection: PaneSelection, window: string): string {
  return `${SELECTION_METHOD[selection]}(${window})`;
}

/** Whether a record is in the selected panes of the window. */
function selected(record: PaneRecord<unknown>, selection: PaneSelection): boolean {
  switch (selection) {
    case "all":
      return true;
    case "onTime":
      return record.timing === "ON_TIME";
    case "final":
      return record.isLast;
    case "early":
      return record.timing === "EARLY";
    case "late":
      return record.timing === "LATE";
    case "nonLate":
      return record.timing !== "LATE";
  }
}

/**
 * The values of the records in the selected panes of one window.
 * @example
 * selectValues(records, "0:10", "onTime"); // the values of the ON_TIME panes of [0, 10)
 */
export function selectValues<T>(records: readonly PaneRecord<T>[], window: string, selection: PaneSelection): T[] {
  const values: T[] = [];
  for (const r of records) if (r.window === window && selected(r, selection)) values.push(r.value);
  return values;
}

/**
 * One line describing a record: window, timestamp, pane (timing, index/nonSpeculativeIndex, first, last), then the
 * value, so a cut-off long value never hides the pane.
 * @example
 * formatPane({ window: "0:10", value: kv("k", 6), timestamp: 9, timing: "ON_TIME", isFirst: true, isLast: true, index: 0, nonSpeculativeIndex: 0 });
 * // '0:10 @9 ON_TIME 0/0 first last: {"key": "k", "value": 6}'
 */
export function formatPane(record: PaneRecord<unknown>): string {
  const flags = `${record.isFirst ? " first" : ""}${record.isLast ? " last" : ""}`;
  const head = `${record.window} @${formatTimestamp(record.timestamp)} ${record.timing} ${record.index}/${record.nonSpeculativeIndex}${flags}`;
  return truncate(`${head}: ${canonicalString(record.value)}`, head.length + 2 + MAX_ELEMENT_CHARS);
}

/**
 * The message of a failed comparison of pane records (`assertThat(pc).panes().containsInAnyOrder(...)`), or
 * `undefined` when they are equal as multisets. The first line says what is missing and unexpected; then the
 * expected and actual records follow one a line, ordered by window, pane index and value, so they read as a
 * transcript.
 * @example
 * describePaneMismatch("assertThat(sums).panes().containsInAnyOrder", expected, actual);
 * // assertThat(sums).panes().containsInAnyOrder failed: missing 1 element [0:10 @9 ON_TIME 1/0: ...]; ...
 */
export function describePaneMismatch(what: string, expected: readonly PaneRecord<unknown>[], actual: readonly PaneRecord<unknown>[]): string | undefined {
  const { missing, unexpected } = multisetDiff(expected, actual);
  if (missing.length === 0 && unexpected.length === 0) return undefined;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${plural(missing.length)} ${inline(missing as PaneRecord<unknown>[])}`);
  if (unexpected.length > 0) parts.push(`unexpected ${plural(unexpected.length)} ${inline(unexpected as PaneRecord<unknown>[])}`);
  return [
    `${what} failed: ${parts.join("; ")} (expected ${plural(expected.length)}, got ${actual.length})`,
    `  expected (${expected.length}):${listed(expected)}`,
    `  actual (${actual.length}):${listed(actual)}`,
  ].join("\n");
}

/**
 * The message of a failed check (`empty`, `satisfies`) on pane records, listing them one a line.
 * @example
 * describePaneCheckFailure("assertThat.panes().empty", "expected no elements", records);
 */
export function describePaneCheckFailure(what: string, reason: string, actual: readonly PaneRecord<unknown>[]): string {
  return `${what} failed: ${reason} (got ${plural(actual.length)})${listed(actual)}`;
}

/**
 * What the PCollection holds in one window, pane by pane, for the message of a failed scoped assertion: which
 * panes there were (so a missing ON_TIME pane or a LATE pane where an ON_TIME one was expected shows at once),
 * or, if none, which windows have elements.
 * @example
 * describeWindowPanes(records, "0:10");
 * // "  panes in window 0:10 (2): 0:10 @9 EARLY 0/-1 first: ..., 0:10 @9 ON_TIME 1/0 last: ..."
 */
export function describeWindowPanes(records: readonly PaneRecord<unknown>[], window: string): string {
  const inWindow = records.filter((r) => r.window === window);
  if (inWindow.length > 0) return `  elements of window ${window} by pane (${inWindow.length}):${listed(inWindow)}`;
  const windows = [...new Set(records.map((r) => r.window))].sort(compareWindowIds);
  const shown = windows.slice(0, MAX_LISTED_ELEMENTS).join(", ") + (windows.length > MAX_LISTED_ELEMENTS ? `, ... and ${windows.length - MAX_LISTED_ELEMENTS} more` : "");
  return `  window ${window} has no elements; ${windows.length === 0 ? "the PCollection is empty" : `windows with elements: ${shown}`}`;
}

/** Records ordered as a transcript: by window (numerically for interval ids), pane index, then text. */
function sortRecords(records: readonly PaneRecord<unknown>[]): { record: PaneRecord<unknown>; text: string }[] {
  return records
    .map((record) => ({ record, text: formatPane(record) }))
    .sort(
      (a, b) =>
        compareWindowIds(a.record.window, b.record.window) ||
        a.record.index - b.record.index ||
        (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
    );
}

/** Interval ids (`start:end`) by start then end; other ids by their text, after them. */
function compareWindowIds(a: string, b: string): number {
  const ia = intervalOf(a);
  const ib = intervalOf(b);
  if (ia && ib) return ia[0] - ib[0] || ia[1] - ib[1];
  if (ia || ib) return ia ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function intervalOf(id: string): [number, number] | undefined {
  const m = /^(-?\d+):(-?\d+)$/.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** `[a, b, ... and 3 more]` on one line, for the summary line. */
function inline(records: readonly PaneRecord<unknown>[]): string {
  const sorted = sortRecords(records);
  const shown = sorted.slice(0, MAX_LISTED_ELEMENTS).map((e) => e.text);
  if (sorted.length > MAX_LISTED_ELEMENTS) shown.push(`... and ${sorted.length - MAX_LISTED_ELEMENTS} more`);
  return `[${shown.join(", ")}]`;
}

/** One record a line (indented), or ` []`. */
function listed(records: readonly PaneRecord<unknown>[]): string {
  if (records.length === 0) return " []";
  const sorted = sortRecords(records);
  const lines = sorted.slice(0, MAX_LISTED_ELEMENTS).map((e) => `\n    ${e.text}`);
  if (sorted.length > MAX_LISTED_ELEMENTS) lines.push(`\n    ... and ${sorted.length - MAX_LISTED_ELEMENTS} more`);
  return lines.join("");
}

/** Milliseconds as a number (transcripts use small ones), the ends of time by name. */
function formatTimestamp(t: Instant): string {
  if (t <= TIMESTAMP_MIN_VALUE) return "-inf";
  if (t >= TIMESTAMP_MAX_VALUE) return "+inf";
  if (t === END_OF_GLOBAL_WINDOW) return "end-of-global-window";
  return String(t);
}

function plural(n: number): string {
  return n === 1 ? "1 element" : `${n} elements`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
