/**
 * Stateful DoFns (Beam's state and timers): a DoFn on a `KV` input that declares state cells and timers. Apply it
 * with `parDo` or `parDoWithOutputs` like any DoFn; the runner partitions its input by key first (as Beam keys a
 * stateful ParDo's input), so every element of a key is processed where that key's state lives.
 *
 * ```
 *   KV<K, V> ──► key partitioning ──► process(element, ctx) ──► outputs
 *                                      │  ctx.state.<id>   (per key and window)
 *                                      │  ctx.timers.<id>.set(t) ──► onTimer.<id>(ctx) ──► outputs
 *                                      └─ window expiry ──► onWindowExpiration(ctx), then the state is cleared
 * ```
 * @module
 */
import type { Instant } from "./time.js";
import type { BoundedWindow } from "./window.js";
import type { KV } from "./kv.js";
import type { FinishBundleContext, OutputOptions, ProcessContext, StartBundleContext, TeardownContext } from "./dofn.js";
import type { StateAccessors, StateDeclarations, TimeDomain, TimerAccessors, TimerDeclarations } from "./state.js";

/** What `process` of a stateful DoFn sees: the process context, the element's key, its state and timers. */
export interface StatefulProcessContext<K, O, S extends StateDeclarations, T extends TimerDeclarations, Tagged extends Record<string, unknown> = {}>
  extends ProcessContext<O, Tagged> {
  /** The element's key. */
  readonly key: K;
  /** The declared state of this key and window. */
  readonly state: StateAccessors<S>;
  /** The declared timers of this key and window. */
  readonly timers: TimerAccessors<T>;
}

/** What a timer callback sees and can do. Outputs go to the timer's window, at its output timestamp by default. */
export interface OnTimerContext<K, O, S extends StateDeclarations, T extends TimerDeclarations, Tagged extends Record<string, unknown> = {}> {
  /** The key the timer was set for. */
  readonly key: K;
  /** The window the timer was set in. */
  readonly window: BoundedWindow;
  /** The timer's output timestamp: the timestamp of `output` (Beam's `OnTimerContext.timestamp()`). */
  readonly timestamp: Instant;
  /** When the timer was set to fire (Beam's `fireTimestamp()`). */
  readonly fireTimestamp: Instant;
  /** The timer's time domain. */
  readonly timeDomain: TimeDomain;
  /** The timer's tag within its family (`""` for a timer declared on its own). */
  readonly timerTag: string;
  /** The declared state of this key and window. */
  readonly state: StateAccessors<S>;
  /** The declared timers of this key and window (a timer may set itself again). */
  readonly timers: TimerAccessors<T>;
  /** Emits to the main output at {@link OnTimerContext.timestamp}. */
  output(value: O): void;
  /** Emits at another timestamp, no earlier than {@link OnTimerContext.timestamp} minus the allowed skew. */
  outputWithTimestamp(value: O, timestamp: Instant): void;
  /**
   * Emits to a tagged output declared when the ParDo was applied, at {@link OnTimerContext.timestamp} or at
   * `options.timestamp` (under the same rule as `outputWithTimestamp`).
   */
  outputTo<Tag extends keyof Tagged & string>(tag: Tag, value: Tagged[Tag], options?: OutputOptions): void;
}

/**
 * What `onWindowExpiration` sees: the last call for a key and window, before its state is cleared. Outputs go to
 * the window at its `maxTimestamp()` (Beam's `@OnWindowExpiration`); timers cannot be set any more.
 */
export interface WindowExpirationContext<K, O, S extends StateDeclarations, Tagged extends Record<string, unknown> = {}> {
  /** The key whose window expired. */
  readonly key: K;
  /** The window that expired. */
  readonly window: BoundedWindow;
  /** `window.maxTimestamp()`: the timestamp of `output`. */
  readonly timestamp: Instant;
  /** The key's state in the window, for the last time. */
  readonly state: StateAccessors<S>;
  /** Emits to the main output at {@link WindowExpirationContext.timestamp}. */
  output(value: O): void;
  /** Emits to a tagged output declared when the ParDo was applied. */
  outputTo<Tag extends keyof Tagged & string>(tag: Tag, value: Tagged[Tag]): void;
}

/**
 * A DoFn with state and timers on a `KV<K, V>` input. Declare cells in `state` and timers in `timers` (with
 * `StateSpecs` and `TimerSpecs`), and give every timer a callback in `onTimer`; the accessors in every context
 * are typed by the declarations. Build one with {@link statefulDoFn} to have the types inferred.
 *
 * Rules (Beam's): state is per key and window and is cleared when the window expires (end of window plus allowed
 * lateness behind the input watermark), after `onWindowExpiration`; elements of an expired window are dropped
 * (counted as `droppedDueToLateness`); an event-time timer fires once the input watermark passes its time and
 * holds the step's output watermark at its output timestamp until then; a processing-time timer fires once
 * processing time passes its time; no timer fires after its window expired. Not supported in merging windows
 * (sessions), nor with side inputs.
 * @typeParam K the key type
 * @typeParam V the value type
 * @typeParam O the main output type
 * @example
 * // Emits the running count of each key, and the total at the end of each window.
 * const counting = statefulDoFn<string, number, string>()({
 *   state: { count: StateSpecs.value<number>() },
 *   timers: { end: TimerSpecs.eventTime() },
 *   process(element, ctx) {
 *     const n = (ctx.state.count.read() ?? 0) + 1;
 *     ctx.state.count.write(n);
 *     ctx.timers.end.set(ctx.window.maxTimestamp());
 *   },
 *   onTimer: {
 *     end(ctx) { ctx.output(`${ctx.key}: ${ctx.state.count.read()}`); },
 *   },
 * });
 * pairs.apply(parDo(counting));
 */
export interface StatefulDoFn<
  K,
  V,
  O,
  S extends StateDeclarations = {},
  T extends TimerDeclarations = {},
  Tagged extends Record<string, unknown> = {},
> {
  /** The state cells, by id. */
  readonly state?: S;
  /** The timers, by id. */
  readonly timers?: T;
  /** As `DoFn.setup`. */
  setup?(): void | Promise<void>;
  /** As `DoFn.startBundle`. */
  startBundle?(ctx: StartBundleContext): void | Promise<void>;
  /** Called for every element (synchronous, as `DoFn.process`). */
  process(element: KV<K, V>, ctx: StatefulProcessContext<K, O, S, T, Tagged>): void;
  /** One callback per declared timer id (synchronous). */
  readonly onTimer?: { readonly [Id in keyof T]: (ctx: OnTimerContext<K, O, S, T, Tagged>) => void };
  /** Called once per key and window that received an element, when the window expires (synchronous). */
  onWindowExpiration?(ctx: WindowExpirationContext<K, O, S, Tagged>): void;
  /** As `DoFn.finishBundle`. */
  finishBundle?(ctx: FinishBundleContext<O, Tagged>): void | Promise<void>;
  /** As `DoFn.teardown`. */
  teardown?(ctx: TeardownContext): void | Promise<void>;
  /** How far (ms) outputs and timer output timestamps may be earlier than the input's timestamp. Default 0. */
  readonly allowedTimestampSkew?: number;
}

/**
 * Builds a {@link StatefulDoFn} with its state and timer types inferred from its declarations (give the key,
 * value and output types, and optionally the tagged outputs' types, in the first call). Checks the declarations.
 * @example
 * const dedupe = statefulDoFn<string, string, string>()({
 *   state: { seen: StateSpecs.set<string>() },
 *   process(e, ctx) { if (ctx.state.seen.add(e.value)) ctx.output(e.value); },
 * });
 */
export function statefulDoFn<K, V, O, Tagged extends Record<string, unknown> = {}>(): <
  S extends StateDeclarations = {},
  T extends TimerDeclarations = {},
>(
  doFn: StatefulDoFn<K, V, O, S, T, Tagged>,
) => StatefulDoFn<K, V, O, S, T, Tagged> {
  return (doFn) => {
    checkStatefulDoFn(doFn);
    return doFn;
  };
}

/**
 * Whether a DoFn uses state or timers (declares a state cell, a timer or `onWindowExpiration`), so that its ParDo
 * runs keyed.
 * @example
 * isStatefulDoFn({ process() {} }); // false
 */
export function isStatefulDoFn(doFn: object): boolean {
  const d = doFn as { state?: object; timers?: object; onWindowExpiration?: unknown };
  return (
    (typeof d.state === "object" && d.state !== null && Object.keys(d.state).length > 0) ||
    (typeof d.timers === "object" && d.timers !== null && Object.keys(d.timers).length > 0) ||
    typeof d.onWindowExpiration === "function"
  );
}

const STATE_KINDS = new Set(["value", "bag", "combining", "map", "set", "orderedList"]);

/**
 * Checks a stateful DoFn's declarations: known state kinds, timers of a known kind and domain, a callback for
 * every timer and no callback without a timer. Throws a `TypeError` naming what is wrong.
 * @example
 * checkStatefulDoFn({ timers: { t: TimerSpecs.eventTime() }, process() {} }); // throws: no onTimer.t
 */
export function checkStatefulDoFn(doFn: object): void {
  const d = doFn as { state?: unknown; timers?: unknown; onTimer?: unknown; onWindowExpiration?: unknown };
  if (d.state !== undefined) {
    if (typeof d.state !== "object" || d.state === null) throw new TypeError("a stateful DoFn's state must be an object of StateSpecs");
    for (const [id, spec] of Object.entries(d.state)) {
      if (!STATE_KINDS.has((spec as { kind?: string })?.kind ?? "")) {
        throw new TypeError(`state '${id}' is not a state declaration: make it with StateSpecs.value(), bag(), combining(fn), map(), set() or orderedList()`);
      }
    }
  }
  const timers = d.timers === undefined ? {} : d.timers;
  if (typeof timers !== "object" || timers === null) throw new TypeError("a stateful DoFn's timers must be an object of TimerSpecs");
  const callbacks = d.onTimer === undefined ? {} : d.onTimer;
  if (typeof callbacks !== "object" || callbacks === null) throw new TypeError("onTimer must be an object with one callback per timer id");
  for (const [id, spec] of Object.entries(timers)) {
    const s = spec as { kind?: string; domain?: string };
    if ((s?.kind !== "timer" && s?.kind !== "timerFamily") || (s.domain !== "EVENT_TIME" && s.domain !== "PROCESSING_TIME")) {
      throw new TypeError(`timer '${id}' is not a timer declaration: make it with TimerSpecs.eventTime(), processingTime(), eventTimeFamily() or processingTimeFamily()`);
    }
    if (typeof (callbacks as Record<string, unknown>)[id] !== "function") throw new TypeError(`timer '${id}' has no callback: add onTimer.${id}(ctx)`);
  }
  for (const id of Object.keys(callbacks)) {
    if (!Object.hasOwn(timers, id)) throw new TypeError(`onTimer.${id} has no timer: declare timers.${id} with TimerSpecs`);
  }
  if (d.onWindowExpiration !== undefined && typeof d.onWindowExpiration !== "function") throw new TypeError("onWindowExpiration must be a function");
}
