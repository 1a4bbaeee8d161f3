import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  GLOBAL_WINDOW,
  FixedWindows,
  encodeWindowData,
  IntervalWindow,
  NO_FIRING,
  kv,
  paneInfo,
  setRunDir,
  makePrivateDir,
  cleanUpRunDir,
  rollBackCommit,
  commitFiles,
  type BoundedWindow,
  type KV,
  type ProcessContext,
  type TeardownContext,
} from "../../../../sdk/index.js";
import {
  fileNameInstant,
  fnv1a,
  shardFileName,
  shardFilePattern,
  shardOf,
  windowFileLabel,
  windowedShardFileName,
  type ShardSpec,
} from "../../../../transforms/io/text/shard-names.js";
import { WritePaneFn, type WrittenPane } from "../../../../transforms/io/text/write-pane-fn.js";
import { FinalizePanesFn } from "../../../../transforms/io/text/finalize-panes-fn.js";
import { KeepWindows } from "../../../../transforms/io/text/keep-windows.js";
import { WriteShardFn, type WrittenShard } from "../../../../transforms/io/text/write-shard-fn.js";
import { FinalizeShardsFn } from "../../../../transforms/io/text/finalize-shards-fn.js";
import { writeText } from "../../../../transforms/io/text/write-text.js";
import { MakeCommitDirFn, type CommitDir } from "../../../../transforms/io/text/commit-dir.js";

const END_OF_RUN: TeardownContext = { reason: "end-of-run" };
const DISCARDED: TeardownContext = { reason: "discarded" };

/** Just enough of a ProcessContext to call `process` by hand: collects the main output. */
function collectingContext<O>(out: O[], window: BoundedWindow = GLOBAL_WINDOW, pane = NO_FIRING): ProcessContext<O> {
  return { output: (v: O) => out.push(v), window, pane } as unknown as ProcessContext<O>;
}

/** Runs the write's MakeCommitDir step by hand: the element telling the finalize step where to commit from. */
function commitDirFor(spec: ShardSpec): CommitDir {
  const out: KV<string, CommitDir>[] = [];
  new MakeCommitDirFn<never>(spec).process(null, collectingContext(out));
  return out[0]!.value;
}

/** Finalize DoFns made by the tests, torn down by {@link endRun}. */
const finalizers: { teardown(ctx: TeardownContext): void }[] = [];
function tracked<T extends { teardown(ctx: TeardownContext): void }>(fn: T): T {
  finalizers.push(fn);
  return fn;
}

/** The end of the run: the finalize DoFns' teardown removes their commit directories. */
function endRun(): void {
  for (const fn of finalizers.splice(0)) fn.teardown(END_OF_RUN);
}

/** The write's temporary directories next to its output. */
function tempDirsOf(spec: ShardSpec): string[] {
  const outputDir = path.dirname(spec.prefix);
  return fs.existsSync(outputDir) ? fs.readdirSync(outputDir).filter((n) => n.startsWith(".sluice-temp-")).map((n) => path.join(outputDir, n)) : [];
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
      spec = { prefix, suffix: ".txt", shards: 3, header: undefined };
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
      const [writerDir] = tempDirsOf(spec);
      expect(fs.readdirSync(writerDir!).filter((n) => n.endsWith(".tmp"))).to.have.length(2);
      const paths: string[] = [];
      tracked(new FinalizeShardsFn(spec)).process(kv("", [commitDirFor(spec), ...written]), collectingContext(paths));
      fn.teardown(END_OF_RUN); // after success: nothing left to delete

      expect(paths).to.deep.equal([0, 1, 2].map((i) => shardFileName(spec.prefix, i, 3, ".txt")));
      expect(fs.readFileSync(paths[0]!, "utf8")).to.equal("only\n");
      expect(fs.readFileSync(paths[1]!, "utf8")).to.equal("");
      expect(fs.readFileSync(paths[2]!, "utf8")).to.equal("Zebra\napple\napple\npear\né\n");
      expect(fs.existsSync(stale)).to.equal(false);
      expect(fs.existsSync(unrelated)).to.equal(true);
      endRun();
      expect(tempDirsOf(spec)).to.deep.equal([]);
      expect(fs.readdirSync(path.dirname(spec.prefix)).sort()).to.deep.equal(
        ["words-00000-of-00003.txt", "words-00001-of-00003.txt", "words-00002-of-00003.txt", "words-notes.txt"],
      );
    });

    it("writes the header at the top of every file, empty shards included", () => {
      spec = { ...spec, header: "# words" };
      const written = writeShards(new WriteShardFn(spec), [[1, ["b", "a"]]]);
      const paths: string[] = [];
      tracked(new FinalizeShardsFn(spec)).process(kv("", [...written, commitDirFor(spec)]), collectingContext(paths));
      expect(paths.map((p) => fs.readFileSync(p, "utf8"))).to.deep.equal(["# words\n", "# words\na\nb\n", "# words\n"]);
    });

    it("writes every empty shard when there is no input at all", () => {
      const paths: string[] = [];
      tracked(new FinalizeShardsFn(spec)).process(kv("", [commitDirFor(spec)]), collectingContext(paths));
      expect(paths).to.have.length(3);
      for (const p of paths) expect(fs.readFileSync(p, "utf8")).to.equal("");
      endRun();
      expect(tempDirsOf(spec)).to.deep.equal([]);
    });

    it("teardown of an instance discarded after a failed bundle deletes that bundle's files but keeps finished ones", () => {
      const fn = new WriteShardFn(spec);
      writeShards(fn, [[0, ["a"]]]);
      fn.startBundle();
      fn.process(kv(1, ["b"]), collectingContext<WrittenShard>([]));
      // the bundle fails here; the worker discards the instance while the run goes on
      fn.teardown(DISCARDED);
      const left = fs.readdirSync(tempDirsOf(spec)[0]!).filter((n) => n.endsWith(".tmp"));
      expect(left).to.have.length(1);
      expect(left[0]).to.match(/^shard-0\./);
      // The same with a run directory (parallel runners): the reason decides, not who cleans up.
      setRunDir(dir);
      try {
        const other = new WriteShardFn(spec);
        writeShards(other, [[2, ["c"]]]);
        other.teardown(DISCARDED);
        expect(tempDirsOf(spec)).to.have.length(2);
      } finally {
        setRunDir(undefined);
      }
    });

    it("teardown at the end of a failed run deletes every temporary file and the temporary directories", () => {
      const a = new WriteShardFn(spec);
      const b = new WriteShardFn(spec);
      writeShards(a, [[0, ["a"]]]);
      writeShards(b, [[1, ["b"]], [2, ["c"]]]);
      expect(tempDirsOf(spec)).to.have.length(2); // one private directory per writer instance
      a.teardown(END_OF_RUN);
      expect(tempDirsOf(spec)).to.have.length(1);
      b.teardown(END_OF_RUN);
      expect(tempDirsOf(spec)).to.deep.equal([]);
      expect(fs.existsSync(path.dirname(spec.prefix))).to.equal(true); // created for the temporary directory
      expect(fs.readdirSync(path.dirname(spec.prefix))).to.deep.equal([]);
    });

    it("finalize fails loudly when a temporary file has disappeared", () => {
      const written = writeShards(new WriteShardFn(spec), [[0, ["a"]]]);
      fs.rmSync(written[0]!.tempPath);
      const existing = `${spec.prefix}-00000-of-00003.txt`;
      fs.writeFileSync(existing, "old\n");
      expect(() => tracked(new FinalizeShardsFn(spec)).process(kv("", [commitDirFor(spec), ...written]), collectingContext<string>([]))).to.throw(
        /temporary file .* is missing/,
      );
      expect(fs.readFileSync(existing, "utf8"), "nothing was deleted or published").to.equal("old\n");
    });

    it("keeps one file when a shard arrives twice", () => {
      const w1 = writeShards(new WriteShardFn(spec), [[0, ["x"]]]);
      const w2 = writeShards(new WriteShardFn(spec), [[0, ["x"]]]);
      const paths: string[] = [];
      tracked(new FinalizeShardsFn(spec)).process(kv("", [...w2, commitDirFor(spec), ...w1]), collectingContext(paths));
      expect(fs.readFileSync(paths[0]!, "utf8")).to.equal("x\n");
      endRun();
      expect(tempDirsOf(spec)).to.deep.equal([]);
    });
  });

  describe("temporary files are private and checked before they are published", () => {
    let dir: string;
    let spec: ShardSpec;
    let outputDir: string;
    let earlier: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-write-private-"));
      outputDir = path.join(dir, "out");
      fs.mkdirSync(outputDir);
      spec = { prefix: path.join(outputDir, "words"), suffix: ".txt", shards: 1, header: undefined };
      earlier = shardFileName(spec.prefix, 0, 1, ".txt");
      fs.writeFileSync(earlier, "earlier\n");
    });
    afterEach(() => {
      endRun();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const write = (lines: string[]): WrittenShard[] => {
      const fn = new WriteShardFn(spec);
      const out: WrittenShard[] = [];
      fn.startBundle();
      fn.process(kv(0, lines), collectingContext(out));
      fn.finishBundle();
      return out;
    };
    const finalize = (elements: (WrittenShard | CommitDir)[]) => {
      const out: string[] = [];
      tracked(new FinalizeShardsFn(spec)).process(kv("", elements), collectingContext(out));
      return out;
    };

    it("writes 0600 files in a fresh 0700 directory, never in one someone made beforehand; published files get the usual mode", () => {
      const planted = [1, 2, 3].map((i) => {
        const d = path.join(outputDir, `.sluice-temp-planted${i}`);
        fs.mkdirSync(d, { mode: 0o777 });
        return d;
      });
      const [w] = write(["b", "a"]);
      const writerDir = path.dirname(w!.tempPath);
      expect(planted).to.not.include(writerDir);
      expect(path.basename(writerDir)).to.match(/^\.sluice-temp-[A-Za-z0-9]{6}$/);
      expect(fs.statSync(writerDir).mode & 0o777).to.equal(0o700);
      expect(fs.statSync(w!.tempPath).mode & 0o777).to.equal(0o600);
      const start = commitDirFor(spec);
      expect(fs.existsSync(start.commitDir), "named, not made, before the commit").to.equal(false);
      expect(path.basename(start.commitDir)).to.match(/^\.sluice-temp-[A-Za-z0-9_-]{22}$/);
      const [final] = finalize([start, w!]);
      expect(fs.lstatSync(start.commitDir).mode & 0o777).to.equal(0o700);
      expect(fs.readFileSync(final!, "utf8")).to.equal("a\nb\n");
      expect(fs.statSync(final!).mode & 0o777).to.equal(0o666 & ~process.umask());
    });

    it("refuses shards in a directory someone else made (too open), publishing nothing and keeping the earlier output", () => {
      const evil = path.join(outputDir, ".sluice-temp-evil00");
      fs.mkdirSync(evil, { mode: 0o755 });
      fs.chmodSync(evil, 0o755);
      fs.writeFileSync(path.join(evil, "shard-0.tmp"), "swapped\n");
      expect(() => finalize([commitDirFor(spec), { shard: 0, tempPath: path.join(evil, "shard-0.tmp") }])).to.throw(
        /refusing to use temporary directory .*\.sluice-temp-evil00.*mode 0755/,
      );
      expect(fs.readFileSync(earlier, "utf8")).to.equal("earlier\n");
    });

    it("refuses shards in a 0700 directory of another user", function () {
      if (typeof process.getuid !== "function" || process.getuid() !== 0) this.skip(); // needs root to chown
      const [w] = write(["x"]);
      fs.chownSync(path.dirname(w!.tempPath), 65534, 65534);
      expect(() => finalize([commitDirFor(spec), w!])).to.throw(/owned by uid 65534/);
      expect(fs.readFileSync(earlier, "utf8")).to.equal("earlier\n");
    });

    it("refuses a temporary directory swapped for a symbolic link, and a temporary file that is one", () => {
      const [w] = write(["x"]);
      const writerDir = path.dirname(w!.tempPath);
      const moved = path.join(dir, "moved");
      fs.renameSync(writerDir, moved);
      fs.symlinkSync(moved, writerDir);
      expect(() => finalize([commitDirFor(spec), w!])).to.throw(/symbolic link/);
      fs.rmSync(writerDir);
      fs.renameSync(moved, writerDir);
      fs.rmSync(w!.tempPath);
      fs.symlinkSync("/etc/hostname", w!.tempPath);
      expect(() => finalize([commitDirFor(spec), w!])).to.throw(/not a regular file/);
      expect(fs.readFileSync(earlier, "utf8")).to.equal("earlier\n");
    });

    it("refuses a commit directory that exists as a symbolic link or someone else's directory when Finalize makes it", () => {
      const [w] = write(["x"]);
      const start = commitDirFor(spec);
      fs.symlinkSync(path.dirname(w!.tempPath), start.commitDir); // to a private directory of ours, even
      expect(() => finalize([start, w!])).to.throw(/refusing to use temporary directory .* symbolic link/);
      fs.rmSync(start.commitDir);
      fs.mkdirSync(start.commitDir, { mode: 0o755 });
      fs.chmodSync(start.commitDir, 0o755);
      expect(() => finalize([start, w!])).to.throw(/refusing to use temporary directory .* mode 0755/);
      expect(fs.readFileSync(earlier, "utf8")).to.equal("earlier\n");
    });

    it("a Finalize that fails before its commit keeps the earlier output; its retry commits; a retry after that changes nothing", () => {
      spec = { ...spec, shards: 4 };
      const fn = new WriteShardFn(spec);
      const written: WrittenShard[] = [];
      fn.startBundle();
      for (let shard = 0; shard < 4; shard++) fn.process(kv(shard, [`line ${shard}`]), collectingContext(written));
      fn.finishBundle();
      const start = commitDirFor(spec);
      const hidden = path.join(dir, "hidden");
      fs.renameSync(written[2]!.tempPath, hidden); // away for a moment
      expect(() => finalize([start, ...written])).to.throw(/temporary file .* is missing/);
      expect(fs.readdirSync(outputDir).filter((n) => !n.startsWith("."))).to.deep.equal([path.basename(earlier)]);
      fs.renameSync(hidden, written[2]!.tempPath);
      const paths = finalize([start, ...[...written].reverse()]);
      expect(paths.map((p) => fs.readFileSync(p, "utf8"))).to.deep.equal([0, 1, 2, 3].map((i) => `line ${i}\n`));
      expect(fs.existsSync(earlier), "the earlier set (another shard count) is gone").to.equal(false);
      expect(finalize([start, ...written]), "a retry after success").to.deep.equal(paths);
    });
  });

  describe("windowed file names", () => {
    it("shows instants in ISO 8601 basic format: no ':', fixed width, in time order", () => {
      expect(fileNameInstant(0)).to.equal("19700101T000000.000Z");
      expect(fileNameInstant(Date.UTC(2026, 0, 31, 23, 59, 58, 7))).to.equal("20260131T235958.007Z");
      expect(fileNameInstant(-1)).to.equal("19691231T235959.999Z");
      expect(fileNameInstant(Date.UTC(-1, 0, 1))).to.equal("-0000010101T000000.000Z");
      const sorted = [5, -5, 60_000, 1_000].map(fileNameInstant).sort();
      expect(sorted).to.deep.equal([-5, 5, 1_000, 60_000].map(fileNameInstant));
    });

    it("labels interval windows by their bounds and the global window 'global', and refuses other windows", () => {
      expect(windowFileLabel(new IntervalWindow(0, 60_000))).to.equal("19700101T000000.000Z-19700101T000100.000Z");
      expect(windowFileLabel(GLOBAL_WINDOW)).to.equal("global");
      const parity = { id: "parity-odd", maxTimestamp: () => 0 };
      expect(() => windowFileLabel(parity)).to.throw(/cannot write window 'parity-odd'.*global window and interval windows/);
      // A subclass whose id is its interval's is named by its bounds; one with an id of its own is refused.
      class Tagged extends IntervalWindow {
        override readonly id: string;
        constructor(start: number, end: number, tag: string | undefined) {
          super(start, end);
          this.id = tag === undefined ? `${start}:${end}` : `${start}:${end}#${tag}`;
        }
      }
      expect(windowFileLabel(new Tagged(0, 60_000, undefined))).to.equal("19700101T000000.000Z-19700101T000100.000Z");
      expect(() => windowFileLabel(new Tagged(0, 60_000, "a"))).to.throw(/cannot write window '0:60000#a' \(a Tagged\)/);
    });

    it("names a pane's shards prefix-window-pane-shard-of-count", () => {
      expect(windowedShardFileName("/out/c", "global", 3, 1, 2, ".txt")).to.equal("/out/c-global-3-00001-of-00002.txt");
      // A window's files are not mistaken for the unwindowed shards of the same prefix (so neither deletes the other).
      expect(shardFilePattern("/out/c", ".txt").test("c-global-3-00001-of-00002.txt")).to.equal(false);
    });

    it("KeepWindows gives each element back the window its key encodes, reusing it for consecutive elements", () => {
      const fixed = new FixedWindows(10);
      const fn = new KeepWindows(fixed);
      expect(fn.description).to.equal("KeepWindows(FixedWindows(size=10ms, offset=0ms))");
      expect(fn.windowCoder).to.equal(fixed.windowCoder);
      const key = encodeWindowData(new IntervalWindow(0, 10), fixed);
      const [w] = fn.assignWindows(999, kv(key, "x"));
      expect(w).to.be.instanceOf(IntervalWindow);
      expect(w!.id).to.equal("0:10");
      expect(fn.assignWindows(5, kv([0, 10], "y"))).to.equal(fn.assignWindows(7, kv([0, 10], "z")));
      expect(fn.assignWindows(0, kv(0, "x"))).to.deep.equal([GLOBAL_WINDOW]);
      expect(() => fn.assignWindows(0, kv({ c: "odd" }, "x"))).to.throw(/has no windowCoder/);
    });
  });

  describe("writing panes by hand (no runner)", () => {
    let dir: string;
    let spec: ShardSpec;
    const window = new IntervalWindow(0, 10);
    const label = "19700101T000000.000Z-19700101T000000.010Z";
    const late = paneInfo({ isFirst: false, isLast: false, timing: "LATE", index: 2, nonSpeculativeIndex: 1 });
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-write-panes-"));
      const prefix = path.join(dir, "w");
      spec = { prefix, suffix: ".txt", shards: 2, header: "#" };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const writePane = (fn: WritePaneFn, lines: string[]): (WrittenPane | string)[] => {
      const out: (WrittenPane | string)[] = [];
      fn.startBundle();
      fn.process(kv(window.id, Object.freeze(lines)), collectingContext(out, window, late));
      fn.finishBundle();
      return out;
    };

    it("publishing: writes every shard of the pane, sorted, renames them at once and leaves nothing temporary", () => {
      const fn = new WritePaneFn(spec, true);
      const lines = ["pear", "apple", "fig", "kiwi", "apple"];
      const out = writePane(fn, lines);
      fn.teardown(END_OF_RUN);
      expect(out).to.deep.equal([0, 1].map((i) => windowedShardFileName(spec.prefix, label, 2, i, 2, ".txt")));
      const contents = (out as string[]).map((f) => fs.readFileSync(f, "utf8"));
      for (const [i, c] of contents.entries()) {
        const expected = lines.filter((l) => shardOf(l, 2) === i).sort();
        expect(c).to.equal(["#", ...expected].map((l) => `${l}\n`).join(""));
      }
      expect(fs.readdirSync(dir).sort()).to.deep.equal((out as string[]).map((f) => path.basename(f)).sort());
    });

    /** Runs `body` as a parallel runner's worker would: with a private run directory; then cleans it up like the runner. */
    const inRunDir = (body: (runDir: string) => void): void => {
      const runDir = makePrivateDir(os.tmpdir(), "sluice-run-test-");
      setRunDir(runDir);
      try {
        body(runDir);
      } finally {
        setRunDir(undefined);
        cleanUpRunDir(runDir, (d) => void rollBackCommit(d));
      }
    };
    const outputFiles = () => fs.readdirSync(dir).filter((n) => !n.startsWith(".sluice-temp-")).sort();

    it("publishing, retried after the pane was published: the same set once, and the retry's temporary files are gone", () => {
      inRunDir(() => {
        const first = writePane(new WritePaneFn(spec, true), ["b", "a", "c"]) as string[];
        const contents = first.map((f) => fs.readFileSync(f, "utf8"));
        const retry = new WritePaneFn(spec, true); // another worker's instance: the first attempt's worker died
        const again = writePane(retry, ["a", "c", "b"]) as string[];
        expect(again).to.deep.equal(first);
        expect(again.map((f) => fs.readFileSync(f, "utf8"))).to.deep.equal(contents);
        expect(outputFiles()).to.deep.equal(first.map((f) => path.basename(f)).sort());
        for (const d of tempDirsOf(spec)) expect(fs.readdirSync(d).filter((n) => n.endsWith(".tmp")), "temporary files").to.deep.equal([]);
      });
      expect(tempDirsOf(spec), "removed with the run").to.deep.equal([]);
    });

    it("publishing, retried after a worker died in the renames: the partial set is rolled back, then the pane is published whole", () => {
      inRunDir((runDir) => {
        const first = writePane(new WritePaneFn(spec, true), ["b", "a", "c"]) as string[];
        // Make the first attempt look killed after its first rename: journal unfinished, one file published.
        const [journal] = fs.readdirSync(path.join(runDir, "panes")).map((n) => path.join(runDir, "panes", n));
        fs.rmSync(path.join(journal!, "commit.done"));
        fs.rmSync(first[1]!);
        const again = writePane(new WritePaneFn(spec, true), ["a", "c", "b"]) as string[];
        expect(again).to.deep.equal(first);
        expect(outputFiles()).to.deep.equal(first.map((f) => path.basename(f)).sort());
        expect(fs.readFileSync(again[1]!, "utf8")).to.match(/^#\n/);
      });
    });

    it("publishing: a run that fails with a pane's journal unfinished leaves none of that pane's files", () => {
      inRunDir((runDir) => {
        const first = writePane(new WritePaneFn(spec, true), ["b", "a", "c"]) as string[];
        const [journal] = fs.readdirSync(path.join(runDir, "panes")).map((n) => path.join(runDir, "panes", n));
        fs.rmSync(path.join(journal!, "commit.done")); // killed before it marked the commit done; no attempt left
        expect(outputFiles()).to.have.length(first.length);
      });
      expect(outputFiles(), "rolled back when the run directory was cleaned up").to.deep.equal([]);
    });

    it("publishing first rolls back a pane that a dead job (killed with kill -9) left half published next to the output", () => {
      const dead = makePrivateDir(dir, ".sluice-temp-");
      const temp = path.join(dead, "pane.tmp");
      fs.writeFileSync(temp, "partial\n", { mode: 0o600 });
      const partial = windowedShardFileName(spec.prefix, label, 0, 0, 2, ".txt");
      commitFiles(dead, { deletes: [], moves: [[temp, partial]] });
      fs.rmSync(path.join(dead, "commit.done")); // as if killed before the last rename
      const owner = JSON.parse(fs.readFileSync(path.join(dead, "owner.json"), "utf8")) as { pid: number };
      fs.chmodSync(path.join(dead, "owner.json"), 0o600);
      fs.writeFileSync(path.join(dead, "owner.json"), JSON.stringify({ ...owner, pid: 2 ** 22 + 12345 })); // no such process
      const out = writePane(new WritePaneFn(spec, true), ["x"]) as string[];
      expect(fs.existsSync(partial), "the dead job's partial pane").to.equal(false);
      expect(fs.existsSync(dead)).to.equal(false);
      expect(outputFiles()).to.deep.equal(out.map((f) => path.basename(f)).sort());
    });

    it("publishing replaces the window's and pane's set of an earlier run with another shard count, and nothing else", () => {
      const stale = windowedShardFileName(spec.prefix, label, 2, 0, 5, ".txt");
      const otherPane = windowedShardFileName(spec.prefix, label, 1, 0, 5, ".txt");
      for (const f of [stale, otherPane]) fs.writeFileSync(f, "old\n");
      writePane(new WritePaneFn(spec, true), ["x"]);
      expect(fs.existsSync(stale)).to.equal(false);
      expect(fs.existsSync(otherPane)).to.equal(true);
    });

    it("not publishing: hands the pane on; the finalize step publishes each pane once, whatever the order", () => {
      const first = writePane(new WritePaneFn(spec, false), ["b", "a"]) as WrittenPane[];
      const again = writePane(new WritePaneFn(spec, false), ["a", "b"]) as WrittenPane[];
      expect(first).to.have.length(1);
      expect(first[0]!.window).to.equal(label);
      expect(first[0]!.pane).to.equal(2);
      expect(first[0]!.tempPaths).to.have.length(2);
      const paths: string[] = [];
      tracked(new FinalizePanesFn(spec)).process(kv("", [...again, commitDirFor(spec), ...first]), collectingContext(paths));
      expect(paths).to.deep.equal([0, 1].map((i) => windowedShardFileName(spec.prefix, label, 2, i, 2, ".txt")));
      for (const [i, f] of paths.entries()) {
        const expected = ["a", "b"].filter((l) => shardOf(l, 2) === i);
        expect(fs.readFileSync(f, "utf8")).to.equal(["#", ...expected].map((l) => `${l}\n`).join(""));
      }
      endRun();
      expect(fs.readdirSync(dir).sort(), "the duplicate's files and the temporary directories are gone").to.deep.equal(paths.map((f) => path.basename(f)).sort());
    });

    it("teardown after a failed bundle deletes the pane's temporary files", () => {
      const fn = new WritePaneFn(spec, false);
      fn.startBundle();
      fn.process(kv(window.id, ["a"]), collectingContext<WrittenPane | string>([], window, late));
      fn.teardown(DISCARDED); // the bundle never finished
      expect(fs.readdirSync(tempDirsOf(spec)[0]!).filter((n) => n.endsWith(".tmp")), "the failed bundle's files").to.deep.equal([]);
    });
  });

  describe("options", () => {
    it("rejects bad arguments when the pipeline is built", () => {
      expect(() => writeText("")).to.throw(TypeError, /prefix/);
      expect(() => writeText("out/")).to.throw(TypeError, /prefix/);
      expect(() => writeText("out/x", { shards: 0 })).to.throw(RangeError, /shards/);
      expect(() => writeText("out/x", { shards: 1.5 })).to.throw(RangeError, /shards/);
      expect(() => writeText("out/x", { suffix: "/a" })).to.throw(TypeError, /suffix/);
      expect(() => writeText("out/x", { windowed: "yes" as unknown as boolean })).to.throw(TypeError, /windowed/);
    });
  });
});
