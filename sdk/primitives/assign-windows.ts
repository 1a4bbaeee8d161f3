/**
 * AssignWindows: puts each element into the windows its WindowFn assigns, and sets the windowing strategy that
 * downstream GroupByKeys apply.
 * @module
 */
import type { AssignWindowsNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PTransform } from "../ptransform.js";
import { GlobalWindows, type WindowFn } from "../model/window-fn.js";
import type { BoundedWindow, IntervalWindow } from "../model/window.js";
import { describeTrigger, triggerProblem, type Trigger } from "../model/triggers.js";
import {
  GLOBAL_WINDOWING,
  type AccumulationMode,
  type ClosingBehavior,
  type OnTimeBehavior,
  type TimestampCombiner,
  type WindowingStrategy,
} from "../model/windowing-strategy.js";

/** How grouped results are triggered and timestamped; unset options take Beam's defaults. */
export interface WindowIntoOptions {
  /** When to emit panes; the default trigger (once at the end of the window, then per late bundle) when unset. */
  readonly trigger?: Trigger;
  /**
   * Whether later panes repeat earlier values (`ACCUMULATING`) or carry only what is new (`DISCARDING`). Required
   * (as in Beam) with a non-default trigger, or with allowed lateness beyond the global window: both produce
   * several panes per window, and which of the two you want is not guessable.
   */
  readonly accumulation?: AccumulationMode;
  /** The same as `accumulation`, under the name a {@link WindowingStrategy} uses (so a strategy can be passed as options). */
  readonly accumulationMode?: AccumulationMode;
  /**
   * How late (ms behind the watermark) data may be and still count; 0 when unset. Required (as in Beam) with a
   * non-default trigger on windows other than the global window, since it bounds how long window state is kept.
   */
  readonly allowedLateness?: number;
  /** The timestamp of grouped outputs; `END_OF_WINDOW` when unset. */
  readonly timestampCombiner?: TimestampCombiner;
  /** Whether an empty final pane is emitted; `FIRE_IF_NON_EMPTY` when unset. */
  readonly closingBehavior?: ClosingBehavior;
  /** Whether an empty ON_TIME pane is emitted; `FIRE_ALWAYS` when unset. */
  readonly onTimeBehavior?: OnTimeBehavior;
}

const COMBINERS: readonly TimestampCombiner[] = ["END_OF_WINDOW", "EARLIEST", "LATEST"];
const MODES: readonly AccumulationMode[] = ["DISCARDING", "ACCUMULATING"];
const BEHAVIORS = ["FIRE_ALWAYS", "FIRE_IF_NON_EMPTY"];

/**
 * Re-windows a PCollection: assigns each element to the windows of `windowFn` (by its timestamp) and sets how
 * downstream GroupByKeys trigger, accumulate, time-stamp and drop late data. Options not given take Beam's
 * defaults (they are not inherited from the input's windowing). Invalid options fail when the transform is
 * applied, naming it. The output's window type is the WindowFn's: `IntervalWindow` for fixed, sliding and session
 * windows (and any `WindowFn<IntervalWindow>`, even with `T` given explicitly), so DoFns downstream see
 * `ctx.window.start` and `ctx.window.end`.
 * @example
 * events.apply(windowInto(new FixedWindows(60_000)));
 * events.apply(windowInto(new FixedWindows(60_000), {
 *   trigger: AfterWatermark({ early: AfterProcessingTime(10_000), late: AfterCount(1) }),
 *   accumulation: "ACCUMULATING",
 *   allowedLateness: 5 * 60_000,
 * }));
 */
export function windowInto<T>(windowFn: WindowFn<IntervalWindow>, options?: WindowIntoOptions): PTransform<PCollection<T>, PCollection<T, IntervalWindow>>;
/**
 * Re-windows a PCollection with a WindowFn of another window type `W` (a custom window class): the output is a
 * `PCollection<T, W>`. See the overload above for the rest.
 * @example
 * events.apply(windowInto(new GlobalWindows()));
 */
export function windowInto<T, W extends BoundedWindow = BoundedWindow>(windowFn: WindowFn<W>, options?: WindowIntoOptions): PTransform<PCollection<T>, PCollection<T, W>>;
export function windowInto<T, W extends BoundedWindow = BoundedWindow>(
  windowFn: WindowFn<W>,
  options: WindowIntoOptions = {},
): PTransform<PCollection<T>, PCollection<T, W>> {
  if (typeof windowFn?.assignWindows !== "function") throw new TypeError("windowInto needs a WindowFn with assignWindows()");
  const accumulation = options.accumulation ?? options.accumulationMode;
  const windowing: WindowingStrategy = Object.freeze({
    windowFn,
    trigger: options.trigger ?? GLOBAL_WINDOWING.trigger,
    accumulationMode: accumulation ?? GLOBAL_WINDOWING.accumulationMode,
    allowedLateness: options.allowedLateness ?? 0,
    timestampCombiner: options.timestampCombiner ?? GLOBAL_WINDOWING.timestampCombiner,
    ...(options.closingBehavior !== undefined ? { closingBehavior: options.closingBehavior } : {}),
    ...(options.onTimeBehavior !== undefined ? { onTimeBehavior: options.onTimeBehavior } : {}),
  });
  return {
    name: "WindowInto",
    expand: (input) => {
      const output = input.pipeline.applyPrimitive<AssignWindowsNode>({
        node: { kind: "AssignWindows", windowFn },
        inputs: [input],
        outputs: [{ tag: "main", isBounded: input.isBounded, windowing }],
      }).main as PCollection<T, W>;
      const problem = windowingProblem(windowing, options, accumulation);
      // The pipeline prefixes the step's full name to errors thrown while a transform expands.
      if (problem) throw new Error(problem);
      return output;
    },
  };
}

/** What {@link configureWindowing} takes: what to change; the rest is kept from the input's windowing. */
export interface ConfigureWindowingOptions extends WindowIntoOptions {
  /**
   * The WindowFn the new windowing names, without re-assigning any window: elements keep theirs. For transforms
   * that restore a windowing they changed (as `reshuffle` does); the windows must be ones it could have assigned.
   */
  readonly windowFn?: WindowFn;
}

/**
 * Changes how a PCollection's windows are triggered, accumulated, time-stamped and expired without re-assigning
 * its windows (Beam's `Window.configure()`): every element keeps its windows, and options not given are kept
 * from the input's windowing (unlike {@link windowInto}, whose unset options take the defaults). The same
 * checks as `windowInto` apply to the result. The windows are kept, so is their type `W`.
 * @example
 * // Already in sessions: fire early every 10 s of processing time from here on.
 * sessions.apply(configureWindowing({ trigger: AfterWatermark({ early: AfterProcessingTime(10_000) }), accumulation: "ACCUMULATING", allowedLateness: 0 }));
 */
export function configureWindowing<T, W extends BoundedWindow = BoundedWindow>(options: ConfigureWindowingOptions): PTransform<PCollection<T, W>, PCollection<T, W>> {
  return {
    name: "ConfigureWindowing",
    expand: (input) => {
      const w = input.windowing;
      const accumulation = options.accumulation ?? options.accumulationMode;
      const windowing: WindowingStrategy = Object.freeze({
        windowFn: options.windowFn ?? w.windowFn,
        trigger: options.trigger ?? w.trigger,
        accumulationMode: accumulation ?? w.accumulationMode,
        allowedLateness: options.allowedLateness ?? w.allowedLateness,
        timestampCombiner: options.timestampCombiner ?? w.timestampCombiner,
        ...((options.closingBehavior ?? w.closingBehavior) !== undefined ? { closingBehavior: options.closingBehavior ?? w.closingBehavior } : {}),
        ...((options.onTimeBehavior ?? w.onTimeBehavior) !== undefined ? { onTimeBehavior: options.onTimeBehavior ?? w.onTimeBehavior } : {}),
      });
      const output = input.pipeline.applyPrimitive<AssignWindowsNode>({
        node: { kind: "AssignWindows", windowFn: windowing.windowFn, keepWindows: true },
        inputs: [input],
        outputs: [{ tag: "main", isBounded: input.isBounded, windowing }],
      }).main as PCollection<T, W>;
      // What was kept counts as given: it passed these checks where it was set.
      const problem = windowingProblem(windowing, { ...windowing, ...options }, accumulation ?? w.accumulationMode);
      if (problem) throw new Error(problem);
      return output;
    },
  };
}

/** What is wrong with the options (Beam's `Window.validate` and value checks), or `undefined`. */
function windowingProblem(w: WindowingStrategy, options: WindowIntoOptions, accumulation: AccumulationMode | undefined): string | undefined {
  if (typeof w.windowFn.description !== "string" || w.windowFn.description.length === 0) {
    return "the WindowFn needs a non-empty description (it is part of the graph fingerprint)";
  }
  if (w.windowFn.isMerging && typeof w.windowFn.mergeWindows !== "function") {
    return `${w.windowFn.description} says it is merging but has no mergeWindows()`;
  }
  const triggerIssue = triggerProblem(w.trigger);
  if (triggerIssue) return `invalid trigger: ${triggerIssue}`;
  if (!Number.isSafeInteger(w.allowedLateness) || w.allowedLateness < 0) {
    return `allowedLateness must be a non-negative integer number of milliseconds, got ${String(w.allowedLateness)}`;
  }
  if (!COMBINERS.includes(w.timestampCombiner)) return `unknown timestampCombiner '${String(w.timestampCombiner)}' (one of ${COMBINERS.join(", ")})`;
  if (!MODES.includes(w.accumulationMode)) return `unknown accumulation mode '${String(w.accumulationMode)}' (DISCARDING or ACCUMULATING)`;
  if (w.closingBehavior !== undefined && !BEHAVIORS.includes(w.closingBehavior)) return `unknown closingBehavior '${String(w.closingBehavior)}'`;
  if (w.onTimeBehavior !== undefined && !BEHAVIORS.includes(w.onTimeBehavior)) return `unknown onTimeBehavior '${String(w.onTimeBehavior)}'`;

  const customTrigger = w.trigger.kind !== "Default";
  const global = w.windowFn instanceof GlobalWindows;
  if (customTrigger && !global && options.allowedLateness === undefined) {
    return (
      `the trigger ${describeTrigger(w.trigger)} needs allowedLateness (except in the global window): it bounds how late data ` +
      `may arrive before it is dropped and how long window state is kept; pass allowedLateness: 0 to drop all late data`
    );
  }
  const severalPanes = customTrigger || (!global && w.allowedLateness > 0);
  if (severalPanes && accumulation === undefined) {
    return (
      `${customTrigger ? `the trigger ${describeTrigger(w.trigger)}` : "an allowed lateness above 0"} can emit several panes per window, ` +
      `so choose accumulation: "ACCUMULATING" (each pane repeats the earlier ones) or "DISCARDING" (each pane has only new data)`
    );
  }
  return undefined;
}
