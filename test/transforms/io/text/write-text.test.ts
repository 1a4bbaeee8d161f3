import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { kv, type ProcessContext } from "../../../../sdk/index.js";
import { fnv1a, shardFileName, shardFilePattern, shardOf, tempDirFor, type ShardSpec } from "../../../../transforms/io/text/shard-names.js";
import { WriteShardFn, type WrittenShard } from "../../../../transforms/io/text/write-shard-fn.js";
import { FinalizeShardsFn } from "../../../../transforms/io/text/finalize-shards-fn.js";
import { writeText } from "../../../../transforms/io/text/write-text.js";

/** Just enough of a ProcessContext to call `process` by hand: collects the main output. */
function collectingContext<O>(out: O[]): ProcessContext<O> {
  return { output: (v: O) => out.push(v) } as unknown as ProcessContext<O>;
}

describe("text IO: writeText internals", () => {
  describe("shard names", () => {
    it("hashes with 32-bit FNV-1a (the published test vectors for ASCII)", () => {
      expect(fnv1a("")).to.equal(0x811c9dc5);
      expect(fnv1a("a")).to.equal(0xe40c292c);
      expect(fnv1a("foobar")).to.equal(0xbf9cf968);
    });

    it("spreads lines over all shards", () => {
      const counts = [0, 0, 0, 0, 0];
      for (let i = 0; i < 10000; i++) counts[shardOf(`word${i}`, 5)]!++;
      for (const c of counts) expect(c).to.be.within(1500, 2500);
    });

    it("names shards with 5 zero-padded digits, more when the count needs them", () => {
      expect(shardFileName("/out/words", 1, 3, ".txt")).to.equal("/out/words-00001-of-00003.txt");
      expect(shardFileName("/out/w", 7, 123456, "")).to.equal("/out/w-000007-of-123456");
    });

    it("puts the temporary directory next to the output, under a name every worker derives alike", () => {
      const dir = tempDirFor("/data/out/words", ".txt");
      expect(path.dirname(dir)).to.equal("/data/out");
      expect(path.basename(dir)).to.match(/^\.sluice-temp-[0-9a-f]{16}$/);
      expect(tempDirFor("/data/out/words", ".txt")).to.equal(dir);
      expect(tempDirFor("/data/out/words", ".csv")).to.not.equal(dir);
    });

    it("recognises the files of a write, for any shard count, and nothing else", () => {
      const re = shardFilePattern("/out/a.b", ".txt");
      expect(re.test("a.b-00000-of-00001.txt")).to.equal(true);
      expect(re.test("a.b-00002-of-00007.txt")).to.equal(true);
      expect(re.test("axb-00000-of-00001.txt")).to.equal(false);
      expect(re.test("a.b-00000-of-00001.txt.bak")).to.equal(false);
      expect(re.test("a.b-extra-00000-of-00001.txt")).to.equal(false);
    });
  });

  describe("writing and finalising by hand (no runner)", () => {
    let dir: string;
    let spec: ShardSpec;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-write-text-"));
      const prefix = path.join(dir, "out", "words");
      spec = { prefix, suffix: ".txt", shards: 3, header: undefined, tempDir: tempDirFor(prefix, ".txt") };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const writeShards = (fn: WriteShardFn, groups: [number, string[]][]): WrittenShard[] => {
      const out: WrittenShard[] = [];
      fn.startBundle();
      for (const [shard, lines] of groups) fn.process(kv(shard, Object.freeze(lines)), collectingContext(out));
      fn.finishBundle();
      return out;
    };

    it("writes sorted shards, fills in empty ones, removes stale shards and the temporary directory", () => {
      fs.mkdirSync(path.dirname(spec.prefix), { recursive: true });
      const stale = `${spec.prefix}-00000-of-00005.txt`;
      fs.writeFileSync(stale, "old\n");
      const unrelated = `${spec.prefix}-notes.txt`;
      fs.writeFileSync(unrelated, "keep me\n");

      const fn = new WriteShardFn(spec);
      const written = writeShards(fn, [
        [2, ["pear", "apple", "Zebra", "apple", "é"]],
        [0, ["only"]],
      ]);
      expect(fs.readdirSync(spec.tempDir)).to.have.length(2);
      const paths: string[] = [];
      new FinalizeShardsFn(spec).process(kv("", [null, ...written]), collectingContext(paths));
      fn.teardown(); // after success: nothing left to delete

      expect(paths).to.deep.equal([0, 1, 2].map((i) => shardFileName(spec.prefix, i, 3, ".txt")));
      expect(fs.readFileSync(paths[0]!, "utf8")).to.equal("only\n");
      expect(fs.readFileSync(paths[1]!, "utf8")).to.equal("");
      expect(fs.readFileSync(paths[2]!, "utf8")).to.equal("Zebra\napple\napple\npear\né\n");
      expect(fs.existsSync(stale)).to.equal(false);
      expect(fs.existsSync(unrelated)).to.equal(true);
      expect(fs.existsSync(spec.tempDir)).to.equal(false);
      expect(fs.readdirSync(path.dirname(spec.prefix)).sort()).to.deep.equal(
        ["words-00000-of-00003.txt", "words-00001-of-00003.txt", "words-00002-of-00003.txt", "words-notes.txt"],
      );
    });

    it("writes the header at the top of every file, empty shards included", () => {
      spec = { ...spec, header: "# words" };
      const written = writeShards(new WriteShardFn(spec), [[1, ["b", "a"]]]);
      const paths: string[] = [];
      new FinalizeShardsFn(spec).process(kv("", [...written, null]), collectingContext(paths));
      expect(paths.map((p) => fs.readFileSync(p, "utf8"))).to.deep.equal(["# words\n", "# words\na\nb\n", "# words\n"]);
    });

    it("writes every empty shard when there is no input at all", () => {
      const paths: string[] = [];
      new FinalizeShardsFn(spec).process(kv("", [null]), collectingContext(paths));
      expect(paths).to.have.length(3);
      for (const p of paths) expect(fs.readFileSync(p, "utf8")).to.equal("");
      expect(fs.existsSync(spec.tempDir)).to.equal(false);
    });

    it("teardown after a failed bundle deletes that bundle's files but keeps finished ones for a retry", () => {
      const fn = new WriteShardFn(spec);
      writeShards(fn, [[0, ["a"]]]);
      fn.startBundle();
      fn.process(kv(1, ["b"]), collectingContext<WrittenShard>([]));
      // the bundle fails here; the runner discards the instance
      fn.teardown();
      const left = fs.readdirSync(spec.tempDir);
      expect(left).to.have.length(1);
      expect(left[0]).to.match(/^shard-0\./);
    });

    it("teardown at the end of a failed run deletes every temporary file and the temporary directory", () => {
      const a = new WriteShardFn(spec);
      const b = new WriteShardFn(spec);
      writeShards(a, [[0, ["a"]]]);
      writeShards(b, [[1, ["b"]], [2, ["c"]]]);
      a.teardown();
      expect(fs.readdirSync(spec.tempDir)).to.have.length(2); // b's files keep the directory
      b.teardown();
      expect(fs.existsSync(spec.tempDir)).to.equal(false);
      expect(fs.existsSync(path.dirname(spec.prefix))).to.equal(true); // created for the temporary directory
      expect(fs.readdirSync(path.dirname(spec.prefix))).to.deep.equal([]);
    });

    it("finalize fails loudly when a temporary file has disappeared", () => {
      const written = writeShards(new WriteShardFn(spec), [[0, ["a"]]]);
      fs.rmSync(written[0]!.tempPath);
      expect(() => new FinalizeShardsFn(spec).process(kv("", [null, ...written]), collectingContext<string>([]))).to.throw(
        /temporary file .* of shard 0 is missing/,
      );
      expect(fs.existsSync(spec.tempDir)).to.equal(false);
    });

    it("keeps one file when a shard arrives twice", () => {
      const w1 = writeShards(new WriteShardFn(spec), [[0, ["x"]]]);
      const w2 = writeShards(new WriteShardFn(spec), [[0, ["x"]]]);
      const paths: string[] = [];
      new FinalizeShardsFn(spec).process(kv("", [...w2, null, ...w1]), collectingContext(paths));
      expect(fs.readFileSync(paths[0]!, "utf8")).to.equal("x\n");
      expect(fs.existsSync(spec.tempDir)).to.equal(false);
    });
  });

  describe("options", () => {
    it("rejects bad arguments when the pipeline is built", () => {
      expect(() => writeText("")).to.throw(TypeError, /prefix/);
      expect(() => writeText("out/")).to.throw(TypeError, /prefix/);
      expect(() => writeText("out/x", { shards: 0 })).to.throw(RangeError, /shards/);
      expect(() => writeText("out/x", { shards: 1.5 })).to.throw(RangeError, /shards/);
      expect(() => writeText("out/x", { suffix: "/a" })).to.throw(TypeError, /suffix/);
    });
  });
});
