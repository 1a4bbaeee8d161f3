import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FileBlobReleaser, FileBlobs } from "../../../runners/process/file-blobs.js";
import type { FileBlobRef } from "../../../runners/shared/protocol.js";

function bytes(n: number, fill: number): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

describe("process runner: blobs as files", () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-blobs-"));
    dir = path.join(root, "worker");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("keeps small blobs inline and puts one task's other blobs in one file, deleted once all are released", () => {
    const blobs = new FileBlobs(dir);
    const small = bytes(10, 1);
    expect(blobs.write(small)).to.equal(small);
    const a = blobs.write(bytes(5000, 2)) as FileBlobRef;
    const b = blobs.write(bytes(3000, 3)) as FileBlobRef;
    expect(fs.existsSync(dir)).to.equal(false, "nothing is written before the task commits");
    blobs.commit();
    expect(a.file).to.equal(b.file);
    expect([a.shares, b.shares]).to.deep.equal([2, 2]);
    expect(fs.readdirSync(dir)).to.have.length(1);
    expect(Buffer.from(blobs.read(a)).equals(Buffer.from(bytes(5000, 2)))).to.equal(true);
    expect(Buffer.from(blobs.read(b)).equals(Buffer.from(bytes(3000, 3)))).to.equal(true);

    const c = blobs.write(bytes(2000, 4)) as FileBlobRef;
    blobs.commit();
    expect(c.file).to.not.equal(a.file, "the next task gets its own file");

    const release = new FileBlobReleaser().release;
    release(small);
    release(b);
    expect(fs.existsSync(a.file)).to.equal(true, "a's blob still needs the file");
    release(a);
    expect(fs.existsSync(a.file)).to.equal(false);
    expect(fs.existsSync(c.file)).to.equal(true);
    release(c);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it("writes a task's output in steps when it is large, and a failed task leaves no file", () => {
    const blobs = new FileBlobs(dir);
    const refs = Array.from({ length: 5 }, (_, i) => blobs.write(bytes(3 * 2 ** 20, i + 1)) as FileBlobRef);
    expect(fs.readdirSync(dir)).to.have.length(1, "flushed before the task ends");
    blobs.commit();
    refs.forEach((r, i) => {
      const read = blobs.read(r);
      expect(read.byteLength).to.equal(3 * 2 ** 20);
      expect([read[0], read[read.byteLength - 1]]).to.deep.equal([i + 1, i + 1]);
    });

    blobs.write(bytes(9 * 2 ** 20, 7));
    expect(fs.readdirSync(dir)).to.have.length(2);
    blobs.abandon();
    expect(fs.readdirSync(dir)).to.have.length(1, "the failed task's file is gone");
    blobs.write(bytes(2000, 8));
    blobs.abandon();
    expect(fs.readdirSync(dir)).to.have.length(1);
  });
});
