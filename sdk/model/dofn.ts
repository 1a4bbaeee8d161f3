/**
 * DoFn: the user code of a ParDo. A DoFn instance lives on one worker; the runner calls its methods in the order
 * `setup` (once) → for each bundle: `startBundle`, `process` for every element, `finishBundle` → `teardown`
 * (once, best effort: also after a failed bundle or job; its context says which, see {@link TeardownReason}).
 * @module
 */
import type { Instant } from "./time.js";
import type { BoundedWindow } from "./window.js";
import type { PaneInfo } from "./pane.js";
import type { PCollectionView } from "./view.js";

/**
 * Why a DoFn instance is torn down:
 * - `"end-of-run"`: the run is over (it succeeded or failed); nothing of this run will call the instance again,
 *   and what its finished bundles handed on is no longer needed by the run (a finalizer has run, or never will);
 * - `"discarded"`: a runner drops the instance after a failed bundle (as Beam does) while the run goes on: the
 *   failed bundle's outputs are dropped, but those of the instance's finished bundles may still be consumed
 *   downstream (a retried task gets a fresh instance), so resources they name must stay.
 * @example
 * teardown({ reason }: TeardownContext) {
 *   this.deleteFilesOfTheBundleInProgress();
 *   if (reason === "end-of-run") this.deleteEverythingElse();
 * }
 */
export type TeardownReason = "end-of-run" | "discarded";

/**
 * What `teardown` can see: why the instance is torn down.
 * @example
 * const fn: DoFn<string, string> = {
 *   process(line, ctx) { ctx.output(line); },
 *   teardown(ctx: TeardownContext) { if (ctx.reason === "end-of-run") cleanUp(); },
 * };
 */
export interface TeardownContext {
  /** Why the instance is torn down; see {@link TeardownReason}. */
  readonly reason: TeardownReason;
}

/**
 * Options of a tagged output from `process` or a stateful DoFn's callbacks.
 * @example
 * ctx.outputTo("late", value, { timestamp: ctx.timestamp + 1_000 });
 */
export interface OutputOptions {
  /**
   * The output's event timestamp instead of the input's (Beam's `outputWithTimestamp` on a tagged
   * `OutputReceiver`): the same rule as {@link ProcessContext.outputWithTimestamp}, so it may not move earlier
   * than the input's timestamp by more than the DoFn's `allowedTimestampSkew`.
   */
  readonly timestamp?: Instant;
}

/**
 * What `process` can see of the current element and do with it.
 * @typeParam O the main output type
 * @typeParam Tagged the types of the tagged outputs, by tag
 * @typeParam W the window type of the input PCollection (see {@link DoFn}): `IntervalWindow` after fixed, sliding
 * or session windowing, so `ctx.window.start` and `ctx.window.end` need no cast
 */
export interface ProcessContext<O, Tagged extends Record<string, unknown> = {}, W extends BoundedWindow = BoundedWindow> {
  /** The element's event timestamp. */
  readonly timestamp: Instant;
  /** The one window this call sees (an element in several windows is processed once per window). */
  readonly window: W;
  /** The pane the element came from (NO_FIRING unless it was produced by a GroupByKey firing). */
  readonly pane: PaneInfo;
  /** Emits to the main output, with the input's timestamp and window. */
  output(value: O): void;
  /**
   * Emits to the main output with another timestamp. Like Beam, a timestamp may not move earlier than the
   * input's unless the DoFn declares `allowedTimestampSkew`.
   */
  outputWithTimestamp(value: O, timestamp: Instant): void;
  /**
   * Emits to a tagged output declared when the ParDo was applied, with the input's timestamp and window, or at
   * `options.timestamp` (under the same rule as `outputWithTimestamp`).
   */
  outputTo<K extends keyof Tagged & string>(tag: K, value: Tagged[K], options?: OutputOptions): void;
  /** The value of a side input, for the window of the current element. */
  sideInput<V>(view: PCollectionView<V>): V;
}

/** What `startBundle` can see. */
export interface StartBundleContext {
  /** The side inputs, as in `process`, for the global window. */
  sideInput<V>(view: PCollectionView<V>): V;
}

/** What `finishBundle` can do: emit with an explicit timestamp and window, since there is no current element. */
export interface FinishBundleContext<O, Tagged extends Record<string, unknown> = {}> {
  /** Emits to the main output at `timestamp` in `window` (pane `NO_FIRING`). */
  output(value: O, timestamp: Instant, window: BoundedWindow): void;
  /** Emits to a tagged output declared when the ParDo was applied, at `timestamp` in `window`. */
  outputTo<K extends keyof Tagged & string>(tag: K, value: Tagged[K], timestamp: Instant, window: BoundedWindow): void;
}

/**
 * User code applied to every element by ParDo. `process` is synchronous so that a bundle runs as plain function
 * calls; the lifecycle methods may be async (open a file in `setup`, flush it in `finishBundle`).
 *
 * An `async process` is refused when the ParDo is applied, and a `process` that returns a promise fails the run at
 * its first element, naming the step: what it emitted after an `await` would be lost, since the bundle has ended
 * by then. For asynchronous work per element, buffer the elements in `process` and do the work in an async
 * `finishBundle` (emitting the results there), or prepare what `process` needs in an async `setup` or
 * `startBundle`. Each async lifecycle call must settle within `--taskTimeout` seconds (default 600), or the run
 * fails naming the step and the method.
 *
 * **Instances.** As in Beam, where each instance is a fresh deserialised copy of what was applied, every step gets
 * its own instances, and `setup` never runs twice on one object: the first instance a process needs of the object
 * you pass to `parDo` is that object itself; every other one — the same object applied in another step, a new
 * instance after one was torn down or discarded (a retried bundle), another run in the same process — is a copy
 * of the object as it was before its first instance started. A copy has the same prototype (so a class's
 * methods) and a copy of each own property: plain data (arrays, plain objects, `Map`s, `Set`s, `Date`s, typed
 * arrays) is copied deeply, so state a field starts with belongs to each instance; functions, frozen objects and
 * instances of other classes (clients, PCollections, views, coders) are shared, as is whatever a closure
 * captures. ECMAScript `#private` fields are not properties and cannot be copied: a class with them works only as
 * the first instance, so use TypeScript's `private` instead. Open connections and other resources in `setup`
 * (once per instance), never in a constructor or a field initialiser, whose results would be shared by copies.
 * @typeParam I the input element type
 * @typeParam O the main output type
 * @typeParam Tagged the types of the tagged outputs, by tag
 * @typeParam W the window type of the input: a PCollection windowed by fixed, sliding or session windows is a
 * `PCollection<T, IntervalWindow>`, and a DoFn given to its `parDo` (or `map`-like methods) sees `ctx.window` as
 * an `IntervalWindow`; elsewhere it is a `BoundedWindow`
 * @example
 * class SplitWords implements DoFn<string, string> {
 *   process(line: string, ctx: ProcessContext<string>) {
 *     for (const w of line.split(/\s+/)) if (w) ctx.output(w);
 *   }
 * }
 * lines.parDo(new SplitWords());
 * @example
 * // Asynchronous work per element: buffer in process, await in finishBundle.
 * class Enrich implements DoFn<string, string> {
 *   private batch: { id: string; timestamp: number; window: BoundedWindow }[] = [];
 *   process(id: string, ctx: ProcessContext<string>) {
 *     this.batch.push({ id, timestamp: ctx.timestamp, window: ctx.window });
 *   }
 *   async finishBundle(ctx: FinishBundleContext<string>) {
 *     const names = await lookUpNames(this.batch.map((e) => e.id)); // one request per bundle
 *     this.batch.forEach((e, i) => ctx.output(names[i]!, e.timestamp, e.window));
 *     this.batch = [];
 *   }
 * }
 */
export interface DoFn<I, O, Tagged extends Record<string, unknown> = {}, W extends BoundedWindow = BoundedWindow> {
  /** Called once per DoFn instance before any bundle. */
  setup?(): void | Promise<void>;
  /** Called before the first element of each bundle. */
  startBundle?(ctx: StartBundleContext): void | Promise<void>;
  /** Called for every element (once per window the element is in). Synchronous: it must not return a promise. */
  process(element: I, ctx: ProcessContext<O, Tagged, W>): void;
  /** Called after the last element of each bundle; outputs here need an explicit timestamp and window. */
  finishBundle?(ctx: FinishBundleContext<O, Tagged>): void | Promise<void>;
  /**
   * Called once when the instance is discarded, after success or failure; `ctx.reason` says why (see
   * {@link TeardownReason}): a DoFn that handed resources on (temporary files named in its outputs) may release
   * them only at the end of the run, not when it is discarded after a failed bundle while the run goes on.
   */
  teardown?(ctx: TeardownContext): void | Promise<void>;
  /** How far (ms) `outputWithTimestamp` may move a timestamp earlier than the input's. Default 0. */
  readonly allowedTimestampSkew?: number;
}
