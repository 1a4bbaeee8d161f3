/**
 * The DoFns behind `map`, `flatMap` and `filter`.
 * @module
 */
import type { DoFn, ProcessContext } from "../model/dofn.js";

function checkFunction(what: string, fn: unknown): void {
  if (typeof fn !== "function") throw new TypeError(`${what} needs a function, got ${fn === null ? "null" : typeof fn}`);
}

/** A DoFn emitting `fn(element)`. */
export function mapFn<I, O>(fn: (element: I) => O): DoFn<I, O> {
  checkFunction("map", fn);
  return {
    process(element: I, ctx: ProcessContext<O>) {
      ctx.output(fn(element));
    },
  };
}

/** A DoFn emitting every item of `fn(element)`. */
export function flatMapFn<I, O>(fn: (element: I) => Iterable<O>): DoFn<I, O> {
  checkFunction("flatMap", fn);
  return {
    process(element: I, ctx: ProcessContext<O>) {
      const items = fn(element);
      if (Array.isArray(items)) {
        for (let i = 0; i < items.length; i++) ctx.output(items[i]);
      } else {
        if (items == null || typeof (items as Iterable<O>)[Symbol.iterator] !== "function") {
          throw new TypeError(`flatMap function must return an iterable, got ${items === null ? "null" : typeof items}`);
        }
        for (const item of items) ctx.output(item);
      }
    },
  };
}

/** A DoFn emitting the elements `predicate` accepts. */
export function filterFn<T>(predicate: (element: T) => boolean): DoFn<T, T> {
  checkFunction("filter", predicate);
  return {
    process(element: T, ctx: ProcessContext<T>) {
      if (predicate(element)) ctx.output(element);
    },
  };
}
