/**
 * Event time in Sluice: an {@link Instant} is a number of milliseconds since the Unix epoch, the same unit as
 * `Date.now()` and Beam's Java `Instant`. The range is the range of a JavaScript `Date`, so every timestamp can be
 * shown as a date.
 * @module
 */

/** Milliseconds since the Unix epoch. */
export type Instant = number;

/** The smallest valid timestamp (the earliest `Date`). Elements of bounded sources default to it. */
export const TIMESTAMP_MIN_VALUE: Instant = -8.64e15;

/** The largest valid timestamp (the latest `Date`). A watermark here means "no more data, ever". */
export const TIMESTAMP_MAX_VALUE: Instant = 8.64e15;

/**
 * The last timestamp inside the global window: one day before {@link TIMESTAMP_MAX_VALUE}, as in Beam, so that
 * end-of-window timers (and allowed lateness past them) still fall before the end of time.
 */
export const END_OF_GLOBAL_WINDOW: Instant = TIMESTAMP_MAX_VALUE - 24 * 60 * 60 * 1000;

/**
 * Whether `t` is a usable element timestamp: an integer number of milliseconds within the valid range.
 * @example
 * isValidTimestamp(Date.now()); // true
 * isValidTimestamp(NaN); // false
 */
export function isValidTimestamp(t: unknown): t is Instant {
  return typeof t === "number" && Number.isInteger(t) && t >= TIMESTAMP_MIN_VALUE && t <= TIMESTAMP_MAX_VALUE;
}

/**
 * Formats an instant for messages: ISO dates inside the `Date` range ends, symbolic names at the ends.
 * @example
 * formatInstant(0); // "1970-01-01T00:00:00.000Z"
 */
export function formatInstant(t: Instant): string {
  if (t <= TIMESTAMP_MIN_VALUE) return "-inf";
  if (t >= TIMESTAMP_MAX_VALUE) return "+inf";
  if (t === END_OF_GLOBAL_WINDOW) return "end-of-global-window";
  return Number.isFinite(t) ? new Date(t).toISOString() : String(t);
}
