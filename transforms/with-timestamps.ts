/**
 * `withTimestamps`: gives each element the event timestamp computed from it, typically a time field of the record
 * (the moment an event happened, where the source only knows when it was read).
 * @module
 */
import { type BoundedWindow, formatInstant, isValidTimestamp, parDo, TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE, type Instant, type PCollection, type PTransform } from "../sdk/index.js";

/** Options of {@link withTimestamps}. */
export interface WithTimestampsOptions {
  /**
   * How far (ms) a new timestamp may be earlier than the element's current one (Beam's
   * `withAllowedTimestampSkew`). Default 0: timestamps may only move forward, as from a bounded source, whose
   * elements all carry the minimum timestamp. Moving elements of a stream back (to the event time in a record
   * that arrived later) needs a skew at least as large as the move, or `Infinity`; elements moved behind the
   * watermark are late downstream (dropped beyond the allowed lateness).
   */
  readonly allowedTimestampSkew?: number;
}

/**
 * Re-stamps every element with `fn(element)`. As in Beam, the new timestamp may not be earlier than the element's
 * current one by more than `allowedTimestampSkew` (default 0): such an element fails the run, naming the step and
 * the element. Elements read from a bounded source all carry the minimum timestamp, so re-stamping them always
 * moves forward; on a stream pass the skew you accept. Windows are not re-assigned: apply `windowInto` after it.
 *
 * `fn` must return an integer number of milliseconds since the epoch within the `Date` range; anything else (NaN,
 * a fraction, a value out of range, a `Date`, a string) fails the run at that element, naming the step.
 * @example
 * const clicks = p.apply(readText("clicks.jsonl"))
 *   .map((line) => JSON.parse(line) as { user: string; at: number })
 *   .apply(withTimestamps((click) => click.at))
 *   .apply(windowInto(new FixedWindows(60_000)));
 * // A stream whose records carry their event time, up to a minute before they arrive:
 * events.apply(withTimestamps((e) => e.at, { allowedTimestampSkew: 60_000 }));
 */
export function withTimestamps<T, W extends BoundedWindow = BoundedWindow>(
  fn: (element: T) => Instant,
  options: WithTimestampsOptions = {},
): PTransform<PCollection<T, W>, PCollection<T, W>> {
  if (typeof fn !== "function") throw new TypeError(`withTimestamps needs a function from an element to its timestamp, got ${typeof fn}`);
  const skew = options.allowedTimestampSkew ?? 0;
  if (typeof skew !== "number" || !(skew >= 0)) {
    throw new RangeError(`withTimestamps: allowedTimestampSkew must be a non-negative number of ms (or Infinity), got ${String(skew)}`);
  }
  return {
    name: "WithTimestamps",
    expand: (input) =>
      input.apply(
        "AddTimestamps",
        parDo<T, T, W>({
          allowedTimestampSkew: skew,
          process(element, ctx) {
            const timestamp = fn(element);
            if (!isValidTimestamp(timestamp)) throw new RangeError(`withTimestamps: ${invalidTimestamp(timestamp)}`);
            if (timestamp < ctx.timestamp - skew) {
              throw new RangeError(
                `withTimestamps: the timestamp function moved a timestamp backwards from ${formatInstant(ctx.timestamp)} to ` +
                  `${formatInstant(timestamp)}, by more than the allowed skew of ${skew} ms; pass { allowedTimestampSkew } to withTimestamps to allow it`,
              );
            }
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
