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
 * @module
 */
import {
  asIterable,
  GlobalWindows,
  impulse,
  ptransform,
  windowInto,
  type PCollection,
  type ProcessContext,
} from "../index.js";
import { describeCheckFailure, describeMultisetMismatch } from "./mismatch.js";

/**
 * Assertions on one PCollection. Each adds a step `AssertThat/<Assertion>` to the pipeline and returns the same
 * object, so several can be chained.
 * @typeParam T the element type
 */
export interface PCollectionAssert<T> {
  /**
   * The PCollection holds exactly these elements, in any order, duplicates counted, compared by deep equality
   * (see `canonicalString`).
   * @example
   * assertThat(words).containsInAnyOrder("a", "b", "a");
   */
  containsInAnyOrder(...expected: T[]): PCollectionAssert<T>;
  /**
   * Same as {@link PCollectionAssert.containsInAnyOrder}, with the expected elements as one array.
   * @example
   * assertThat(counts).equals([kv("a", 2), kv("b", 1)]);
   */
  equals(expected: readonly T[]): PCollectionAssert<T>;
  /**
   * The PCollection has no elements.
   * @example
   * assertThat(errors).empty();
   */
  empty(): PCollectionAssert<T>;
  /**
   * `check` accepts the elements (in no particular order): it returns nothing or `true` to pass, and returns
   * `false` or throws to fail. It runs on a worker, so it must not rely on variables set while the pipeline runs.
   * @example
   * assertThat(samples).satisfies((xs) => xs.length === 10 && xs.every((x) => x < 100));
   */
  satisfies(check: (actual: readonly T[]) => void | boolean): PCollectionAssert<T>;
}

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
  const self: PCollectionAssert<T> = {
    containsInAnyOrder: (...expected) => self.equals(expected),
    equals(expected) {
      const snapshot = [...expected];
      addCheck(pcoll, "ContainsInAnyOrder", (actual) => {
        const mismatch = describeMultisetMismatch(`${label}.containsInAnyOrder`, snapshot, actual);
        if (mismatch !== undefined) throw new AssertionError(mismatch);
      });
      return self;
    },
    empty() {
      addCheck(pcoll, "Empty", (actual) => {
        if (actual.length > 0) throw new AssertionError(describeCheckFailure(`${label}.empty`, "expected no elements", actual));
      });
      return self;
    },
    satisfies(check) {
      addCheck(pcoll, "Satisfies", (actual) => {
        let verdict: void | boolean;
        try {
          // A copy: the side input's array is frozen, and a check written in plain JS may well sort it.
          verdict = check([...actual]);
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new AssertionError(describeCheckFailure(`${label}.satisfies`, `the check threw: ${why}`, actual), { cause: e });
        }
        if (verdict === false) {
          throw new AssertionError(describeCheckFailure(`${label}.satisfies`, "the check returned false", actual));
        }
      });
      return self;
    },
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

/** Adds `AssertThat/<name>`: the impulse-plus-side-input check drawn in the module comment. */
function addCheck<T>(pcoll: PCollection<T>, name: string, check: (actual: readonly T[]) => void): void {
  pcoll.apply(
    "AssertThat",
    ptransform<PCollection<T>, void>("AssertThat", (input) => {
      const view = asIterable(input.apply("GlobalWindow", windowInto<T>(new GlobalWindows())));
      input.pipeline.apply(impulse()).parDo<never>(
        {
          process(_: null, ctx: ProcessContext<never>) {
            check(ctx.sideInput(view));
          },
        },
        { sideInputs: [view], name },
      );
    }),
  );
}
