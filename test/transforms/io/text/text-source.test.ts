import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { TextSource, type TextSplit } from "../../../../transforms/io/text/text-source.js";
import { readLineRange } from "../../../../transforms/io/text/line-reader.js";

/** What reading a file's content must give: the reference every reader result is checked against. */
function expectedLines(content: string): string[] {
  if (content.startsWith("\uFEFF")) content = content.slice(1);
  if (content === "") return [];
  const lines = content.split("\n");
  if (content.endsWith("\n")) lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

async function collect(batches: AsyncIterable<readonly string[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const b of batches) {
    expect(b.length, "no empty batches").to.be.greaterThan(0);
    out.push(...b);
  }
  return out;
}

/** Reads ranges cut at `cuts` (sorted positions in (0, size)) and concatenates them in file order. */
async function readCut(file: string, size: number, cuts: readonly number[], chunkBytes: number): Promise<string[]> {
  const bounds = [0, ...cuts, size];
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) out.push(...(await collect(readLineRange(file, bounds[k]!, bounds[k + 1]!, chunkBytes))));
  return out;
}

/** A seeded PRNG (mulberry32), so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("text IO: TextSource", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-text-source-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, content: string | Buffer): string => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };

  // BOM, CRLF, empty lines (LF and CRLF), 2-, 3- and 4-byte UTF-8 characters, a lone \r inside a line, and a
  // last line without a newline.
  const TRICKY = "\uFEFFhéllo wörld\r\n\n€uro 𝄞 clef\r\nplain\n\r\n日本語テキスト\na\rb\nlast line, no newline";

  describe("byte ranges", () => {
    const contents: Record<string, string> = {
      tricky: TRICKY,
      "trailing LF": "one\ntwo\n",
      "trailing CRLF": "one\r\ntwo\r\n",
      "only newlines": "\n\n\n",
      "one newline": "\n",
      "one char": "x",
      "BOM only": "\uFEFF",
      "BOM and newline": "\uFEFF\r\n",
      "long lines": `${"ab€".repeat(12)}\n${"𝄞".repeat(10)}\r\n\n${"z".repeat(25)}`,
    };
    for (const [name, content] of Object.entries(contents)) {
      it(`reads every line exactly once, in order, for split sizes 1..20 and any chunk size: ${name}`, async () => {
        const file = write("f.txt", content);
        const size = fs.statSync(file).size;
        const want = expectedLines(content);
        for (const chunkBytes of [1, 2, 3, 5, 7, 64, 1 << 16]) {
          for (let splitSize = 1; splitSize <= 20; splitSize++) {
            const cuts: number[] = [];
            for (let c = splitSize; c < size; c += splitSize) cuts.push(c);
            const got = await readCut(file, size, cuts, chunkBytes);
            expect(got, `split size ${splitSize}, chunk ${chunkBytes}`).to.deep.equal(want);
          }
        }
      });
    }

    it("reads every line exactly once for random contents and random cuts", async () => {
      const random = prng(7);
      const pieces = ["a", "b", "\n", "\r\n", "\r", "é", "€", "𝄞", "\n\n"];
      for (let round = 0; round < 300; round++) {
        let content = random() < 0.2 ? "\uFEFF" : "";
        const n = Math.floor(random() * 40);
        for (let i = 0; i < n; i++) content += pieces[Math.floor(random() * pieces.length)];
        const file = write("fuzz.txt", content);
        const size = fs.statSync(file).size;
        const cuts = [...new Set(Array.from({ length: Math.floor(random() * 6) }, () => 1 + Math.floor(random() * Math.max(1, size - 1))))]
          .filter((c) => c < size)
          .sort((a, b) => a - b);
        const chunkBytes = 1 + Math.floor(random() * 9);
        const got = await readCut(file, size, cuts, chunkBytes);
        expect(got, `round ${round}: ${JSON.stringify(content)} cut at ${cuts} chunk ${chunkBytes}`).to.deep.equal(expectedLines(content));
      }
    });

    it("reads nothing from an empty range", async () => {
      const file = write("f.txt", "abc\ndef\n");
      expect(await collect(readLineRange(file, 3, 3))).to.deep.equal([]);
    });

    it("yields batches of bounded size, not one element per Promise nor one giant array", async () => {
      const lines = Array.from({ length: 20000 }, (_, i) => `line ${i}`);
      const file = write("big.txt", lines.join("\n"));
      const sizes: number[] = [];
      for await (const b of readLineRange(file, 0, fs.statSync(file).size)) sizes.push(b.length);
      expect(sizes.length).to.be.greaterThan(1).and.lessThan(20);
      expect(Math.max(...sizes)).to.be.at.most(4096);
      expect(sizes.reduce((a, b) => a + b, 0)).to.equal(20000);
    });
  });

  describe("split", () => {
    it("cuts a file into contiguous ranges of about the desired size that read every line once", async () => {
      const file = write("f.txt", TRICKY);
      const size = fs.statSync(file).size;
      for (let desired = 1; desired <= 20; desired++) {
        const source = new TextSource(file, { minSplitBytes: 1, chunkBytes: 3 });
        const splits = await source.split(desired);
        expect(splits[0]!.start).to.equal(0);
        expect(splits.at(-1)!.end).to.equal(size);
        for (let k = 1; k < splits.length; k++) expect(splits[k]!.start).to.equal(splits[k - 1]!.end);
        for (const s of splits) {
          expect(s.end - s.start).to.be.within(Math.floor(desired / 2), desired * 2);
          expect(s).to.deep.equal({ path: file, start: s.start, end: s.end, gzip: false }); // plain data only
        }
        const got: string[] = [];
        for (const s of splits) got.push(...(await collect(source.read(s))));
        expect(got, `desired ${desired}`).to.deep.equal(expectedLines(TRICKY));
      }
    });

    it("does not cut below minSplitBytes (1 MiB by default)", async () => {
      const file = write("f.txt", "x\n".repeat(1000));
      expect(await new TextSource(file).split(10)).to.deep.equal([{ path: file, start: 0, end: 2000, gzip: false }]);
      expect(await new TextSource(file, { minSplitBytes: 500 }).split(10)).to.have.length(4);
    });

    it("gives no split for an empty file", async () => {
      const file = write("empty.txt", "");
      const source = new TextSource(file);
      expect(await source.split(1 << 20)).to.deep.equal([]);
    });

    it("expands a glob of several files, sorted by path, with .gz files as one split each", async () => {
      write("b.txt", "b1\nb2\n");
      write("a.txt", "a1\r\na2");
      write("c.txt.gz", zlib.gzipSync("c1\nc2\n".repeat(100)));
      write("skip.log", "not me\n");
      write("sub/d.txt", "not me either\n");
      const source = new TextSource(path.join(dir, "*.txt*"), { minSplitBytes: 1 });
      const splits = await source.split(4);
      expect([...new Set(splits.map((s) => path.basename(s.path)))]).to.deep.equal(["a.txt", "b.txt", "c.txt.gz"]);
      const gz = splits.filter((s) => s.gzip);
      expect(gz).to.have.length(1);
      expect(gz[0]!.start).to.equal(0);
      const got: string[] = [];
      for (const s of splits) got.push(...(await collect(source.read(s))));
      expect(got).to.deep.equal(["a1", "a2", "b1", "b2", ...expectedLines("c1\nc2\n".repeat(100))]);
    });

    it("accepts several patterns and reads a file two of them name only once", async () => {
      const a = write("a.txt", "a\n");
      write("b.txt", "b\n");
      const source = new TextSource([path.join(dir, "*.txt"), a]);
      const splits = await source.split(1 << 20);
      expect(splits.map((s) => path.basename(s.path))).to.deep.equal(["a.txt", "b.txt"]);
      expect(await source.estimateSizeBytes()).to.equal(4);
    });

    it("resolves relative paths, so splits mean the same file on every worker", async () => {
      write("rel.txt", "r\n");
      const relative = path.relative(process.cwd(), path.join(dir, "rel.txt"));
      const [split] = await new TextSource(relative).split(1 << 20);
      expect(path.isAbsolute(split!.path)).to.equal(true);
    });

    it("fails when a glob matches nothing", async () => {
      const pattern = path.join(dir, "*.nothing");
      const error = await new TextSource(pattern).split(1 << 20).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.equal(`no files match '${pattern}'`);
    });

    it("fails when a plain path does not exist", async () => {
      const missing = path.join(dir, "missing.txt");
      const error = await new TextSource([missing]).split(1 << 20).catch((e: unknown) => e);
      expect((error as Error).message).to.equal(`no such file '${missing}'`);
    });

    it("rejects bad patterns when the pipeline is built", () => {
      expect(() => new TextSource([])).to.throw(TypeError, /at least one file pattern/);
      expect(() => new TextSource("")).to.throw(TypeError, /non-empty string/);
      expect(() => new TextSource("x", { chunkBytes: 0 })).to.throw(RangeError, /chunkBytes/);
    });
  });

  describe("gzip", () => {
    it("decompresses as a stream, whatever the chunk size, and reads concatenated members", async () => {
      const content = `${TRICKY}\n${"más líneas\n".repeat(3000)}`;
      const bytes = Buffer.from(content);
      const file = write("f.txt.gz", Buffer.concat([zlib.gzipSync(bytes.subarray(0, 1001)), zlib.gzipSync(bytes.subarray(1001))]));
      for (const chunkBytes of [1, 100, 1 << 16]) {
        const source = new TextSource(file, { chunkBytes, minSplitBytes: 1 });
        const splits: readonly TextSplit[] = await source.split(10);
        expect(splits).to.deep.equal([{ path: file, start: 0, end: fs.statSync(file).size, gzip: true }]);
        expect(await collect(source.read(splits[0]!))).to.deep.equal(expectedLines(content));
      }
    });

    it("recognises .GZ in any case", async () => {
      const file = write("F.TXT.GZ", zlib.gzipSync("x\ny"));
      const source = new TextSource(file);
      const [split] = await source.split(1 << 20);
      expect(await collect(source.read(split!))).to.deep.equal(["x", "y"]);
    });

    it("fails with the path on a corrupt gzip file", async () => {
      const file = write("bad.gz", Buffer.from("this is not gzip data"));
      const source = new TextSource(file);
      const [split] = await source.split(1 << 20);
      const error = await collect(source.read(split!)).catch((e: unknown) => e);
      expect((error as Error).message).to.include(file);
    });
  });
});
