/**
 * Blobs as files: the process runner keeps shuffle data, bundles and side inputs on disk under the job's
 * directory in `--tempDir`, so the coordinator holds only references and data may exceed memory.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { BlobRef } from "../shared/protocol.js";
import type { BlobIo } from "../shared/worker-runtime.js";

/**
 * Reads and writes blobs as whole files in `dir` (created on first write, mode 0700, inside the run's private
 * directory; not recursively, so a run directory that was removed is not made again). Each file is 0600.
 */
export class FileBlobs implements BlobIo {
  private created = false;

  constructor(private readonly dir: string) {}

  read(ref: BlobRef): Uint8Array {
    if (ref instanceof Uint8Array) return ref;
    const fd = fs.openSync(ref.file, "r");
    try {
      const bytes = Buffer.allocUnsafe(ref.length);
      let done = 0;
      while (done < ref.length) {
        const n = fs.readSync(fd, bytes, done, ref.length - done, ref.offset + done);
        if (n === 0) throw new Error(`blob ${ref.file} is shorter than expected (${done} of ${ref.length} bytes)`);
        done += n;
      }
      return bytes;
    } finally {
      fs.closeSync(fd);
    }
  }

  write(bytes: Uint8Array): BlobRef {
    if (!this.created) {
      try {
        fs.mkdirSync(this.dir, { mode: 0o700 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      this.created = true;
    }
    const file = path.join(this.dir, `${randomUUID()}.blob`);
    fs.writeFileSync(file, bytes, { flag: "wx", mode: 0o600 });
    return { file, offset: 0, length: bytes.byteLength };
  }
}

/** Deletes a blob's file once nothing needs it (in-memory blobs need nothing). */
export function releaseFileBlob(ref: BlobRef): void {
  if (!(ref instanceof Uint8Array)) fs.rmSync(ref.file, { force: true });
}
