/**
 * writeText: writes a PCollection of lines to sharded text files, deterministically and atomically.
 * @module
 */
import path from "node:path";
import {
  GlobalWindows,
  encodeWindowData,
  flatten,
  groupByKey,
  impulse,
  kv,
  windowInto,
  type KV,
  type PCollection,
  type PTransform,
  type WindowData,
} from "../../../sdk/index.js";
import { shardOf, type ShardSpec } from "./shard-names.js";
import { WriteShardFn, type WrittenShard } from "./write-shard-fn.js";
import { MakeCommitDirFn, type CommitDir } from "./commit-dir.js";
import { FinalizeShardsFn } from "./finalize-shards-fn.js";
import { WritePaneFn, type WrittenPane } from "./write-pane-fn.js";
import { FinalizePanesFn } from "./finalize-panes-fn.js";
import { KeepWindows } from "./keep-windows.js";
import type { ParquetShardEncoding } from "../parquet/parquet-encoding.js";

/**
 * Options of {@link writeText}.
 * @example
 * lines.apply(writeText("out/report", { shards: 4, suffix: ".csv", header: "word,count" }));
 */
export interface WriteTextOptions {
  /** How many files to write (default 1). Every one is written, empty if no line falls into it. */
  readonly shards?: number;
  /** Appended to every file name (default `.txt`). A suffix ending in `.gz` (`.txt.gz`) writes gzip files. */
  readonly suffix?: string;
  /** A line written at the top of every file, empty ones included. */
  readonly header?: string;
  /**
   * Write one set of shards per window and pane (see {@link writeText}). Default: true when the input is not in
   * the global window or is unbounded (an unbounded input must be written as its panes fire: it may never end);
   * false writes everything together, ignoring windows.
   */
  readonly windowed?: boolean;
  /**
   * @internal How shard files are encoded when not as text (`writeParquet` uses writeText's machinery with it).
   */
  readonly encoding?: ParquetShardEncoding;
}

/**
 * Writes each element as a line (followed by `\n`) to `${prefix}-00000-of-00003${suffix}`, ... (the shard index
 * and count zero-padded to 5 digits), and outputs the paths of the files written.
 *
 * **Deterministic**: the same input always gives byte-identical files, whatever the runner and its
 * parallelism. A line goes to the shard given by a stable hash of its content (FNV-1a, modulo the shard count),
 * and each file holds its lines sorted by plain string comparison (`<`), so neither bundle boundaries nor the
 * order the runner delivers elements in show in the output. Duplicate lines are all written.
 *
 * **Complete**: all `shards` files are written, empty (or just the header) when no line falls into them; files
 * of an earlier run with the same prefix and suffix but another shard count are deleted.
 *
 * **Atomic**: shards are written to temporary files (0600) in private directories next to the output
 * (`<dir of prefix>/.sluice-temp-XXXXXX/`, made with `mkdtemp`: unguessable, created exclusively, mode 0700; each
 * writer has its own, and tells the final step its files' paths as elements) and renamed to their final names in
 * one final step (a finalizer), after every shard is written. That step first checks that each directory is
 * still this run's own (a directory, not a symlink, owned by this user, mode 0700) and refuses to publish
 * otherwise; then it commits through a journal: the earlier files of the prefix are deleted, then every file is
 * renamed (and given the usual mode, `0666` less the umask). If its worker is killed anywhere in there, the
 * runner's retry finishes the journal; a run that fails in the commit rolls it back. So the output is the
 * complete new set of files or none of it, never partial and never mixed with an earlier run's files. A failed or
 * interrupted (SIGINT, SIGTERM) run leaves no output files and no temporary directory; one killed with `kill -9`
 * leaves its temporary directories to the next run writing there, which removes them.
 *
 * **Windowed** (the default for input that is not in the global window, or is unbounded; `windowed` overrides):
 * one set of shards for every pane of every window, named
 * `${prefix}-${windowStart}-${windowEnd}-${paneIndex}-00000-of-00001${suffix}`, the bounds in ISO 8601 basic
 * format (`20260101T100000.000Z`: no `:`, sorts in time order), or `${prefix}-global-${paneIndex}-...` for the
 * global window. A pane's files hold the lines that arrived since the window's previous pane: the write groups
 * with its input's windows and trigger but always discards, so an ACCUMULATING input's running results are not
 * written twice. Each set is complete (every shard, empty ones included) and deterministic like unwindowed output.
 * On bounded input every set is renamed in the final step, as above; on unbounded input, which may never end, a
 * set is renamed as soon as its pane is written, so a streaming run publishes its results window by window (a
 * stopped or failed run keeps the panes it already published). Each pane is published through a journal of its
 * own, like the final step's: its set is complete or absent, never partial; a pane retried after its worker died
 * publishes it once (a runner with a run directory, process or threads, keeps the pane's journal there so every
 * attempt finds it), and a run that fails while a pane is half renamed rolls that pane back. A window's lines
 * are written by one worker.
 * @param prefix path prefix of the files; its directory is created if needed
 * @example
 * p.apply(readText("input/*.txt"))
 *   .apply(countPerElement())
 *   .map(({ key, value }) => `${key}: ${value}`)
 *   .apply(writeText("out/counts", { shards: 3 }));
 * // out/counts-00000-of-00003.txt, out/counts-00001-of-00003.txt, out/counts-00002-of-00003.txt
 *
 * events.apply(windowInto(new FixedWindows(60_000)))
 *   .apply(countPerElement())
 *   .map(({ key, value }) => `${key}: ${value}`)
 *   .apply(writeText("out/per-minute"));
 * // out/per-minute-20260101T100000.000Z-20260101T100100.000Z-0-00000-of-00001.txt, one per minute with data
 */
export function writeText(prefix: string, options: WriteTextOptions = {}): PTransform<PCollection<string>, PCollection<string>> {
  if (typeof prefix !== "string" || prefix.length === 0 || prefix.endsWith("/") || prefix.endsWith(path.sep)) {
    throw new TypeError(`writeText needs a file name prefix (not a directory), got ${JSON.stringify(prefix)}`);
  }
  const shards = options.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${String(shards)}`);
  const suffix = options.suffix ?? ".txt";
  if (typeof suffix !== "string" || suffix.includes("/") || suffix.includes(path.sep)) {
    throw new TypeError(`suffix must be a string without path separators, got ${JSON.stringify(suffix)}`);
  }
  if (options.header !== undefined && typeof options.header !== "string") throw new TypeError("header must be a string");
  if (options.windowed !== undefined && typeof options.windowed !== "boolean") throw new TypeError("windowed must be a boolean");
  // Resolved when the pipeline is built; workers rebuild it from the same module in the same directory.
  const absolutePrefix = path.resolve(prefix);
  const spec: ShardSpec = Object.freeze({
    prefix: absolutePrefix,
    suffix,
    shards,
    header: options.header,
    encoding: options.encoding,
  });

  return {
    name: "WriteText",
    expand(lines) {
      const windowed = options.windowed ?? (!(lines.windowing.windowFn instanceof GlobalWindows) || !lines.isBounded);
      if (windowed) return writeWindowed(lines, spec);
      const p = lines.pipeline;
      //   lines ─▶ AssignShard ─▶ GroupByShard ─▶ WriteShards ─▶ KeyAll ─┐
      //                                                                    ├▶ Collect ─▶ GroupAll ─▶ Finalize ─▶ paths
      //   Start (impulse) ─▶ MakeCommitDir ─────────────────────────────────┘
      // GroupAll holds back Finalize until every shard is written (the global window closes only when all input
      // is done). MakeCommitDir names the private directory Finalize commits from and sends the name along, so
      // Finalize runs, and writes the empty shards, even when there is no input.
      const written = lines
        .apply("GlobalWindow", windowInto<string>(new GlobalWindows()))
        .map((line) => {
          if (typeof line !== "string") throw new TypeError(`writeText writes strings, got ${line === null ? "null" : typeof line}`);
          return kv(shardOf(line, shards), line);
        }, "AssignShard")
        .apply("GroupByShard", groupByKey<number, string>())
        .parDo(new WriteShardFn(spec), { name: "WriteShards" });
      const all: PCollection<KV<string, WrittenShard | CommitDir>> = written.map((w) => kv("", w), "KeyAll");
      const start = startCommit<WrittenShard>(lines, spec);
      return p
        .apply("Collect", flatten([all, start]))
        .apply("GroupAll", groupByKey<string, WrittenShard | CommitDir>())
        .parDo(new FinalizeShardsFn(spec), { name: "Finalize", finalizer: true });
    },
  };
}

/**
 * The windowed write: one set of shards per window and pane.
 *
 * ```
 *   lines ─▶ KeyByWindow ─▶ DiscardingPanes ─▶ GroupByWindow ─▶ WritePanes ─┬─ unbounded: renamed there ─▶ paths
 *                                                                            └─ bounded: KeyAll ─▶ GlobalWindow ─┐
 *                                                                       Start ─▶ MakeCommitDir ─────────────┴▶ Collect ─▶ GroupAll ─▶ Finalize ─▶ paths
 * ```
 * KeyByWindow keys each line by its window, as the window coder encodes it (`encodeWindowData`; by one key for
 * merging windows, so that sessions still merge in GroupByWindow). DiscardingPanes keeps every element in its
 * window (KeepWindows decodes the window from the key with the same coder; merging windows are re-assigned by the original WindowFn, which gives an unmerged element the same
 * window) and keeps the input's trigger, lateness and timestamp combiner, but discards fired panes: each pane's
 * files then hold only the lines that arrived since the previous one. GroupByWindow fires one pane per window
 * whenever that trigger says, with all the lines of the pane together, so a pane's shards form one set.
 */
function writeWindowed(lines: PCollection<string>, spec: ShardSpec): PCollection<string> {
  const w = lines.windowing;
  const merging = w.windowFn.isMerging === true;
  const keyed = lines.parDo<KV<WindowData | "", string>>(
    {
      process(line, ctx) {
        if (typeof line !== "string") throw new TypeError(`writeText writes strings, got ${line === null ? "null" : typeof line}`);
        ctx.output(kv(merging ? "" : encodeWindowData(ctx.window, w.windowFn), line));
      },
    },
    { name: "KeyByWindow" },
  );
  const grouped = keyed
    .apply(
      "DiscardingPanes",
      windowInto<KV<WindowData | "", string>>(merging ? w.windowFn : new KeepWindows(w.windowFn), {
        trigger: w.trigger,
        accumulation: "DISCARDING",
        allowedLateness: w.allowedLateness,
        timestampCombiner: w.timestampCombiner,
        ...(w.closingBehavior !== undefined ? { closingBehavior: w.closingBehavior } : {}),
        ...(w.onTimeBehavior !== undefined ? { onTimeBehavior: w.onTimeBehavior } : {}),
      }),
    )
    .apply("GroupByWindow", groupByKey<WindowData | "", string>());
  if (!lines.isBounded) {
    // WritePaneFn emits final paths when it publishes.
    return grouped.parDo(new WritePaneFn(spec, true), { name: "WritePanes" }) as PCollection<string>;
  }
  // Without `publish` it emits WrittenPanes, for the finalize step.
  const written = grouped.parDo(new WritePaneFn(spec, false), { name: "WritePanes" }) as PCollection<WrittenPane>;
  const all = written
    .map((pane): KV<string, WrittenPane | CommitDir> => kv("", pane), "KeyAll")
    .apply("GlobalWindow", windowInto<KV<string, WrittenPane | CommitDir>>(new GlobalWindows()));
  return lines.pipeline
    .apply("Collect", flatten([all, startCommit<WrittenPane>(lines, spec)]))
    .apply("GroupAll", groupByKey<string, WrittenPane | CommitDir>())
    .parDo(new FinalizePanesFn(spec), { name: "Finalize", finalizer: true });
}

/** `Start (impulse) ─▶ MakeCommitDir`: the commit directory's name, keyed for GroupAll. */
function startCommit<T>(lines: PCollection<string>, spec: ShardSpec): PCollection<KV<string, T | CommitDir>> {
  return lines.pipeline.apply("Start", impulse()).parDo(new MakeCommitDirFn<T>(spec), { name: "MakeCommitDir" });
}
