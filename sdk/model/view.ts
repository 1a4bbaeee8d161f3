/**
 * Side input views: how a ParDo sees a whole PCollection (as a singleton, an iterable or a map) next to each
 * element of its main input.
 * @module
 */
import type { PCollection } from "../pcollection.js";
import type { KV } from "./kv.js";
import type { BoundedWindow } from "./window.js";

/**
 * Which window of a side input a main input window reads (Beam's `WindowMappingFn`). Without one a view uses
 * its side input's WindowFn's default (`WindowFn.sideInputWindow`): the global window for a globally windowed
 * side input, else the earliest side window containing the end of the main window.
 * @example
 * // Every main window reads the side input's hourly window it starts in.
 * const hourly: WindowMappingFn = {
 *   getSideInputWindow: (w) => {
 *     const hour = (w as IntervalWindow).start - ((w as IntervalWindow).start % 3_600_000);
 *     return new IntervalWindow(hour, hour + 3_600_000);
 *   },
 *   maximumLookahead: 3_600_000,
 * };
 * const rates = asSingleton(hourlyRates, { windowMappingFn: hourly });
 */
export interface WindowMappingFn {
  /** The side input window `mainWindow` reads (a window of the side input's windowing). Deterministic. */
  getSideInputWindow(mainWindow: BoundedWindow): BoundedWindow;
  /**
   * How far past the end of a main window the side window it reads may end, in ms (default 0). The engine holds
   * main input back until the side input's watermark has passed the end of its windows plus this, so a mapping
   * to a later side window must say how much later.
   */
  readonly maximumLookahead?: number;
}

/** What every view factory takes. */
export interface ViewOptions {
  /** Which side window each main window reads; see {@link WindowMappingFn}. */
  readonly windowMappingFn?: WindowMappingFn;
}

/** How a view turns the elements of its PCollection (in one window) into the value the DoFn sees. */
export type ViewKind = "singleton" | "iterable" | "map" | "multimap";

/**
 * A PCollection seen as a side input. Pass it in the ParDo's `sideInputs` and read it with `ctx.sideInput(view)`.
 * @typeParam V the value the DoFn sees
 */
export interface PCollectionView<V> {
  /** How the DoFn sees the elements: one element, all of them, or a map by key (see {@link ViewKind}). */
  readonly kind: ViewKind;
  /**
   * The PCollection seen. For each main-input element the DoFn sees its elements in one side-input window: the
   * one the view's {@link WindowMappingFn} picks, by default the earliest side window containing the end of the
   * element's window (the global window when the side input is globally windowed).
   */
  readonly pcollection: PCollection<unknown>;
  /** The view's own window mapping, if it has one (see {@link WindowMappingFn}). */
  readonly windowMappingFn?: WindowMappingFn;
  /** For singletons: the value when the PCollection is empty; absent means an empty one is an error. */
  readonly defaultValue?: {
    /** The default itself (wrapped, so that `undefined` can be a default too). */
    readonly value: unknown;
  };
  /** @internal phantom type, never set */
  readonly __viewType?: V;
}

/**
 * A side input of a PCollection with exactly one element per window (e.g. the output of a global combine).
 * @param options.defaultValue the value when the PCollection is empty; without it an empty one fails the step.
 * @param options.windowMappingFn which side window each main window reads (see {@link WindowMappingFn}).
 * @example
 * const total = asSingleton(counts.apply(sumGlobally()));
 * words.parDo({ process(w, ctx) { ctx.output(`${w}/${ctx.sideInput(total)}`); } }, { sideInputs: [total] });
 */
export function asSingleton<T>(pcollection: PCollection<T>, options?: ViewOptions & { defaultValue?: T }): PCollectionView<T> {
  return Object.freeze({
    ...view("singleton", pcollection as PCollection<unknown>, options, "asSingleton"),
    ...(options && "defaultValue" in options ? { defaultValue: { value: options.defaultValue } } : {}),
  });
}

/**
 * A side input of all elements of a PCollection (in the window).
 * @example
 * const stopWords = asIterable(p.apply(create(["a", "the"])));
 */
export function asIterable<T>(pcollection: PCollection<T>, options?: ViewOptions): PCollectionView<readonly T[]> {
  return Object.freeze(view("iterable", pcollection as PCollection<unknown>, options, "asIterable"));
}

/**
 * A side input of a KV PCollection as a `ReadonlyMap`, one value per key (a duplicate key fails the step).
 * Keys compare by their deterministic encoding, as in GroupByKey: `get({ id: 1 })` finds an entry whose key was
 * another object with the same fields.
 * @example
 * const names = asMap(p.apply(create([kv(1, "one"), kv(2, "two")])));
 */
export function asMap<K, V>(pcollection: PCollection<KV<K, V>>, options?: ViewOptions): PCollectionView<ReadonlyMap<K, V>> {
  return Object.freeze(view("map", pcollection as PCollection<unknown>, options, "asMap"));
}

/**
 * A side input of a KV PCollection as a `ReadonlyMap` from each key to all its values (keys compare as in
 * {@link asMap}).
 * @example
 * const byTeam = asMultimap(scores);
 */
export function asMultimap<K, V>(pcollection: PCollection<KV<K, V>>, options?: ViewOptions): PCollectionView<ReadonlyMap<K, readonly V[]>> {
  return Object.freeze(view("multimap", pcollection as PCollection<unknown>, options, "asMultimap"));
}

/**
 * The fields every view has. A merging-windowed PCollection (sessions) has no default mapping, as in Beam: its
 * windows are known only once merged, so a main window cannot name one.
 */
function view(kind: ViewKind, pcollection: PCollection<unknown>, options: ViewOptions | undefined, factory: string) {
  const mapping = options?.windowMappingFn;
  if (mapping !== undefined) {
    if (typeof mapping.getSideInputWindow !== "function") throw new TypeError(`${factory}: windowMappingFn must have a getSideInputWindow(mainWindow) method`);
    const ahead = mapping.maximumLookahead;
    if (ahead !== undefined && !(Number.isFinite(ahead) && ahead >= 0)) {
      throw new RangeError(`${factory}: windowMappingFn.maximumLookahead must be a non-negative number of ms, got ${String(ahead)}`);
    }
  } else if (pcollection.windowing.windowFn.isMerging) {
    throw new TypeError(
      `${factory}: ${pcollection.id} is windowed by ${pcollection.windowing.windowFn.description}, a merging windowing, ` +
        "which has no default side input window mapping (as in Beam); pass { windowMappingFn } or re-window it first",
    );
  }
  return { kind, pcollection, ...(mapping ? { windowMappingFn: mapping } : {}) };
}
