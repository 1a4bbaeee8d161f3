/**
 * The DoFns behind `map`, `flatMap` and `filter`.
 * @module
 */
import type { DoFn, ProcessContext } from "../model/dofn.js";

function checkFunction(what: string, fn: unknown): void {
  if (typeof fn !== "function") throw new TypeError(`${what} needs a function, got ${fn === null ? "null" : typeof fn}`);
}

/**
 * The user's function behind each map, flatMap and filter DoFn, so that applying the ParDo can refuse an async one
 * (which would emit promises, or pass everything) with the step's name. Kept aside, not on the DoFn, so that the
 * DoFn objects keep their plain shape on the hot path.
 */
const wrappedFunctions = new WeakMap<object, { readonly kind: string; readonly fn: unknown }>();

/** The function a map, flatMap or filter DoFn wraps, and which of them it is; `undefined` for other DoFns. */
export function wrappedFunction(doFn: object): { readonly kind: string; readonly fn: unknown } | undefined {
  return wrappedFunctions.get(doFn);
}

function wrapping<D extends object>(kind: string, fn: unknown, doFn: D): D {
  wrappedFunctions.set(doFn, { kind, fn });
  return doFn;
}

/** A DoFn emitting `fn(element)`. */
export function mapFn<I, O>(fn: (element: I) => O): DoFn<I, O> {
  checkFunction("map", fn);
  return wrapping("map", fn, {
    process(element: I, ctx: ProcessContext<O>) {
      ctx.output(fn(element));
    },
  });
}

/** The error for a flatMap function that returned something other than an iterable. */
export function flatMapNotIterable(returned: unknown): string {
  return `flatMap function must return an iterable, got ${returned === null ? "null" : typeof returned}`;
}

/** A DoFn emitting every item of `fn(element)`. */
export function flatMapFn<I, O>(fn: (element: I) => Iterable<O>): DoFn<I, O> {
  checkFunction("flatMap", fn);
  return wrapping("flatMap", fn, {
    process(element: I, ctx: ProcessContext<O>) {
      const items = fn(element);
      if (Array.isArray(items)) {
        for (let i = 0; i < items.length; i++) ctx.output(items[i]);
      } else {
        if (items == null || typeof (items as Iterable<O>)[Symbol.iterator] !== "function") {
          throw new TypeError(flatMapNotIterable(items));
        }
        for (const item of items) ctx.output(item);
      }
    },
  });
}

/** A DoFn emitting the elements `predicate` accepts. */
export function filterFn<T>(predicate: (element: T) => boolean): DoFn<T, T> {
  checkFunction("filter", predicate);
  return wrapping("filter", predicate, {
    process(element: T, ctx: ProcessContext<T>) {
      if (predicate(element)) ctx.output(element);
    },
  });
}
