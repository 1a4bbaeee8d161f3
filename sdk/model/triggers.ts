/**
 * Triggers: when a GroupByKey emits a pane for a key and window. A trigger is plain data (a small tree), so it is
 * serialisable, part of the graph fingerprint, and interpreted by the runner-neutral state machines in
 * `runners/core/triggers/`. Build triggers with the factory functions below; the algebra is Beam's.
 *
 * ```
 * AfterWatermark({ early: AfterProcessingTime(60_000), late: AfterCount(1) })
 *   fires EARLY panes a minute (processing time) after the first element of each pane, the ON_TIME pane when the
 *   watermark passes the end of the window, then a LATE pane for every late element (within allowed lateness).
 * ```
 * @module
 */

/** A trigger: one of the node kinds below, nested. Treat as immutable (the factories freeze it). */
export type Trigger =
  | DefaultTriggerNode
  | AfterWatermarkNode
  | AfterCountNode
  | AfterProcessingTimeNode
  | RepeatedlyNode
  | AfterEachNode
  | AfterAllNode
  | AfterAnyNode
  | OrFinallyNode
  | NeverNode;

/** See {@link DefaultTrigger}. */
export interface DefaultTriggerNode {
  /** Discriminant: Default. */
  readonly kind: "Default";
}
/** See {@link AfterWatermark}. */
export interface AfterWatermarkNode {
  /** Discriminant: AfterWatermark. */
  readonly kind: "AfterWatermark";
  /** Fires (repeatedly) before the watermark passes the end of the window. */
  readonly early?: Trigger;
  /** Fires (repeatedly) after the watermark passed the end of the window, for late data. */
  readonly late?: Trigger;
}
/** See {@link AfterCount}. */
export interface AfterCountNode {
  /** Discriminant: AfterCount. */
  readonly kind: "AfterCount";
  /** Elements in the pane needed to fire: a positive integer. */
  readonly count: number;
}
/** See {@link AfterProcessingTime}. */
export interface AfterProcessingTimeNode {
  /** Discriminant: AfterProcessingTime. */
  readonly kind: "AfterProcessingTime";
  /** Milliseconds of processing time after the first element of the pane arrived. */
  readonly delay: number;
  /** After the delay, round the firing time up to the next `period` boundary (shifted by `offset`). */
  readonly alignTo?: {
    /** Boundary spacing in ms. */
    readonly period: number;
    /** Boundary shift in ms (`0 <= offset < period`). */
    readonly offset: number;
  };
}
/** See {@link Repeatedly}. */
export interface RepeatedlyNode {
  /** Discriminant: Repeatedly. */
  readonly kind: "Repeatedly";
  /** The trigger to restart after each firing. */
  readonly trigger: Trigger;
}
/** See {@link AfterEach}. */
export interface AfterEachNode {
  /** Discriminant: AfterEach. */
  readonly kind: "AfterEach";
  /** Run in order, one at a time. */
  readonly triggers: readonly Trigger[];
}
/** See {@link AfterAll}. */
export interface AfterAllNode {
  /** Discriminant: AfterAll. */
  readonly kind: "AfterAll";
  /** All must be ready to fire. */
  readonly triggers: readonly Trigger[];
}
/** See {@link AfterAny}. */
export interface AfterAnyNode {
  /** Discriminant: AfterAny. */
  readonly kind: "AfterAny";
  /** Any one ready fires. */
  readonly triggers: readonly Trigger[];
}
/** See {@link OrFinally}. */
export interface OrFinallyNode {
  /** Discriminant: OrFinally. */
  readonly kind: "OrFinally";
  /** Fires as it normally would... */
  readonly trigger: Trigger;
  /** ...until this one fires, which fires the final pane. */
  readonly until: Trigger;
}
/** See {@link Never}. */
export interface NeverNode {
  /** Discriminant: Never. */
  readonly kind: "Never";
}

/** Every trigger kind. */
export type TriggerKind = Trigger["kind"];

const DEFAULT: DefaultTriggerNode = Object.freeze({ kind: "Default" });
const NEVER: NeverNode = Object.freeze({ kind: "Never" });

/**
 * The default trigger: fires once when the watermark passes the end of the window (the ON_TIME pane), then once
 * for every bundle of late data that arrives within the allowed lateness. Beam's
 * `Repeatedly.forever(AfterWatermark.pastEndOfWindow())`, optimised.
 * @example
 * windowInto(new FixedWindows(60_000), { trigger: DefaultTrigger() });
 */
export function DefaultTrigger(): DefaultTriggerNode {
  return DEFAULT;
}

/**
 * Fires when the watermark passes the end of the window. With `early`, also fires whenever `early` fires before
 * that (EARLY panes; `early` repeats); with `late`, also whenever `late` fires afterwards (LATE panes; `late`
 * repeats). Without `late` the trigger finishes at the ON_TIME pane and later data for the window is dropped.
 * @example
 * AfterWatermark();                                                     // one ON_TIME pane
 * AfterWatermark({ early: AfterProcessingTime(60_000), late: AfterCount(1) });
 */
export function AfterWatermark(options: { early?: Trigger; late?: Trigger } = {}): AfterWatermarkNode {
  const node: { kind: "AfterWatermark"; early?: Trigger; late?: Trigger } = { kind: "AfterWatermark" };
  if (options.early !== undefined) node.early = checkTrigger(options.early, "AfterWatermark early");
  if (options.late !== undefined) node.late = checkTrigger(options.late, "AfterWatermark late");
  return Object.freeze(node);
}

/**
 * Fires once the current pane holds at least `count` elements (Beam's `AfterPane.elementCountAtLeast`). Fires
 * once and finishes; wrap in {@link Repeatedly} for a pane every `count` elements.
 * @throws RangeError unless `count` is a positive integer.
 * @example
 * Repeatedly(AfterCount(100)); // a pane per 100 elements (at least; a bundle may bring more)
 */
export function AfterCount(count: number): AfterCountNode {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`AfterCount(${String(count)}): the element count must be a positive integer`);
  }
  return Object.freeze({ kind: "AfterCount", count });
}

/**
 * Fires once `delay` ms of processing time have passed since the first element of the current pane arrived
 * (strictly after: with delay 1000 and the first element at processing time t, it fires once processing time
 * passes t + 1000, as in Beam). With `alignTo`, the firing time is then rounded up to the next multiple of
 * `period` (after `offset`), so that panes of many keys fire together. Processing time comes from the runner's
 * clock (a test clock under TestStream). Fires once; wrap in {@link Repeatedly} for periodic panes.
 * @example
 * Repeatedly(AfterProcessingTime(30_000));                              // at most one pane per 30 s per key and window
 * AfterProcessingTime(0, { alignTo: { period: 60_000 } });              // at the next whole minute
 */
export function AfterProcessingTime(delay: number, options: { alignTo?: { period: number; offset?: number } } = {}): AfterProcessingTimeNode {
  if (!Number.isSafeInteger(delay) || delay < 0) {
    throw new RangeError(`AfterProcessingTime(${String(delay)}): the delay must be a non-negative integer number of milliseconds`);
  }
  if (options.alignTo === undefined) return Object.freeze({ kind: "AfterProcessingTime", delay });
  const { period, offset = 0 } = options.alignTo;
  if (!Number.isSafeInteger(period) || period <= 0) {
    throw new RangeError(`AfterProcessingTime: alignTo.period must be a positive integer number of milliseconds, got ${String(period)}`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= period) {
    throw new RangeError(`AfterProcessingTime: alignTo.offset must be an integer with 0 <= offset < period, got ${String(offset)}`);
  }
  return Object.freeze({ kind: "AfterProcessingTime", delay, alignTo: Object.freeze({ period, offset }) });
}

/**
 * Fires every time `trigger` would fire, restarting it after each firing; never finishes (unless inside
 * {@link OrFinally}).
 * @example
 * Repeatedly(AfterCount(10));
 */
export function Repeatedly(trigger: Trigger): RepeatedlyNode {
  return Object.freeze({ kind: "Repeatedly", trigger: checkTrigger(trigger, "Repeatedly") });
}

/**
 * Runs its triggers one after the other: fires whenever the current one fires, and moves to the next once the
 * current one finishes. Finishes when the last one does.
 * @example
 * AfterEach(AfterCount(1), AfterWatermark()); // one pane on the first element, one when the window closes
 */
export function AfterEach(...triggers: Trigger[]): AfterEachNode {
  return Object.freeze({ kind: "AfterEach", triggers: checkTriggers(triggers, "AfterEach", 1) });
}

/**
 * Fires (once, then finishes) when every one of its triggers is ready to fire.
 * @example
 * AfterAll(AfterCount(10), AfterProcessingTime(60_000)); // at least 10 elements and a minute
 */
export function AfterAll(...triggers: Trigger[]): AfterAllNode {
  return Object.freeze({ kind: "AfterAll", triggers: checkTriggers(triggers, "AfterAll", 1) });
}

/**
 * Fires (once, then finishes) when any one of its triggers is ready to fire (Beam's `AfterFirst`).
 * @example
 * Repeatedly(AfterAny(AfterCount(100), AfterProcessingTime(10_000))); // 100 elements or 10 s, whichever first
 */
export function AfterAny(...triggers: Trigger[]): AfterAnyNode {
  return Object.freeze({ kind: "AfterAny", triggers: checkTriggers(triggers, "AfterAny", 1) });
}

/**
 * Fires like `trigger`, until `until` fires: that firing is the last pane, and the window closes (later data is
 * dropped).
 * @example
 * OrFinally(Repeatedly(AfterCount(1)), AfterCount(5)); // a pane per element, at most five elements
 */
export function OrFinally(trigger: Trigger, until: Trigger): OrFinallyNode {
  return Object.freeze({ kind: "OrFinally", trigger: checkTrigger(trigger, "OrFinally"), until: checkTrigger(until, "OrFinally until") });
}

/**
 * Never fires: the only pane is the final one when the window is garbage collected (end of window plus allowed
 * lateness), if it has data.
 * @example
 * windowInto(new GlobalWindows(), { trigger: Never(), accumulation: "DISCARDING" });
 */
export function Never(): NeverNode {
  return NEVER;
}

/**
 * A stable text form of a trigger, for graph fingerprints, pictures and messages.
 * @example
 * describeTrigger(Repeatedly(AfterCount(2))); // "Repeatedly(AfterCount(2))"
 */
export function describeTrigger(t: Trigger): string {
  switch (t.kind) {
    case "Default":
    case "Never":
      return `${t.kind}()`;
    case "AfterWatermark": {
      const parts: string[] = [];
      if (t.early) parts.push(`early=${describeTrigger(t.early)}`);
      if (t.late) parts.push(`late=${describeTrigger(t.late)}`);
      return `AfterWatermark(${parts.join(", ")})`;
    }
    case "AfterCount":
      return `AfterCount(${t.count})`;
    case "AfterProcessingTime":
      return t.alignTo
        ? `AfterProcessingTime(${t.delay}ms, alignTo=${t.alignTo.period}ms+${t.alignTo.offset}ms)`
        : `AfterProcessingTime(${t.delay}ms)`;
    case "Repeatedly":
      return `Repeatedly(${describeTrigger(t.trigger)})`;
    case "AfterEach":
    case "AfterAll":
    case "AfterAny":
      return `${t.kind}(${t.triggers.map(describeTrigger).join(", ")})`;
    case "OrFinally":
      return `OrFinally(${describeTrigger(t.trigger)}, until=${describeTrigger(t.until)})`;
  }
}

/**
 * Checks a trigger tree built by hand (not through the factories), returning the first problem or `undefined`.
 * `windowInto` uses it so that a bad trigger fails at construction, naming the transform.
 * @example
 * triggerProblem({ kind: "AfterCount", count: 0 }); // "AfterCount(0): the element count must be a positive integer"
 */
export function triggerProblem(t: unknown): string | undefined {
  try {
    rebuild(t);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Whether the trigger can finish (after which the window drops further data): Beam's `mayFinish`. Repeated
 * triggers, the default trigger and AfterWatermark with late firings never finish.
 * @example
 * mayFinish(AfterCount(2)); // true
 * mayFinish(Repeatedly(AfterCount(2))); // false
 */
export function mayFinish(t: Trigger): boolean {
  switch (t.kind) {
    case "Default":
    case "Repeatedly":
      return false;
    case "Never":
      // Never fires, so never finishes by firing; its window still closes at garbage collection.
      return false;
    case "AfterWatermark":
      return t.late === undefined;
    case "AfterCount":
    case "AfterProcessingTime":
    case "AfterAll":
    case "AfterAny":
      return true;
    case "AfterEach":
      return t.triggers.every(mayFinish);
    case "OrFinally":
      return true;
  }
}

/**
 * The trigger a GroupByKey's output carries for downstream GroupByKeys (Beam's continuation trigger): it fires
 * downstream as soon as data from an upstream firing arrives, rather than re-applying counts or delays.
 * `AfterCount(n)` continues as `AfterCount(1)`; `AfterProcessingTime` as `AfterProcessingTime(0)` (Beam uses
 * synchronized processing time, which Sluice approximates by the downstream grouping's own clock);
 * `AfterEach(a, b)` as `Repeatedly(AfterAny(a', b'))`; the rest keep their shape with continued sub-triggers.
 * @example
 * continuationTrigger(Repeatedly(AfterCount(10))); // Repeatedly(AfterCount(1))
 */
export function continuationTrigger(t: Trigger): Trigger {
  switch (t.kind) {
    case "Default":
    case "Never":
      return t;
    case "AfterWatermark":
      return AfterWatermark({
        ...(t.early ? { early: continuationTrigger(t.early) } : {}),
        ...(t.late ? { late: continuationTrigger(t.late) } : {}),
      });
    case "AfterCount":
      return AfterCount(1);
    case "AfterProcessingTime":
      return AfterProcessingTime(0);
    case "Repeatedly":
      return Repeatedly(continuationTrigger(t.trigger));
    case "AfterEach":
      return Repeatedly(AfterAny(...t.triggers.map(continuationTrigger)));
    case "AfterAll":
      return AfterAll(...t.triggers.map(continuationTrigger));
    case "AfterAny":
      return AfterAny(...t.triggers.map(continuationTrigger));
    case "OrFinally":
      return OrFinally(continuationTrigger(t.trigger), continuationTrigger(t.until));
  }
}

/**
 * Whether a combine under this trigger may be lifted (partially combined before the shuffle). A trigger that
 * counts elements must see every element, and a lifted combine delivers one accumulator per bundle instead, so
 * `AfterCount(n)` with n > 1 anywhere in the tree prevents lifting (as in Beam Python's `lift_combiners`).
 * @example
 * isLiftableTrigger(DefaultTrigger()); // true
 * isLiftableTrigger(Repeatedly(AfterCount(10))); // false
 */
export function isLiftableTrigger(t: Trigger): boolean {
  switch (t.kind) {
    case "AfterCount":
      return t.count === 1;
    case "AfterWatermark":
      return (t.early === undefined || isLiftableTrigger(t.early)) && (t.late === undefined || isLiftableTrigger(t.late));
    case "Repeatedly":
      return isLiftableTrigger(t.trigger);
    case "AfterEach":
    case "AfterAll":
    case "AfterAny":
      return t.triggers.every(isLiftableTrigger);
    case "OrFinally":
      return isLiftableTrigger(t.trigger) && isLiftableTrigger(t.until);
    default:
      return true;
  }
}

function checkTrigger(t: Trigger, where: string): Trigger {
  if (typeof t !== "object" || t === null || typeof (t as { kind?: unknown }).kind !== "string") {
    throw new TypeError(`${where}: expected a trigger (from AfterWatermark, AfterCount, Repeatedly, ...), got ${String(t)}`);
  }
  return t;
}

function checkTriggers(triggers: Trigger[], where: string, min: number): readonly Trigger[] {
  if (triggers.length < min) throw new RangeError(`${where} needs at least ${min} trigger${min === 1 ? "" : "s"}`);
  return Object.freeze(triggers.map((t) => checkTrigger(t, where)));
}

/** Rebuilds a trigger through the factories, so the same validation applies to hand-built trees. */
function rebuild(t: unknown): Trigger {
  const node = checkTrigger(t as Trigger, "trigger") as Trigger;
  switch (node.kind) {
    case "Default":
      return DefaultTrigger();
    case "Never":
      return Never();
    case "AfterWatermark":
      return AfterWatermark({
        ...(node.early !== undefined ? { early: rebuild(node.early) } : {}),
        ...(node.late !== undefined ? { late: rebuild(node.late) } : {}),
      });
    case "AfterCount":
      return AfterCount(node.count);
    case "AfterProcessingTime":
      return AfterProcessingTime(node.delay, node.alignTo ? { alignTo: node.alignTo } : {});
    case "Repeatedly":
      return Repeatedly(rebuild(node.trigger));
    case "AfterEach":
    case "AfterAll":
    case "AfterAny": {
      if (!Array.isArray(node.triggers)) throw new TypeError(`${node.kind}: triggers must be an array`);
      const subs = node.triggers.map(rebuild);
      return node.kind === "AfterEach" ? AfterEach(...subs) : node.kind === "AfterAll" ? AfterAll(...subs) : AfterAny(...subs);
    }
    case "OrFinally":
      return OrFinally(rebuild(node.trigger), rebuild(node.until));
    default:
      throw new TypeError(`unknown trigger kind '${String((node as { kind: unknown }).kind)}'`);
  }
}

/**
 * Whether two triggers may meet in a Flatten (Beam's `Trigger.isCompatible`): the same kinds in the same tree
 * shape; counts and delays may differ.
 * @example
 * triggersCompatible(AfterCount(2), AfterCount(3)); // true
 */
export function triggersCompatible(a: Trigger, b: Trigger): boolean {
  if (a.kind !== b.kind) return false;
  const children = (t: Trigger): readonly (Trigger | undefined)[] => {
    switch (t.kind) {
      case "AfterWatermark":
        return [t.early, t.late];
      case "Repeatedly":
        return [t.trigger];
      case "AfterEach":
      case "AfterAll":
      case "AfterAny":
        return t.triggers;
      case "OrFinally":
        return [t.trigger, t.until];
      default:
        return [];
    }
  };
  const [ca, cb] = [children(a), children(b)];
  return ca.length === cb.length && ca.every((c, i) => (c === undefined || cb[i] === undefined ? c === cb[i] : triggersCompatible(c, cb[i]!)));
}
