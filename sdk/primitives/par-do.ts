/**
 * ParDo: the element-wise primitive. Runs a DoFn over every element, with a main output, optional tagged outputs
 * and optional side inputs.
 * @module
 */
import type { DoFn } from "../model/dofn.js";
import type { PCollectionView } from "../model/view.js";
import type { BoundedWindow } from "../model/window.js";
import type { ParDoNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PTransform } from "../ptransform.js";
import type { ParDoOptions } from "../pcollection.js";
import { asyncProcessMessage, isAsyncFunction } from "../internal/sync-process.js";
import { wrappedFunction } from "./element-wise.js";
import { checkStatefulDoFn, isStatefulDoFn } from "../model/stateful-dofn.js";

/** The outputs of a ParDo with tagged outputs: `main` plus one PCollection per tag. */
export type TaggedOutputs<O, Tagged extends Record<string, unknown>, W extends BoundedWindow = BoundedWindow> = {
  /** The main output: what the DoFn emits with `ctx.output`. */
  readonly main: PCollection<O, W>;
} & {
  readonly [K in keyof Tagged]: PCollection<Tagged[K], W>;
};

function checkDoFn(doFn: unknown): void {
  if (typeof doFn !== "object" || doFn === null || typeof (doFn as { process?: unknown }).process !== "function") {
    throw new TypeError(`parDo needs a DoFn: an object with a process(element, ctx) method, got ${typeof doFn}`);
  }
  const skew = (doFn as { allowedTimestampSkew?: unknown }).allowedTimestampSkew;
  if (skew !== undefined && !(typeof skew === "number" && skew >= 0)) {
    throw new RangeError(`DoFn.allowedTimestampSkew must be a non-negative number of ms (or Infinity), got ${String(skew)}`);
  }
}

/**
 * Refuses an async `process` (or an async function given to map, flatMap or filter). Called while the step expands,
 * so the error is prefixed with the step's full name.
 */
function checkSynchronous(doFn: DoFn<unknown, unknown, Record<string, unknown>>): void {
  const wrapped = wrappedFunction(doFn);
  if (wrapped && isAsyncFunction(wrapped.fn)) throw new TypeError(asyncProcessMessage(`the function given to ${wrapped.kind}`));
  if (isAsyncFunction(doFn.process)) throw new TypeError(asyncProcessMessage("DoFn.process"));
}

/**
 * Refuses a stateful DoFn where its state could not be kept as Beam keeps it: in merging windows (as Beam's
 * Java direct and Dataflow runners refuse state and timers there: a merged window would need every cell
 * merged and every timer moved), with side inputs or as a finalizer (not supported yet).
 */
function checkStatefulApplication(
  doFn: object,
  input: PCollection<unknown>,
  sideInputs: readonly PCollectionView<unknown>[],
  finalizer: boolean,
): void {
  checkStatefulDoFn(doFn);
  const d = doFn as { onTimer?: Record<string, unknown>; onWindowExpiration?: unknown };
  for (const [id, cb] of Object.entries(d.onTimer ?? {})) {
    if (isAsyncFunction(cb)) throw new TypeError(asyncProcessMessage(`onTimer.${id}`));
  }
  if (isAsyncFunction(d.onWindowExpiration)) throw new TypeError(asyncProcessMessage("onWindowExpiration"));
  if (input.windowing.windowFn.isMerging) {
    throw new TypeError(
      `state and timers are not supported in merging windows (${input.windowing.windowFn.description}), as in Beam: ` +
        "a merged window would need its cells merged and its timers moved; window the input with non-merging windows " +
        "(or group it first) before a stateful DoFn",
    );
  }
  if (sideInputs.length > 0) throw new TypeError("state and timers with side inputs are not supported yet: pass the DoFn no side inputs");
  if (finalizer) throw new TypeError("a finalizer cannot use state or timers");
}

function applyParDo(
  input: PCollection<unknown>,
  doFn: DoFn<unknown, unknown, Record<string, unknown>>,
  sideInputs: readonly PCollectionView<unknown>[],
  tags: readonly string[],
  finalizer = false,
): Record<string, PCollection<unknown>> {
  checkSynchronous(doFn);
  const { isBounded, windowing } = input;
  if (isStatefulDoFn(doFn)) checkStatefulApplication(doFn, input, sideInputs, finalizer);
  return input.pipeline.applyPrimitive<ParDoNode>({
    node: { kind: "ParDo", doFn, sideInputs, mainTag: "main", ...(finalizer ? { finalizer } : {}) },
    inputs: [input],
    outputs: ["main", ...tags].map((tag) => ({ tag, isBounded, windowing })),
  });
}

/**
 * Applies a DoFn to every element (one main output). The output is in the input's windows, so it keeps the input's
 * window type `W` (which types `ctx.window`).
 * @param sideInputs views the DoFn reads with `ctx.sideInput(view)`
 * @param options.finalizer run only after every other step has succeeded (see {@link ParDoOptions.finalizer})
 * @example
 * lines.apply(parDo({ process(line: string, ctx) { ctx.output(line.length); } }));
 */
export function parDo<I, O, W extends BoundedWindow = BoundedWindow>(
  doFn: DoFn<I, O, {}, W>,
  sideInputs: readonly PCollectionView<unknown>[] = [],
  options: { readonly finalizer?: boolean } = {},
): PTransform<PCollection<I, W>, PCollection<O, W>> {
  checkDoFn(doFn);
  return {
    name: "ParDo",
    expand: (input) =>
      applyParDo(input, doFn as unknown as DoFn<unknown, unknown, Record<string, unknown>>, sideInputs, [], options.finalizer).main as PCollection<O, W>,
  };
}

/**
 * Applies a DoFn with tagged outputs: `ctx.outputTo(tag, value)` writes to the PCollection of that tag.
 * @param tags every tag the DoFn may write to besides the main output
 * @example
 * const { main: short, long } = words.apply(parDoWithOutputs<string, string, { long: string }>({
 *   process(w, ctx) { if (w.length > 5) ctx.outputTo("long", w); else ctx.output(w); },
 * }, ["long"]));
 */
export function parDoWithOutputs<I, O, Tagged extends Record<string, unknown>, W extends BoundedWindow = BoundedWindow>(
  doFn: DoFn<I, O, Tagged, W>,
  tags: readonly (keyof Tagged & string)[],
  sideInputs: readonly PCollectionView<unknown>[] = [],
): PTransform<PCollection<I, W>, TaggedOutputs<O, Tagged, W>> {
  checkDoFn(doFn);
  for (const tag of tags) {
    if (tag === "main") throw new TypeError("'main' is the main output's tag; name tagged outputs otherwise");
  }
  if (new Set(tags).size !== tags.length) throw new TypeError(`duplicate output tags in [${tags.join(", ")}]`);
  return {
    name: "ParDo",
    expand: (input) =>
      applyParDo(input, doFn as unknown as DoFn<unknown, unknown, Record<string, unknown>>, sideInputs, tags) as unknown as TaggedOutputs<
        O,
        Tagged,
        W
      >,
  };
}
