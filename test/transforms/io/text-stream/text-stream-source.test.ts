import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { Pipeline, TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE, type UnboundedReader } from "../../../../sdk/index.js";
import { readTextStream, TextStreamSource, type ReadTextStreamOptions } from "../../../../transforms/index.js";
import { MAX_POLL_BYTES } from "../../../../transforms/io/text-stream/text-stream-source.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A seeded PRNG (mulberry32), so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What readText gives for a whole file: the reference for a stream that has ended. */
function expectedLines(content: string): string[] {
  if (content.startsWith("\uFEFF")) content = content.slice(1);
  if (content === "") return [];
  const lines = content.split("\n");
  if (content.endsWith("\n")) lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

async function open(pattern: string | string[], options: ReadTextStreamOptions = {}, checkpoint?: unknown): Promise<UnboundedReader<string>> {
  const source = new TextStreamSource(pattern, { pollIntervalMs: 0, ...options });
  const [split, ...more] = await source.split(4);
  expect(more, "one split").to.have.length(0);
  return source.createReader(split!, checkpoint);
}

async function values(reader: UnboundedReader<string>, max = 1000): Promise<string[]> {
  return (await reader.read(max)).map((e) => e.value);
}

/** Reads until the reader is done (it needs `stopAfterIdleMs`). */
async function drain(reader: UnboundedReader<string>, max = 1000): Promise<string[]> {
  const out: string[] = [];
  const start = performance.now();
  while (!reader.done) {
    if (performance.now() - start > 2000) throw new Error("the reader did not finish");
    const batch = await values(reader, max);
    out.push(...batch);
    if (batch.length === 0) await sleep(2);
  }
  return out;
}

describe("transforms: readTextStream (TextStreamSource readers)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-text-stream-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string) => path.join(dir, name);
  const append = (name: string, content: string | Buffer) => fs.appendFileSync(file(name), content);

  it("emits a line once its \\n has arrived, whole, however the appends cut it", async () => {
    const reader = await open(file("log.txt"));
    expect(await values(reader), "the file does not exist yet").to.deep.equal([]);
    append("log.txt", "\uFEFFal");
    expect(await values(reader)).to.deep.equal([]);
    append("log.txt", "pha\nbe");
    expect(await values(reader)).to.deep.equal(["alpha"]);
    append("log.txt", "ta\r");
    expect(await values(reader)).to.deep.equal([]);
    append("log.txt", "\n\n");
    expect(await values(reader)).to.deep.equal(["beta", ""]);
    const clef = Buffer.from("𝄞 clef\n");
    append("log.txt", clef.subarray(0, 2)); // half of a 4-byte character
    expect(await values(reader)).to.deep.equal([]);
    append("log.txt", clef.subarray(2));
    expect(await values(reader)).to.deep.equal(["𝄞 clef"]);
    expect(await values(reader)).to.deep.equal([]);
    expect(reader.done).to.equal(false);
    await reader.close();
  });

  it("gives every line exactly once over random appends and reads (fuzz)", async () => {
    const random = prng(7);
    const alphabet = ["a", "b", "é", "𝄞", "\n", "\n", "\r\n", " "];
    let content = "";
    for (let i = 0; i < 2000; i++) content += alphabet[Math.floor(random() * alphabet.length)];
    const bytes = Buffer.from(content);
    const reader = await open(file("f.txt"), { stopAfterIdleMs: 20 });
    const out: string[] = [];
    for (let pos = 0; pos < bytes.length; ) {
      const n = 1 + Math.floor(random() * 40);
      append("f.txt", bytes.subarray(pos, pos + n));
      pos += n;
      out.push(...(await values(reader, 1 + Math.floor(random() * 5))));
    }
    out.push(...(await drain(reader, 7)));
    expect(out).to.deep.equal(expectedLines(content));
  });

  it("picks up new files in a directory (not dot files) and by glob, each line once", async () => {
    fs.mkdirSync(file("in"));
    const reader = await open([file("in"), file("other/*.log")]);
    expect(await values(reader)).to.deep.equal([]);
    fs.writeFileSync(file("in/a.txt"), "a1\na2\n");
    fs.writeFileSync(file("in/.b.txt.tmp"), "not yet\n");
    expect(await values(reader)).to.deep.equal(["a1", "a2"]);
    fs.renameSync(file("in/.b.txt.tmp"), file("in/b.txt"));
    fs.mkdirSync(file("other"));
    fs.writeFileSync(file("other/x.log"), "x1\n");
    fs.writeFileSync(file("other/x.txt"), "ignored\n");
    append("in/a.txt", "a3\n");
    expect((await values(reader)).sort()).to.deep.equal(["a3", "not yet", "x1"]);
    expect(await values(reader)).to.deep.equal([]);
  });

  it("reads a .gz file once, whole, when it appears (a last line without \\n counts)", async () => {
    const reader = await open(file("*.gz"));
    fs.writeFileSync(file("old.txt.gz"), zlib.gzipSync("one\ntwo\nthree"));
    expect(await values(reader)).to.deep.equal(["one", "two", "three"]);
    expect(await values(reader)).to.deep.equal([]);
    expect(reader.checkpoint()).to.deep.equal({ offsets: {}, gzipLines: { [file("old.txt.gz")]: 3 } });
  });

  it("resumes from a checkpoint: lines read but not returned come again, none twice", async () => {
    fs.writeFileSync(file("a.txt"), "1\n2\n3\n4\n");
    fs.writeFileSync(file("b.txt.gz"), zlib.gzipSync("g1\ng2\ng3\n"));
    const first = await open(file("*"));
    const seen = [...(await values(first, 3)), ...(await values(first, 2))]; // more are queued
    const checkpoint = structuredClone(first.checkpoint());
    await values(first, 1); // returned after the checkpoint: lost with the reader
    await first.close();

    append("a.txt", "5\n6");
    const resumed = await open(file("*"), { stopAfterIdleMs: 10 }, checkpoint);
    seen.push(...(await drain(resumed, 2)));
    expect(seen.sort()).to.deep.equal(["1", "2", "3", "4", "5", "6", "g1", "g2", "g3"]);
    expect(resumed.checkpoint()).to.deep.equal({ offsets: { [file("a.txt")]: 11 }, gzipLines: { [file("b.txt.gz")]: 3 } });

    // Resuming from the end gives nothing.
    const again = await open(file("*"), { stopAfterIdleMs: 10 }, resumed.checkpoint());
    expect(await drain(again)).to.deep.equal([]);
  });

  it("reads at most MAX_POLL_BYTES per poll, so a big file arrives over several reads, every line once", async () => {
    const line = "x".repeat(99);
    const count = Math.ceil((2.5 * MAX_POLL_BYTES) / 100);
    fs.writeFileSync(file("big.txt"), `${line}\n`.repeat(count));
    const reader = await open(file("big.txt"), { stopAfterIdleMs: 10 });
    const sizes: number[] = [];
    let total = 0;
    while (!reader.done) {
      const batch = await reader.read(Infinity);
      expect(batch.every((e) => e.value === line)).to.equal(true);
      if (batch.length > 0) sizes.push(batch.length);
      total += batch.length;
    }
    expect(total).to.equal(count);
    expect(sizes.length).to.be.at.least(3);
    // A poll's lines: its bytes, plus the line the previous poll's last bytes began.
    for (const s of sizes) expect(s * 100).to.be.at.most(MAX_POLL_BYTES + 100);
  });

  it("stamps lines with their arrival; the watermark is the oldest queued line's, or now, and never goes back", async () => {
    const reader = await open(file("t.txt"));
    const w0 = reader.watermark();
    expect(w0).to.be.within(Date.now() - 50, Date.now());
    const before = Date.now();
    fs.writeFileSync(file("t.txt"), "a\nb\nc\n");
    const [a] = await reader.read(1);
    expect(a!.timestamp).to.be.within(before, Date.now());
    await sleep(5);
    expect(reader.watermark(), "b and c are queued with a's arrival time").to.equal(a!.timestamp);
    await reader.read(10);
    const w1 = reader.watermark();
    expect(w1).to.be.at.least(a!.timestamp + 4);
    append("t.txt", "d\n");
    const [d] = await reader.read(10);
    expect(d!.timestamp).to.be.at.least(w1);
  });

  it("with a timestampFn: its timestamps; the watermark stays at -inf, or trails the largest by watermarkLagMs", async () => {
    fs.writeFileSync(file("e.txt"), "5000 x\n3000 y\n9000 z\n");
    const stamp = (line: string) => Number(line.split(" ")[0]);
    const plain = await open(file("e.txt"), { timestampFn: stamp, stopAfterIdleMs: 5 });
    expect(await plain.read(10)).to.deep.equal([
      { value: "5000 x", timestamp: 5000 },
      { value: "3000 y", timestamp: 3000 },
      { value: "9000 z", timestamp: 9000 },
    ]);
    expect(plain.watermark()).to.equal(TIMESTAMP_MIN_VALUE);
    await drain(plain);
    expect(plain.watermark()).to.equal(TIMESTAMP_MAX_VALUE);

    const lagging = await open(file("e.txt"), { timestampFn: stamp, watermarkLagMs: 1000 });
    expect(lagging.watermark()).to.equal(TIMESTAMP_MIN_VALUE);
    await lagging.read(2);
    expect(lagging.watermark()).to.equal(4000);
    await lagging.read(2);
    expect(lagging.watermark()).to.equal(8000);
  });

  it("names the line and file when timestampFn returns an invalid timestamp", async () => {
    fs.writeFileSync(file("bad.txt"), "ok\nnot a time\n");
    const reader = await open(file("bad.txt"), { timestampFn: (line) => (line === "ok" ? 0 : Date.parse(line)) });
    let error: unknown;
    await reader.read(10).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/timestampFn returned NaN for line "not a time" of '.*bad\.txt'/);
  });

  it("with stopAfterIdleMs: after that long without data, emits unterminated last lines and is done", async () => {
    fs.writeFileSync(file("s.txt"), "first\nlast without newline");
    const reader = await open(file("s.txt"), { stopAfterIdleMs: 100 });
    expect(await values(reader)).to.deep.equal(["first"]);
    await sleep(60);
    append("s.txt", " (continued)");
    expect(await values(reader), "new bytes restart the idle clock").to.deep.equal([]);
    await sleep(60);
    expect(await values(reader)).to.deep.equal([]);
    expect(reader.done).to.equal(false);
    await sleep(45);
    expect(await values(reader)).to.deep.equal(["last without newline (continued)"]);
    expect(await values(reader)).to.deep.equal([]);
    expect(reader.done).to.equal(true);
    expect(reader.watermark()).to.equal(TIMESTAMP_MAX_VALUE);
    expect(reader.checkpoint()).to.deep.equal({ offsets: { [file("s.txt")]: fs.statSync(file("s.txt")).size }, gzipLines: {} });
  });

  it("polls the file system at most every pollIntervalMs", async () => {
    const reader = await open(file("p.txt"), { pollIntervalMs: 100 });
    expect(await values(reader)).to.deep.equal([]);
    fs.writeFileSync(file("p.txt"), "x\n");
    expect(await values(reader), "too early for another look").to.deep.equal([]);
    await sleep(105);
    expect(await values(reader)).to.deep.equal(["x"]);
  });

  it("rejects bad patterns, options and checkpoints", async () => {
    expect(() => new TextStreamSource([])).to.throw(/at least one file pattern/);
    expect(() => new TextStreamSource("")).to.throw(/non-empty string/);
    expect(() => new TextStreamSource("x", { pollIntervalMs: -1 })).to.throw(/'pollIntervalMs' must be a number of ms >= 0/);
    expect(() => new TextStreamSource("x", { stopAfterIdleMs: NaN })).to.throw(/'stopAfterIdleMs'/);
    const source = new TextStreamSource("x");
    expect(() => source.createReader({ patterns: ["x"] }, { offsets: { a: -1 }, gzipLines: {} })).to.throw(/bad checkpoint position -1 for 'a'/);
    expect(() => source.createReader({ patterns: ["x"] }, { nonsense: true })).to.throw(/not a text stream checkpoint/);
  });

  it("is applied as an unbounded read", () => {
    const p = new Pipeline();
    expect(p.apply(readTextStream(file("*.txt"))).isBounded).to.equal(false);
    expect([...p.graph.transforms.keys()]).to.include.members(["ReadTextStream", "ReadTextStream/ReadUnbounded"]);
  });
});
