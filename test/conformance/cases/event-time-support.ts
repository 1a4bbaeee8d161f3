/**
 * Helpers for the event-time conformance cases (no test framework here: workers re-import the cases).
 * @module
 */
import { kv, type KV, type PCollection } from "../../../sdk/index.js";
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
