/**
 * `assertThat`: assertions on the contents of a PCollection that are part of the pipeline, so they run on every
 * runner and a failed one fails the run (with the step `AssertThat/<Assertion>` and a message showing expected
 * against actual).
 *
 * How an assertion is built, from public primitives only:
 *
 * ```
 *  pcoll ── WindowInto(global) ──► asIterable view ─┐ (side input)
 *                                                   ▼
 *  Impulse ──────────────────────────────► <Assertion> ParDo: compare, throw on mismatch
 * ```
 *
 * Why a side input over an impulse and not a GroupByKey on one key: an empty PCollection makes no group, so a
 * GroupByKey-based check would never run and `empty()` (or a missing everything) would pass silently. The impulse
 * always fires once, and the side input is then the whole PCollection, possibly empty. The rewindowing into the
 * global window makes the impulse's (global) window see every element whatever the input's windowing.
 *
 * Assertions on windows and panes (`inWindow`, `inOnTimePane`, ..., `panes()`) reify each element's window,
 * timestamp and pane into it first (a `ReifyPanes` ParDo before the re-windowing): see `pane-assert.ts`.
 * @module
 */
import {
  asIterable,
  GlobalWindows,
  impulse,
  ptransform,
  windowInto,
  type BoundedWindow,
  type PCollection,
  type ProcessContext,
} from "../index.js";
import { describeCheckFailure, describeMultisetMismatch } from "./mismatch.js";
import {
  describePaneCheckFailure,
  describePaneMismatch,
  describeSelection,
  describeWindowPanes,
  reifyPanesFn,
  selectValues,
  windowId,
  type PaneRecord,
  type PaneSelection,
} from "./pane-assert.js";

/**
 * The checks every assertion offers, on the elements it looks at: all of a PCollection's ({@link assertThat}),
 * those of one window and pane kind ({@link PCollectionAssert.inOnTimePane} and the like), or its elements with
 * their panes ({@link PCollectionAssert.panes}). Each check adds a step `AssertThat/<Check>` to the pipeline and
 * returns the assertion again, so several can be chained.
 * @typeParam T the type of what is compared
 * @typeParam Self the assertion type the checks return, for chaining
 * @example
 * assertThat(words).containsInAnyOrder("a", "b").satisfies((ws) => ws.length === 2);
 * assertThat(sums).inOnTimePane("0:60000").equals([kv("a", 3)]);
 */
export interface ContentsChecks<T, Self> {
  /**
   * Exactly these elements, in any order, duplicates counted, compared by deep equality (see `canonicalString`).
   * @example
   * assertThat(words).containsInAnyOrder("a", "b", "a");
   */
  containsInAnyOrder(...expected: T[]): Self;
  /**
   * Same as {@link ContentsChecks.containsInAnyOrder}, with the expected elements as one array.
   * @example
   * assertThat(counts).equals([kv("a", 2), kv("b", 1)]);
   */
  equals(expected: readonly T[]): Self;
  /**
   * No elements.
   * @example
   * assertThat(errors).empty();
   */
  empty(): Self;
  /**
   * `check` accepts the elements (in no particular order): it returns nothing or `true` to pass, and returns
   * `false` or throws to fail. It runs on a worker, so it must not rely on variables set while the pipeline runs.
   * @example
   * assertThat(samples).satisfies((xs) => xs.length === 10 && xs.every((x) => x < 100));
   */
  satisfies(check: (actual: readonly T[]) => void | boolean): Self;
}

/**
 * Assertions on one PCollection: on all its elements (the {@link ContentsChecks}), on the elements of one window
 * and kind of pane (`inWindow`, `inOnTimePane`, ... as in Beam's PAssert), or on every element with its window,
 * timestamp and pane ({@link PCollectionAssert.panes}), which checks a streaming pipeline's output exactly.
 *
 * A window is given as a window object or as its id (`"0:10"` for `new IntervalWindow(0, 10)`, `"global"`).
 * Assertions on a window with no elements see none: `empty()` passes, `containsInAnyOrder(x)` fails.
 * @typeParam T the element type
 * @example
 * const sums = scores.apply(windowInto(new FixedWindows(60_000), { trigger, accumulation: "DISCARDING", allowedLateness: 0 })).apply(sumPerKey());
 * assertThat(sums).inEarlyPane(new IntervalWindow(0, 60_000)).containsInAnyOrder(kv("a", 1));
 * assertThat(sums).inOnTimePane(new IntervalWindow(0, 60_000)).containsInAnyOrder(kv("a", 2));
 */
export interface PCollectionAssert<T> extends ContentsChecks<T, PCollectionAssert<T>> {
  /**
   * The elements of `window`, from all its panes (an accumulating trigger's panes repeat earlier elements, and
   * they count each time).
   * @example
   * assertThat(sums).inWindow(new IntervalWindow(0, 60_000)).containsInAnyOrder(kv("a", 3), kv("b", 7));
   */
  inWindow(window: BoundedWindow | string): PaneAssert<T>;
  /**
   * The elements of the ON_TIME pane of `window` (fired as the watermark passed its end).
   * @example
   * assertThat(sums).inOnTimePane(new IntervalWindow(0, 60_000)).containsInAnyOrder(kv("a", 3));
   */
  inOnTimePane(window: BoundedWindow | string): PaneAssert<T>;
  /**
   * The elements of the final pane of `window` (`isLast`: the pane fired when the window closed).
   * @example
   * assertThat(sums).inFinalPane(new IntervalWindow(0, 60_000)).containsInAnyOrder(kv("a", 5));
   */
  inFinalPane(window: BoundedWindow | string): PaneAssert<T>;
  /**
   * The elements of every EARLY pane of `window` (fired before the watermark passed its end), together.
   * @example
   * assertThat(sums).inEarlyPane(new IntervalWindow(0, 60_000)).containsInAnyOrder(kv("a", 1), kv("a", 2));
   */
  inEarlyPane(window: BoundedWindow | string): PaneAssert<T>;
  /**
   * The elements of every LATE pane of `window` (fired for data that arrived after the watermark passed its
   * end), together.
   * @example
   * assertThat(sums).inLatePane(new IntervalWindow(0, 60_000)).containsInAnyOrder(kv("a", 4));
   */
  inLatePane(window: BoundedWindow | string): PaneAssert<T>;
  /**
   * The elements of the EARLY and ON_TIME panes of `window`, together (Beam's `inCombinedNonLatePanes`).
   * @example
   * assertThat(words).inCombinedNonLatePanes(new IntervalWindow(0, 60_000)).containsInAnyOrder("a", "b");
   */
  inCombinedNonLatePanes(window: BoundedWindow | string): PaneAssert<T>;
  /**
   * Every element as a {@link PaneRecord}: its window id, value, timestamp and pane. Compared exactly, they are a
   * transcript of what a grouping emitted; a failure lists expected and actual records window by window.
   * @example
   * assertThat(sums).panes().containsInAnyOrder(
   *   { window: "0:10", value: kv("k", 3), timestamp: 9, timing: "EARLY", isFirst: true, isLast: false, index: 0, nonSpeculativeIndex: -1 },
   *   { window: "0:10", value: kv("k", 6), timestamp: 9, timing: "ON_TIME", isFirst: false, isLast: true, index: 1, nonSpeculativeIndex: 0 },
   * );
   */
  panes(): PaneAssert<PaneRecord<T>>;
}

/**
 * Assertions on a part of a PCollection (one window and kind of pane) or on its elements with their panes.
 * @typeParam T the type of what is compared
 * @example
 * const late: PaneAssert<KV<string, number>> = assertThat(sums).inLatePane("0:60000");
 * late.containsInAnyOrder(kv("a", 4));
 */
export interface PaneAssert<T> extends ContentsChecks<T, PaneAssert<T>> {}

/**
 * Starts assertions on a PCollection's contents.
 * @param reason names the assertion in failure messages, e.g. `"word counts"`
 * @example
 * const p = new Pipeline();
 * const counts = p.apply(create(["a", "b", "a"])).apply(countPerElement());
 * assertThat(counts, "word counts").containsInAnyOrder(kv("a", 2), kv("b", 1));
 * await p.run(); // rejects, naming AssertThat/ContainsInAnyOrder, if the counts differ
 */
export function assertThat<T>(pcoll: PCollection<T>, reason?: string): PCollectionAssert<T> {
  const label = reason === undefined ? "assertThat" : `assertThat(${reason})`;
  const scoped = (selection: PaneSelection) => (window: BoundedWindow | string) => {
    const id = windowId(window);
    return paneAssert<T, T>(
      `${label}.${describeSelection(selection, id)}`,
      (name, check) =>
        addPaneCheck(pcoll, name, (records) => {
          try {
            check(selectValues(records, id, selection));
          } catch (e) {
            // Which panes the window did have is what explains most failures (a LATE pane for an ON_TIME one).
            if (e instanceof AssertionError) e.message += `\n${describeWindowPanes(records, id)}`;
            throw e;
          }
        }),
      describeMultisetMismatch,
      describeCheckFailure,
    );
  };
  const self: PCollectionAssert<T> = {
    ...contentsChecks<T, PCollectionAssert<T>>(label, (name, check) => addCheck(pcoll, name, check), describeMultisetMismatch, describeCheckFailure, () => self),
    inWindow: scoped("all"),
    inOnTimePane: scoped("onTime"),
    inFinalPane: scoped("final"),
    inEarlyPane: scoped("early"),
    inLatePane: scoped("late"),
    inCombinedNonLatePanes: scoped("nonLate"),
    panes: () =>
      paneAssert<T, PaneRecord<T>>(
        `${label}.panes()`,
        (name, check) => addPaneCheck(pcoll, name, check),
        describePaneMismatch as (what: string, e: readonly PaneRecord<T>[], a: readonly PaneRecord<T>[]) => string | undefined,
        describePaneCheckFailure,
      ),
  };
  return self;
}

/**
 * The error a failed assertion throws inside the pipeline; the runner reports it as the failure of the
 * assertion's step.
 * @example
 * throw new AssertionError("assertThat.empty failed: expected no elements (got 1 element [1])");
 */
export class AssertionError extends Error {
  /** Shown before the message, so a failure reads `AssertionError: assertThat... failed: ...`. */
  override name = "AssertionError";
}

/** Adds the step `AssertThat/<name>` running `check` on what the assertion compares. */
type AddCheck<R> = (name: string, check: (actual: readonly R[]) => void) => void;
type Mismatch<R> = (what: string, expected: readonly R[], actual: readonly R[]) => string | undefined;
type CheckFailure<R> = (what: string, reason: string, actual: readonly R[]) => string;

function paneAssert<T, R>(label: string, add: AddCheck<R>, mismatch: Mismatch<R>, failure: CheckFailure<R>): PaneAssert<R> {
  const self: PaneAssert<R> = contentsChecks<R, PaneAssert<R>>(label, add, mismatch, failure, () => self);
  return self;
}

/** The four checks, with `label` naming them in messages and `add` putting each in the pipeline. */
function contentsChecks<R, Self>(label: string, add: AddCheck<R>, mismatch: Mismatch<R>, failure: CheckFailure<R>, self: () => Self): ContentsChecks<R, Self> {
  const checks: ContentsChecks<R, Self> = {
    containsInAnyOrder: (...expected) => checks.equals(expected),
    equals(expected) {
      const snapshot = [...expected];
      add("ContainsInAnyOrder", (actual) => {
        const message = mismatch(`${label}.containsInAnyOrder`, snapshot, actual);
        if (message !== undefined) throw new AssertionError(message);
      });
      return self();
    },
    empty() {
      add("Empty", (actual) => {
        if (actual.length > 0) throw new AssertionError(failure(`${label}.empty`, "expected no elements", actual));
      });
      return self();
    },
    satisfies(check) {
      add("Satisfies", (actual) => {
        let verdict: void | boolean;
        try {
          // A copy: the side input's array is frozen, and a check written in plain JS may well sort it.
          verdict = check([...actual]);
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new AssertionError(failure(`${label}.satisfies`, `the check threw: ${why}`, actual), { cause: e });
        }
        if (verdict === false) throw new AssertionError(failure(`${label}.satisfies`, "the check returned false", actual));
      });
      return self();
    },
  };
  return checks;
}

/** Adds `AssertThat/<name>`: the impulse-plus-side-input check drawn in the module comment. */
function addCheck<T>(pcoll: PCollection<T>, name: string, check: (actual: readonly T[]) => void): void {
  pcoll.apply(
    "AssertThat",
    ptransform<PCollection<T>, void>("AssertThat", (input) => checkAll(input, name, check)),
  );
}

/** The same, on the elements' {@link PaneRecord}s, reified before the re-windowing erases windows and panes. */
function addPaneCheck<T>(pcoll: PCollection<T>, name: string, check: (records: readonly PaneRecord<T>[]) => void): void {
  pcoll.apply(
    "AssertThat",
    ptransform<PCollection<T>, void>("AssertThat", (input) => checkAll(input.parDo(reifyPanesFn<T>(), { name: "ReifyPanes" }), name, check)),
  );
}

/** Re-windows into the global window, and runs `check` on all the elements once, from an impulse. */
function checkAll<T>(input: PCollection<T>, name: string, check: (actual: readonly T[]) => void): void {
  const view = asIterable(input.apply("GlobalWindow", windowInto<T>(new GlobalWindows())));
  input.pipeline.apply(impulse()).parDo<never>(
    {
      process(_: null, ctx: ProcessContext<never>) {
        check(ctx.sideInput(view));
      },
    },
    { sideInputs: [view], name },
  );
}
