/**
 * readRecords: the composite every record reader expands to (Read, Route, and the dead-letter write).
 * @module
 */
import { parDo, parDoWithOutputs, read, type BoundedSource, type PBegin, type PCollection, type PTransform } from "../../../sdk/index.js";
import { writeText } from "../text/write-text.js";
import type { RecordOutcome } from "./record-source.js";
import { RouteRecordsFn, type RecordUnit, type RouteOutputs } from "./route-records-fn.js";
import type { OnError } from "./on-error.js";

/**
 * ```
 *   Read (RecordSource, ParquetSource: elements and bad records) ─▶ Route ─▶ elements
 *                                                     └─ deadLetters (with deadLetter(prefix)) ─▶ WriteDeadLetters
 * ```
 * Route counts `goodRecords` and `badRecords`. The dead letters are written by `writeText` (suffix `.jsonl`), so
 * they are published atomically at the end of a successful run, like any output.
 * @param name the reader's name (`ReadCsv`)
 * @param unit what a bad record's `line` counts, for messages: lines of text, or rows of a Parquet file
 * @example
 * const rows = p.apply(readRecords("ReadJsonl", new RecordSource(pattern, { format, step: "ReadJsonl" }), "skip", "JSON Lines"));
 */
export function readRecords<T>(
  name: string,
  source: BoundedSource<RecordOutcome<T>, unknown>,
  onError: OnError,
  format: string,
  unit: RecordUnit = "line",
): PTransform<PBegin, PCollection<T>> {
  return {
    name,
    expand(begin) {
      const outcomes = begin.pipeline.apply("Read", read(source));
      const route = new RouteRecordsFn<T>(onError, format, unit);
      if (typeof onError !== "object") return outcomes.apply("Route", parDo(route));
      const { main, deadLetters } = outcomes.apply("Route", parDoWithOutputs<RecordOutcome<T>, T, RouteOutputs>(route, ["deadLetters"]));
      deadLetters.apply("WriteDeadLetters", writeText(onError.prefix, { suffix: ".jsonl", shards: onError.shards }));
      return main;
    },
  };
}
