/**
 * RecordSource: the records of CSV, JSON Lines (or any line-based format's) files, parsed and validated, each
 * either an element or a bad record that says where it was. Built on TextSource's splits and line reader.
 * @module
 */
import type { BoundedSource } from "../../../sdk/index.js";
import { TextSource, type TextSplit } from "../text/text-source.js";
import { countNewlines, readLineRangeBatches } from "../text/line-reader.js";
import type { RecordFormat, RecordParser } from "./record-format.js";
import { RecordFramer, type FramedRecord } from "./record-framer.js";
import { MAX_LINE_COUNT_BYTES, type BadRecord } from "./on-error.js";
import { AsyncSchemaError, validateSync, type StandardSchemaV1 } from "./standard-schema.js";

/**
 * What a record source emits for each record: its element, or the bad record. Plain data; it only travels from the
 * source to the step that routes it (fused with it).
 */
export type RecordOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly bad: BadRecord };

/** How a {@link RecordSource} reads: the format, an optional schema and the text source's tuning. */
export interface RecordSourceOptions<T> {
  readonly format: RecordFormat<unknown>;
  /** Validates (and may transform) every parsed record; a record it rejects is bad. */
  readonly schema?: StandardSchemaV1<unknown, T> | undefined;
  /** The step, for messages (`ReadCsv`). */
  readonly step: string;
  /** See {@link TextSourceOptions}. */
  readonly minSplitBytes?: number | undefined;
  /** See {@link TextSourceOptions}. */
  readonly chunkBytes?: number | undefined;
}

/**
 * The records of the files some patterns name. Splits are TextSource's: byte ranges at line boundaries (a range
 * owns the records whose first line begins in it), or whole files for gzip and for formats whose records may
 * span lines (`format.quote`). A file's header record is read by every range of the file (the first range skips
 * it; the others read the file's first line once and keep it).
 *
 * Bad records keep their file, line and offset. The line is known at once for a range that starts the file;
 * a later range that meets a bad record counts the lines before it then, once (reading the file's start, up to
 * {@link MAX_LINE_COUNT_BYTES}), so clean ranges never pay for it.
 * @example
 * const source = new RecordSource<Row>(["in/*.jsonl"], { format: jsonlFormat, step: "ReadJsonl" });
 */
export class RecordSource<T> implements BoundedSource<RecordOutcome<T>, TextSplit> {
  readonly description: string;
  private readonly text: TextSource;
  private readonly format: RecordFormat<unknown>;
  private readonly schema: StandardSchemaV1<unknown, T> | undefined;
  private readonly step: string;
  /** Each file's header record and its offset, read once per source instance (one per worker). */
  private readonly headers = new Map<string, { text: string; offset: number } | undefined>();

  constructor(patterns: string | readonly string[], options: RecordSourceOptions<T>) {
    this.format = options.format;
    this.schema = options.schema;
    this.step = options.step;
    this.text = new TextSource(patterns, {
      ...(options.minSplitBytes !== undefined ? { minSplitBytes: options.minSplitBytes } : {}),
      ...(options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {}),
      splittable: options.format.quote === undefined,
    });
    this.description = `${options.format.name} ${this.text.description}`;
  }

  split(desiredBundleSizeBytes: number): Promise<readonly TextSplit[]> {
    return this.text.split(desiredBundleSizeBytes);
  }

  estimateSizeBytes(): Promise<number> {
    return this.text.estimateSizeBytes();
  }

  async *read(split: TextSplit): AsyncGenerator<RecordOutcome<T>[]> {
    const header = this.format.hasHeader ? await this.headerOf(split) : undefined;
    const parse = this.format.parserFor(split.path, header?.text);
    const framer = new RecordFramer(this.format.quote);
    // Lines of the file before the split's first line: 0 for a range that starts the file, else counted when
    // first needed; `null` once we know it is too far in to count.
    let linesBefore: number | null | undefined = split.start === 0 ? 0 : undefined;
    let firstOffset: number | undefined;
    const lineOf = async (record: FramedRecord): Promise<number | null> => {
      if (linesBefore === undefined) {
        const at = firstOffset ?? split.start;
        linesBefore = at <= MAX_LINE_COUNT_BYTES ? await countNewlines(split.path, at) : null;
      }
      return linesBefore === null ? null : linesBefore + record.lineIndex + 1;
    };
    const outcomes = async (records: readonly FramedRecord[]): Promise<RecordOutcome<T>[]> => {
      const data = records.filter((r) => !isBlank(r.text) && r.offset !== header?.offset);
      const results = this.parseAll(parse, data);
      const out: RecordOutcome<T>[] = [];
      for (let i = 0; i < data.length; i++) {
        const result = results[i]!;
        if (result.ok) {
          out.push(result);
        } else {
          const r = data[i]!;
          out.push({ ok: false, bad: { file: split.path, line: await lineOf(r), offset: r.offset, raw: r.text, error: result.error } });
        }
      }
      return out;
    };
    for await (const { lines, offsets } of this.text.readBatches(split)) {
      firstOffset ??= offsets[0];
      const out = await outcomes(framer.push(lines, offsets));
      if (out.length > 0) yield out;
    }
    const last = await outcomes(framer.end());
    if (last.length > 0) yield last;
  }

  /** Parses and validates one batch. An overflowing record is bad without being parsed. */
  private parseAll(parse: RecordParser<unknown>, records: readonly FramedRecord[]): ({ ok: true; value: T } | { ok: false; error: string })[] {
    const whole = records.filter((r) => r.overflow !== true);
    const parsed = parse(whole.map((r) => r.text));
    const results: ({ ok: true; value: T } | { ok: false; error: string })[] = [];
    let k = 0;
    for (const r of records) {
      if (r.overflow === true) {
        results.push({ ok: false, error: `a record of more than ${r.text.length} characters with a quote still open (a stray quote?)` });
        continue;
      }
      const p = parsed[k++]!;
      if (!p.ok || this.schema === undefined) {
        results.push(p as { ok: true; value: T } | { ok: false; error: string });
        continue;
      }
      try {
        results.push({ ok: true, value: validateSync(this.schema, p.value, this.step) });
      } catch (e) {
        if (e instanceof AsyncSchemaError) throw e;
        results.push({ ok: false, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return results;
  }

  /**
   * The file's header: its first non-blank record. A range that starts the file frames it like any record (and
   * skips it by its offset); a later range reads it from the file's start, once per file per instance. Gzip files
   * and files read whole are always read from the start, so they never come here with another range.
   */
  private async headerOf(split: TextSplit): Promise<{ text: string; offset: number } | undefined> {
    if (this.headers.has(split.path)) return this.headers.get(split.path);
    let found: { text: string; offset: number } | undefined;
    const framer = new RecordFramer(this.format.quote);
    const batches = split.start === 0 ? this.text.readBatches(split) : readLineRangeBatches(split.path, 0, Infinity);
    outer: for await (const { lines, offsets } of batches) {
      for (const r of framer.push(lines, offsets)) {
        if (!isBlank(r.text)) {
          found = { text: r.text, offset: r.offset };
          break outer;
        }
      }
    }
    found ??= framer.end().find((r) => !isBlank(r.text));
    this.headers.set(split.path, found);
    return found;
  }
}

/** Lines that are empty or only whitespace are not records (in CSV and JSON Lines alike). */
function isBlank(text: string): boolean {
  return text.length === 0 || text.trim().length === 0;
}
