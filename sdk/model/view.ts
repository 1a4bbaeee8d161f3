/**
 * Side input views: how a ParDo sees a whole PCollection (as a singleton, an iterable or a map) next to each
 * element of its main input.
 * @module
 */
import type { PCollection } from "../pcollection.js";
import type { KV } from "./kv.js";

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
   * The PCollection seen. For each main-input element the DoFn sees its elements in the side-input window that
   * contains the end of the element's window (the global window when the side input is globally windowed).
   */
  readonly pcollection: PCollection<unknown>;
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
 * @example
 * const total = asSingleton(counts.apply(sumGlobally()));
 * words.parDo({ process(w, ctx) { ctx.output(`${w}/${ctx.sideInput(total)}`); } }, { sideInputs: [total] });
 */
export function asSingleton<T>(pcollection: PCollection<T>, options?: { defaultValue?: T }): PCollectionView<T> {
  return Object.freeze({
    kind: "singleton" as const,
    pcollection: pcollection as PCollection<unknown>,
    ...(options && "defaultValue" in options ? { defaultValue: { value: options.defaultValue } } : {}),
  });
}

/**
 * A side input of all elements of a PCollection (in the window).
 * @example
 * const stopWords = asIterable(p.apply(create(["a", "the"])));
 */
export function asIterable<T>(pcollection: PCollection<T>): PCollectionView<readonly T[]> {
  return Object.freeze({ kind: "iterable" as const, pcollection: pcollection as PCollection<unknown> });
}

/**
 * A side input of a KV PCollection as a `ReadonlyMap`, one value per key (a duplicate key fails the step).
 * Keys compare by their deterministic encoding, as in GroupByKey: `get({ id: 1 })` finds an entry whose key was
 * another object with the same fields.
 * @example
 * const names = asMap(p.apply(create([kv(1, "one"), kv(2, "two")])));
 */
export function asMap<K, V>(pcollection: PCollection<KV<K, V>>): PCollectionView<ReadonlyMap<K, V>> {
  return Object.freeze({ kind: "map" as const, pcollection: pcollection as PCollection<unknown> });
}

/**
 * A side input of a KV PCollection as a `ReadonlyMap` from each key to all its values (keys compare as in
 * {@link asMap}).
 * @example
 * const byTeam = asMultimap(scores);
 */
export function asMultimap<K, V>(pcollection: PCollection<KV<K, V>>): PCollectionView<ReadonlyMap<K, readonly V[]>> {
  return Object.freeze({ kind: "multimap" as const, pcollection: pcollection as PCollection<unknown> });
}
