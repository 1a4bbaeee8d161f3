/**
 * Blobs as files: the process runner keeps shuffle data, bundles and side inputs on disk under the job's
 * directory in `--tempDir`, so the coordinator holds only references and data may exceed memory.
 *
 * A worker writes everything one task produced (a shuffle output per key group, bundles, a checkpoint) into one
 * file, at the task's end: creating and opening files was the largest cost the process runner had over the
 * threads runner on streaming loads (a file per key group per task). The file is deleted once every blob in it
 * has been released ({@link FileBlobReleaser}). Blobs of a few hundred bytes travel inline, over the IPC channel.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { BlobRef, FileBlobRef } from "../shared/protocol.js";
import type { BlobIo } from "../shared/worker-runtime.js";

/** Blobs smaller than this go inline (a group task's handful of output panes): a file would cost more. */
const INLINE_BYTES = 1024;
/** Buffered output a task writes to its file before it ends. */
const FLUSH_BYTES = 8 * 2 ** 20;

/** A reference handed out before its task's file is written: `shares` is filled in at commit. */
type PendingRef = { -readonly [K in keyof FileBlobRef]: FileBlobRef[K] };

/**
 * Reads and writes blobs in files in `dir` (created on first write, mode 0700, inside the run's private
 * directory; not recursively, so a run directory that was removed is not made again). Each file is 0600 and
 * holds one task's blobs.
 */
export class FileBlobs implements BlobIo {
  private created = false;
  /** The current task's file, open once its first bytes were flushed. */
  private file: string | undefined;
  private fd: number | undefined;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private refs: PendingRef[] = [];
  private bytes = 0;

  constructor(private readonly dir: string) {}

  read(ref: BlobRef): Uint8Array {
    if (ref instanceof Uint8Array) return ref;
    if (!("file" in ref)) throw new Error("internal: the process runner got a blob that is not in a file");
    const fd = fs.openSync(ref.file, "r");
    try {
      const bytes = Buffer.allocUnsafe(ref.length);
      let done = 0;
      while (done < ref.length) {
        const n = fs.readSync(fd, bytes, done, ref.length - done, ref.offset + done);
        if (n === 0) throw new Error(`blob ${ref.file} is shorter than expected (${done + ref.offset} of ${ref.offset + ref.length} bytes)`);
        done += n;
      }
      return bytes;
    } finally {
      fs.closeSync(fd);
    }
  }

  write(bytes: Uint8Array): BlobRef {
    if (bytes.byteLength < INLINE_BYTES) return bytes;
    this.file ??= path.join(this.dir, `${randomUUID()}.blob`);
    const ref: PendingRef = { file: this.file, offset: this.bytes, length: bytes.byteLength };
    this.pending.push(bytes);
    this.pendingBytes += bytes.byteLength;
    this.refs.push(ref);
    this.bytes += bytes.byteLength;
    // A task that writes much (a large source split) must not hold all of it in memory until it ends.
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    return ref;
  }

  commit(): void {
    if (this.file === undefined) return;
    this.flush();
    fs.closeSync(this.fd!);
    for (const r of this.refs) r.shares = this.refs.length;
    this.reset();
  }

  abandon(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      fs.rmSync(this.file!, { force: true });
    }
    this.reset();
  }

  private flush(): void {
    if (this.fd === undefined) {
      if (!this.created) {
        try {
          fs.mkdirSync(this.dir, { mode: 0o700 });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        this.created = true;
      }
      this.fd = fs.openSync(this.file!, "wx", 0o600);
    }
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    let done = 0;
    while (done < data.byteLength) done += fs.writeSync(this.fd, data, done, data.byteLength - done);
    this.pending = [];
    this.pendingBytes = 0;
  }

  private reset(): void {
    this.file = undefined;
    this.fd = undefined;
    this.pending = [];
    this.pendingBytes = 0;
    this.refs = [];
    this.bytes = 0;
  }
}

/**
 * Deletes a blob file once every blob in it was released (in-memory blobs need nothing). Each blob must be
 * released once.
 */
export class FileBlobReleaser {
  private readonly released = new Map<string, number>();

  readonly release = (ref: BlobRef): void => {
    if (ref instanceof Uint8Array || !("file" in ref)) return;
    const shares = (ref as FileBlobRef).shares ?? 1;
    const n = (this.released.get(ref.file) ?? 0) + 1;
    if (n < shares) {
      this.released.set(ref.file, n);
      return;
    }
    this.released.delete(ref.file);
    fs.rmSync(ref.file, { force: true });
  };
}
