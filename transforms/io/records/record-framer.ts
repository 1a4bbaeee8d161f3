/**
 * Frames the lines of a split into records: one line each, or, for a format with quoting, as many lines as a
 * quoted field holding newlines needs.
 * @module
 */

/** A record as framed: its text and where it starts. */
export interface FramedRecord {
  /** The record's lines joined by `\n` (their `\r\n` or `\n` endings removed, the last one's too). */
  readonly text: string;
  /** Byte offset of its first byte in the file. */
  readonly offset: number;
  /** 0-based index, among the split's lines, of its first line. */
  readonly lineIndex: number;
  /** Set when the record grew past the size limit with a quote still open: it is bad, and framing restarts. */
  readonly overflow?: true;
}

/** A record longer than this with a quote still open is taken for a stray quote (16 Mi characters). */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/**
 * Feeds lines in, takes records out. Without a quote character every line is a record. With one, a record ends at
 * the first line end outside quotes: quote characters are counted, and an odd count so far means a quote is
 * open (an escaped quote is written doubled, `""`, so it counts twice and changes nothing: RFC 4180's rule).
 * A quoted line end is read as `\n` whatever it was in the file.
 *
 * Invariants: `pending` holds the lines of the record being framed (never empty while `open`), `open` says
 * whether they leave a quote open, `lineIndex` is the index of the next line fed.
 */
export class RecordFramer {
  private pending: string[] = [];
  private pendingChars = 0;
  private pendingOffset = 0;
  private pendingLineIndex = 0;
  private open = false;
  private lineIndex = 0;

  constructor(
    private readonly quote: string | undefined,
    private readonly maxRecordChars: number = MAX_RECORD_CHARS,
  ) {}

  /** The records completed by these lines (the last may stay pending, waiting for its closing quote). */
  push(lines: readonly string[], offsets: readonly number[]): FramedRecord[] {
    const out: FramedRecord[] = [];
    const quote = this.quote;
    for (let i = 0; i < lines.length; i++, this.lineIndex++) {
      const line = lines[i]!;
      if (quote === undefined) {
        out.push({ text: line, offset: offsets[i]!, lineIndex: this.lineIndex });
        continue;
      }
      if (!this.open) {
        this.pending = [line];
        this.pendingChars = line.length;
        this.pendingOffset = offsets[i]!;
        this.pendingLineIndex = this.lineIndex;
      } else {
        this.pending.push(line);
        this.pendingChars += line.length + 1;
      }
      if (countOf(line, quote) % 2 === 1) this.open = !this.open;
      if (!this.open) {
        out.push(this.take());
      } else if (this.pendingChars > this.maxRecordChars) {
        out.push({ ...this.take(), overflow: true });
      }
    }
    return out;
  }

  /** At the end of the split: a record still open (its quote never closed) comes out as it is, to be parsed and rejected. */
  end(): FramedRecord[] {
    return this.open ? [this.take()] : [];
  }

  private take(): FramedRecord {
    const record = { text: this.pending.join("\n"), offset: this.pendingOffset, lineIndex: this.pendingLineIndex };
    this.pending = [];
    this.pendingChars = 0;
    this.open = false;
    return record;
  }
}

function countOf(line: string, quote: string): number {
  let n = 0;
  for (let i = line.indexOf(quote); i >= 0; i = line.indexOf(quote, i + 1)) n++;
  return n;
}
