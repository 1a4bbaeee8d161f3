/**
 * `DoFn.process` is synchronous (no Promise per element): what an async one would emit after an `await` would be
 * lost, since the bundle is over by then. These are the checks that refuse it, shared by the SDK (at construction:
 * an `async` function) and the core (at the first element: a returned promise), so every runner says the same.
 * @module
 */

/** What to do instead, ending every refusal. */
const INSTEAD =
  "it must be synchronous, since outputs emitted after an await would be lost; do async work in setup, startBundle " +
  "or finishBundle instead (e.g. buffer elements in process and write them out in an async finishBundle)";

/** Whether `fn` was declared `async` (an async function or async generator function). */
export function isAsyncFunction(fn: unknown): boolean {
  if (typeof fn !== "function") return false;
  const tag = Object.prototype.toString.call(fn);
  return tag === "[object AsyncFunction]" || tag === "[object AsyncGeneratorFunction]";
}

/** The refusal of an async `what` (`DoFn.process`, `the function given to map`) at construction. */
export function asyncProcessMessage(what: string): string {
  return `${what} is an async function: ${INSTEAD}`;
}

/** The refusal of a `process` that returned a promise, at its first element. */
export const PROCESS_RETURNED_PROMISE = `DoFn.process returned a Promise: ${INSTEAD}`;
