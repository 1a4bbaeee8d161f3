/**
 * The step after a record source: good records go on, bad ones fail the run, are skipped or become dead
 * letters, and both are counted.
 * @module
 */
import { counter, type DoFn, type ProcessContext } from "../../../sdk/index.js";
import type { RecordOutcome } from "./record-source.js";
import { describeLocation, type OnError } from "./on-error.js";

/** The counter of records read into elements, in the reader's `Route` step. */
export const GOOD_RECORDS = "goodRecords";
/** The counter of bad records, whatever `onError` did with them, in the reader's `Route` step. */
export const BAD_RECORDS = "badRecords";

const goodRecords = counter(GOOD_RECORDS);
const badRecords = counter(BAD_RECORDS);

/** How much of a bad record a failure message quotes. */
const QUOTED_CHARS = 200;

/** What a bad record's `line` counts: lines of a text file, or rows of a Parquet file. */
export type RecordUnit = "line" | "row";

/** The tagged outputs of {@link RouteRecordsFn}: dead letters as JSON lines. */
export type RouteOutputs = { readonly deadLetters: string };

/**
 * Emits good records' elements; counts every record as good or bad; with `"fail"` throws on the first bad one
 * (the runner names this step; the message names the file, the line and the error), with a dead letter emits
 * the bad record as a JSON line to `deadLetters`, with `"skip"` only counts it.
 */
export class RouteRecordsFn<T> implements DoFn<RecordOutcome<T>, T, RouteOutputs> {
  constructor(
    private readonly onError: OnError,
    /** The format's name, for messages. */
    private readonly format: string,
    private readonly unit: RecordUnit = "line",
  ) {}

  process(outcome: RecordOutcome<T>, ctx: ProcessContext<T, RouteOutputs>): void {
    if (outcome.ok) {
      goodRecords.inc();
      ctx.output(outcome.value);
      return;
    }
    const { bad } = outcome;
    badRecords.inc();
    if (this.onError === "skip") return;
    if (this.onError === "fail") {
      const raw = bad.raw.length > QUOTED_CHARS ? `${bad.raw.slice(0, QUOTED_CHARS)}…` : bad.raw;
      throw new Error(
        `bad ${this.format} record in ${describeLocation(bad, this.unit)}: ${bad.error} (record: ${JSON.stringify(raw)}); ` +
          `onError: "skip" or deadLetter(prefix) would keep the run going`,
      );
    }
    ctx.outputTo("deadLetters", JSON.stringify({ file: bad.file, line: bad.line, offset: bad.offset, raw: bad.raw, error: bad.error }));
  }
}
