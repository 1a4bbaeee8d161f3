/**
 * Checking timestamps where elements enter a pipeline from outside (unbounded sources, TestStreams): the core
 * cannot trust them, and a NaN or out-of-range timestamp would corrupt windowing downstream.
 * @module
 */
import { isValidTimestamp, type Instant } from "../../sdk/model/time.js";
import { userCodeError } from "./user-code-error.js";

/** The element's timestamp, if valid. @throws a user-code error naming the source step and the element */
export function checkSourceTimestamp(step: string, element: { readonly value: unknown; readonly timestamp: Instant }): Instant {
  if (isValidTimestamp(element.timestamp)) return element.timestamp;
  throw userCodeError(
    step,
    new RangeError(`the source gave an invalid timestamp ${String(element.timestamp)} (an integer number of ms within the Date range is required)`),
    { value: element.value },
  );
}
