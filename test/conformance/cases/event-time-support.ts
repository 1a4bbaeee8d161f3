/**
 * Helpers for the event-time conformance cases (no test framework here: workers re-import the cases).
 * @module
 */
import {
  groupByKey,
  kv,
  timestamped,
  windowInto,
  type KV,
  type PCollection,
  type TimestampedValue,
  type WindowFn,
  type WindowIntoOptions,
} from "../../../sdk/index.js";
import type { PaneRecord } from "../../../sdk/testing/index.js";
import { compareAny } from "./support.js";

/**
 * An expected pane record from the transcript notation of `test/runners/core/transcripts.test.ts`:
 * `pane("0:10", kv("k", [1, 2]), 9, "EARLY 0/-1 first")` is the first, EARLY pane of `[0, 10)` at timestamp 9.
 * The spec is `TIMING index/nonSpeculativeIndex`, then `first` and/or `last` when set.
 */
export function pane<T>(window: string, value: T, timestamp: number, spec: string): PaneRecord<T> {
  const m = /^(EARLY|ON_TIME|LATE|UNKNOWN) (\d+)\/(-?\d+)((?: first)?)((?: last)?)$/.exec(spec);
  if (!m) throw new Error(`bad pane spec '${spec}' (expected e.g. "ON_TIME 0/0 first last")`);
  return {
    window,
    value,
    timestamp,
    timing: m[1] as PaneRecord<T>["timing"],
    index: Number(m[2]),
    nonSpeculativeIndex: Number(m[3]),
    isFirst: m[4] !== "",
    isLast: m[5] !== "",
  };
}

/** A GroupByKey's output with each group's values sorted, so panes compare exactly (a group has no order). */
export function sortedValues<K, V>(groups: PCollection<KV<K, readonly V[]>>, name = "SortValues"): PCollection<KV<K, V[]>> {
  return groups.map(({ key, value }) => kv(key, [...value].sort(compareAny)), name);
}

/** An element `KV(key, value)` at `timestamp` for a TestStream; the value defaults to the timestamp. */
export function at(timestamp: number, key = "k", value: number = timestamp): TimestampedValue<KV<string, number>> {
  return timestamped(kv(key, value), timestamp);
}

/** Re-windows, groups and sorts each group's values: the panes a transcript compares. */
export function groupedIn(
  input: PCollection<KV<string, number>>,
  name: string,
  windowFn: WindowFn,
  options: WindowIntoOptions = {},
): PCollection<KV<string, number[]>> {
  const grouped = input.apply(`Window${name}`, windowInto<KV<string, number>>(windowFn, options)).apply(`Group${name}`, groupByKey<string, number>());
  return sortedValues(grouped, `Sort${name}`);
}
