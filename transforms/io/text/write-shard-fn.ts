/**
 * The DoFn that writes one shard's lines to a temporary file.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { randomUUID } from "node:crypto";
import { makePrivateDir, removePrivateDir, type DoFn, type KV, type ProcessContext, type TeardownContext } from "../../../sdk/index.js";
import { TEMP_DIR_PREFIX, type ShardSpec } from "./shard-names.js";
import { isGzip } from "./compression.js";
import { parquetShardBytes } from "../parquet/parquet-encoding.js";

/** A shard written to its temporary file, waiting to be renamed by the finalize step. Plain data. */
export interface WrittenShard {
  readonly shard: number;
  /** In a private directory of the writer (`<dir of prefix>/.sluice-temp-XXXXXX/`). */
  readonly tempPath: string;
}

/** Characters per `write` call: big enough to be cheap, small enough not to copy a whole shard into one string. */
const WRITE_CHARS = 1 << 20;

/**
 * Writes the lines of a shard (all of them: its input is grouped by shard) to a fresh temporary file, sorted, so
 * that a file's bytes do not depend on the order the runner delivered the lines in, and outputs where: the
 * finalize step learns every temporary file from these elements (as in Beam's WriteFiles), never by computing
 * a shared name.
 *
 * Files are written synchronously in `process`, which must be synchronous; a shard is written whole by one call,
 * so this is one blocking write per shard, not per line. Temporary files follow {@link TempFiles}' rules.
 */
export class WriteShardFn implements DoFn<KV<number, readonly string[]>, WrittenShard> {
  private readonly files: TempFiles;

  constructor(spec: ShardSpec) {
    this.files = new TempFiles(path.dirname(spec.prefix), spec);
  }

  startBundle(): void {
    this.files.startBundle();
  }

  process({ key: shard, value: lines }: KV<number, readonly string[]>, ctx: ProcessContext<WrittenShard>): void {
    ctx.output({ shard, tempPath: this.files.write(`shard-${shard}`, lines) });
  }

  finishBundle(): void {
    this.files.finishBundle();
  }

  teardown(ctx: TeardownContext): void {
    this.files.teardown(ctx);
  }
}

/**
 * The temporary files one writer DoFn instance created, in a private directory of its own (`mkdtemp` next to
 * the output: mode 0700, files 0600), made when the instance writes its first file, and when they are deleted:
 * - files of a bundle that did not finish always (the runner drops that bundle's outputs; a retry writes its own
 *   file under another random name);
 * - files of finished bundles, handed on to the finalize step, only when the instance is torn down at the end of
 *   the run (teardown reason `"end-of-run"`), by which time a successful run has renamed them: the whole
 *   directory goes then. A parallel runner's worker discards its DoFns after any failed bundle while the run
 *   goes on (reason `"discarded"`): their finished files stay, for the finalize step. A worker that dies tears
 *   nothing down; its directory is registered in the runner's run directory and removed with it.
 */
export class TempFiles {
  /** This instance's private directory, once made. */
  private dir: string | undefined;
  /** Files created by the bundle in progress: outputs the runner may still drop. Emptied when it finishes. */
  private pending: string[] = [];
  /** Whether a bundle has started and not finished (teardown then means that bundle failed). */
  private inBundle = false;

  constructor(
    /** Where the private directory is made: the output's directory. */
    private readonly outputDir: string,
    /** What the files hold: header, compression, encoding. */
    private readonly spec: ShardSpec,
  ) {}

  startBundle(): void {
    this.inBundle = true;
  }

  /**
   * Writes `header` and the sorted lines to a fresh temporary file (0600) in this instance's private directory,
   * owned by the bundle in progress, and returns its path. The name is random per attempt, so a retried bundle
   * never collides with a file a failed attempt is deleting.
   */
  write(stem: string, lines: readonly string[]): string {
    // Made here rather than in `setup`, so a run that fails before any file is written leaves no directory.
    this.dir ??= makePrivateDir(this.outputDir, TEMP_DIR_PREFIX);
    const file = path.join(this.dir, `${stem}.${randomUUID()}.tmp`);
    this.pending.push(file);
    writeShardFile(file, this.spec, sortedLines(lines));
    return file;
  }

  /** The bundle finished: its files were handed on or already renamed; either way, no longer the bundle's. */
  finishBundle(): void {
    this.pending = [];
    this.inBundle = false;
  }

  /** Deletes the files of a bundle in progress (it failed), and at the end of the run the whole directory. */
  teardown({ reason }: TeardownContext): void {
    if (this.dir === undefined) return;
    if (this.inBundle) for (const file of this.pending) fs.rmSync(file, { force: true });
    this.pending = [];
    this.inBundle = false;
    if (reason === "discarded") return; // the run goes on: finished bundles' files may still be published
    removePrivateDir(this.dir);
    this.dir = undefined;
  }
}

/** A copy of the lines sorted by UTF-16 code units (`<`): the same order on every machine, whatever its locale. */
export function sortedLines(lines: readonly string[]): string[] {
  return [...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Writes a shard's (sorted) lines to a fresh file as the spec says: Parquet when it has that encoding, else text
 * (gzip when the suffix ends in `.gz`).
 */
export function writeShardFile(file: string, spec: ShardSpec, lines: readonly string[]): void {
  if (spec.encoding === undefined) {
    writeLinesSync(file, spec.header, lines, isGzip(spec.suffix));
    return;
  }
  const fd = fs.openSync(file, "wx", 0o600);
  try {
    writeAllSync(fd, parquetShardBytes(lines, spec.encoding));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `header` (if any) and each line followed by `\n`, in writes of about {@link WRITE_CHARS} characters.
 * With `gzip`, each write is one gzip member: a file of concatenated members is a valid gzip file (RFC 1952, and
 * how `readText` reads it), and compressing piece by piece never holds a whole shard's bytes twice. Node writes
 * no timestamp into a gzip header, so the bytes stay deterministic. An empty file is still one (empty) member.
 */
export function writeLinesSync(file: string, header: string | undefined, lines: readonly string[], gzip = false): void {
  // "wx": the name is fresh; failing beats silently overwriting someone else's file. 0600 until renamed.
  const fd = fs.openSync(file, "wx", 0o600);
  const put = (text: string): void => writeAllSync(fd, gzip ? zlib.gzipSync(text) : Buffer.from(text));
  try {
    let buffer = header === undefined ? "" : `${header}\n`;
    let wrote = false;
    for (let i = 0; i < lines.length; i++) {
      buffer += `${lines[i]}\n`;
      if (buffer.length >= WRITE_CHARS) {
        put(buffer);
        wrote = true;
        buffer = "";
      }
    }
    if (buffer.length > 0 || (gzip && !wrote)) put(buffer);
  } finally {
    fs.closeSync(fd);
  }
}

/** `writeSync` may write less than asked; loop until every byte is out. */
function writeAllSync(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off);
}
