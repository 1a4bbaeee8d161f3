/**
 * `withTimestamps`: gives each element the event timestamp computed from it, typically a time field of the record
 * (the moment an event happened, where the source only knows when it was read).
 * @module
 */
import { isValidTimestamp, parDo, TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE, type Instant, type PCollection, type PTransform } from "../sdk/index.js";

/**
 * Re-stamps every element with `fn(element)`. The new timestamp may be earlier than the element's current one
 * (that is the point: elements read from a bounded source all carry the minimum timestamp, elements of a stream
 * their arrival time), so the step declares an unlimited `allowedTimestampSkew`. Windows are not re-assigned:
 * apply `windowInto` after it.
 *
 * `fn` must return an integer number of milliseconds since the epoch within the `Date` range; anything else (NaN,
 * a fraction, a value out of range, a `Date`, a string) fails the run at that element, naming the step.
 * @example
 * const clicks = p.apply(readText("clicks.jsonl"))
 *   .map((line) => JSON.parse(line) as { user: string; at: number })
 *   .apply(withTimestamps((click) => click.at))
 *   .apply(windowInto(new FixedWindows(60_000)));
 */
export function withTimestamps<T>(fn: (element: T) => Instant): PTransform<PCollection<T>, PCollection<T>> {
  if (typeof fn !== "function") throw new TypeError(`withTimestamps needs a function from an element to its timestamp, got ${typeof fn}`);
  return {
    name: "WithTimestamps",
    expand: (input) =>
      input.apply(
        "AddTimestamps",
        parDo<T, T>({
          allowedTimestampSkew: Infinity,
          process(element, ctx) {
            const timestamp = fn(element);
            if (!isValidTimestamp(timestamp)) throw new RangeError(`withTimestamps: ${invalidTimestamp(timestamp)}`);
            ctx.outputWithTimestamp(element, timestamp);
          },
        }),
      ),
  };
}

/** Why a value is not a timestamp, for the error (the runner adds the step and the element). */
function invalidTimestamp(t: unknown): string {
  const got = `the timestamp function returned ${typeof t === "string" ? JSON.stringify(t) : t instanceof Date ? `a Date (${String(t)})` : String(t)}`;
  if (t instanceof Date) return `${got}; return its getTime() (ms since the epoch)`;
  if (typeof t !== "number") return `${got} (${typeof t}); it must return a number of ms since the epoch`;
  if (Number.isNaN(t)) return `${got}; it must return a number of ms since the epoch`;
  if (t < TIMESTAMP_MIN_VALUE || t > TIMESTAMP_MAX_VALUE) {
    return `${got}, outside the valid range [${TIMESTAMP_MIN_VALUE}, ${TIMESTAMP_MAX_VALUE}] (the Date range, in ms)`;
  }
  return `${got}, not a whole number of milliseconds`;
}
