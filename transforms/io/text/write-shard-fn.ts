/**
 * The DoFn that writes one shard's lines to a temporary file.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { DoFn, KV, ProcessContext } from "../../../sdk/index.js";
import type { ShardSpec } from "./shard-names.js";

/** A shard written to its temporary file, waiting to be renamed by the finalize step. */
export interface WrittenShard {
  readonly shard: number;
  readonly tempPath: string;
}

/** Characters per `write` call: big enough to be cheap, small enough not to copy a whole shard into one string. */
const WRITE_CHARS = 1 << 20;

/**
 * Writes the lines of a shard (all of them: its input is grouped by shard) to a fresh temporary file, sorted, so
 * that a file's bytes do not depend on the order the runner delivered the lines in.
 *
 * Files are written synchronously in `process`, which must be synchronous; a shard is written whole by one call,
 * so this is one blocking write per shard, not per line.
 *
 * Cleanup of temporary files (owned by this instance; runners call `teardown` when an instance is discarded):
 * - files of a bundle that did not finish are always deleted: the runner drops that bundle's outputs, and a
 *   retry writes its own file under another random name;
 * - files of finished bundles are deleted when the instance is torn down outside a bundle, i.e. at the end of
 *   the run. After a successful run the finalize step has already renamed them (nothing left to delete); after a
 *   failed run this is what leaves no temporary files behind. This relies on runners tearing an instance down
 *   only at the end of the run or after a failed bundle, never between a finished bundle and the finalize step.
 */
export class WriteShardFn implements DoFn<KV<number, readonly string[]>, WrittenShard> {
  private readonly files = new TempFiles();

  constructor(private readonly spec: ShardSpec) {}

  startBundle(): void {
    this.files.startBundle();
  }

  process({ key: shard, value: lines }: KV<number, readonly string[]>, ctx: ProcessContext<WrittenShard>): void {
    const tempPath = this.files.create(this.spec.tempDir, `shard-${shard}`);
    writeLinesSync(tempPath, this.spec.header, sortedLines(lines));
    ctx.output({ shard, tempPath });
  }

  finishBundle(): void {
    this.files.finishBundle(true);
  }

  teardown(): void {
    this.files.teardown(this.spec.tempDir);
  }
}

/**
 * The temporary files one writer DoFn instance created, and when they are deleted (the rules of
 * {@link WriteShardFn}): files of a bundle that did not finish always; files of finished bundles that were handed
 * on (`keep`) when the instance is torn down outside a bundle, i.e. at the end of the run, by which time a
 * successful run has renamed them.
 */
export class TempFiles {
  /** Files created by the bundle in progress: outputs the runner may still drop. Emptied when it finishes. */
  private pending: string[] = [];
  /** Files of finished bundles handed to a later step, which renames them. */
  private finished: string[] = [];
  /** Whether a bundle has started and not finished (teardown then means that bundle failed). */
  private inBundle = false;

  startBundle(): void {
    this.inBundle = true;
  }

  /**
   * A fresh temporary path in `dir` (created if need be), owned by the bundle in progress. The name is random
   * per attempt, so a retried bundle never collides with a file a failed attempt is deleting.
   */
  create(dir: string, stem: string): string {
    // Created here rather than in `setup`, so a run that fails before any file is written leaves no directory.
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${stem}.${randomUUID()}.tmp`);
    this.pending.push(file);
    return file;
  }

  /** The bundle finished: its files were handed on (`keep`) or already renamed (nothing left to track). */
  finishBundle(keep: boolean): void {
    if (keep) this.finished.push(...this.pending);
    this.pending = [];
    this.inBundle = false;
  }

  teardown(dir: string): void {
    const doomed = this.inBundle ? this.pending : [...this.pending, ...this.finished];
    for (const file of doomed) fs.rmSync(file, { force: true });
    this.pending = [];
    if (!this.inBundle) this.finished = [];
    removeDirIfEmpty(dir);
  }
}

/** A copy of the lines sorted by UTF-16 code units (`<`): the same order on every machine, whatever its locale. */
export function sortedLines(lines: readonly string[]): string[] {
  return [...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Writes `header` (if any) and each line followed by `\n`, in writes of about {@link WRITE_CHARS} characters. */
export function writeLinesSync(file: string, header: string | undefined, lines: readonly string[]): void {
  // "wx": the name is fresh; failing beats silently overwriting someone else's file.
  const fd = fs.openSync(file, "wx");
  try {
    let buffer = header === undefined ? "" : `${header}\n`;
    for (let i = 0; i < lines.length; i++) {
      buffer += `${lines[i]}\n`;
      if (buffer.length >= WRITE_CHARS) {
        writeAllSync(fd, buffer);
        buffer = "";
      }
    }
    if (buffer.length > 0) writeAllSync(fd, buffer);
  } finally {
    fs.closeSync(fd);
  }
}

/** `writeSync` may write less than asked; loop until every byte is out. */
function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off);
}

/** Removes a directory if it exists and is empty; another instance's files keep it alive until its own teardown. */
export function removeDirIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
  }
}
