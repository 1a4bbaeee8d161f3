/**
 * Windowed writes: the DoFn that writes the shards of one pane of one window, and how such a set of shards is
 * published under its final names.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import {
  commitFiles,
  currentRunDir,
  makeNamedPrivateDir,
  makePrivateDir,
  readCommit,
  removePrivateDir,
  removeStaleDirs,
  rollBackCommit,
  type DoFn,
  type KV,
  type ProcessContext,
  type TeardownContext,
} from "../../../sdk/index.js";
import { TEMP_DIR_PREFIX, shardFilePattern, shardOf, windowedShardFileName, windowFileLabel, type ShardSpec } from "./shard-names.js";
import { TempFiles } from "./write-shard-fn.js";
import { checkTempFiles } from "./commit-dir.js";

/** Where the journals of streaming panes live in a runner's run directory (see {@link publishPane}). */
const PANE_JOURNALS = "panes";

/** The shards of one pane of one window, written to temporary files and waiting for their final names. Plain data. */
export interface WrittenPane {
  /** The window's file-name label (see `windowFileLabel`). */
  readonly window: string;
  /** The pane's index among the window's panes (of the write's grouping). */
  readonly pane: number;
  /** The temporary file of each shard, by shard number: every shard, empty ones included (in the writer's private directory). */
  readonly tempPaths: readonly string[];
}

/**
 * Receives all the lines of one pane of one window (its input is grouped by window, under one key per window)
 * and writes every shard of the pane, sorted, to temporary files: lines go to shards by the same hash as
 * unwindowed writes, and shards without lines are written empty (with the header), so a set is always complete.
 *
 * With `publish` (unbounded input: the run may never end, so there is no end to wait for), it then gives the
 * files their final names at once and emits those; otherwise it emits the {@link WrittenPane} for the finalize
 * step, which renames every pane's files once the whole run has succeeded. Temporary files follow
 * {@link TempFiles}' rules.
 */
export class WritePaneFn implements DoFn<KV<unknown, readonly string[]>, WrittenPane | string> {
  private readonly files: TempFiles;
  /** Whether this instance removed the stale temporary directories next to the output yet. */
  private swept = false;

  constructor(
    private readonly spec: ShardSpec,
    private readonly publish: boolean,
  ) {
    this.files = new TempFiles(path.dirname(spec.prefix), spec);
  }

  startBundle(): void {
    this.files.startBundle();
  }

  process({ value: lines }: KV<unknown, readonly string[]>, ctx: ProcessContext<WrittenPane | string>): void {
    const { shards } = this.spec;
    const window = windowFileLabel(ctx.window);
    const byShard: string[][] = Array.from({ length: shards }, () => []);
    for (const line of lines) byShard[shardOf(line, shards)]!.push(line);
    const tempPaths = byShard.map((shardLines, shard) => this.files.write(`pane-${ctx.pane.index}-shard-${shard}`, shardLines));
    const written: WrittenPane = { window, pane: ctx.pane.index, tempPaths };
    if (!this.publish) {
      ctx.output(written);
      return;
    }
    if (!this.swept) {
      // Once per instance: the temporary directories of dead jobs next to the output, rolling back a pane one of
      // them left half published (a direct run killed with kill -9 in its renames).
      removeStaleDirs(path.dirname(this.spec.prefix), TEMP_DIR_PREFIX, (dir) => void rollBackCommit(dir));
      this.swept = true;
    }
    for (const f of publishPane(this.spec, written)) ctx.output(f);
  }

  finishBundle(): void {
    this.files.finishBundle();
  }

  teardown(ctx: TeardownContext): void {
    this.files.teardown(ctx);
  }
}

/**
 * Publishes a streaming pane's shards at once (unbounded input has no end to wait for, so no finalize step),
 * through a commit journal (see `commitFiles`), so that the pane's set is complete or absent, never partial,
 * and a retried pane publishes it once:
 * 1. checks that the temporary files are ours (see `checkTempFiles`);
 * 2. finds the pane's journal directory: on a runner with a run directory (process, threads) it is
 *    `<run dir>/panes/<hash of prefix, suffix, window, pane>`, a name every attempt of the pane computes alike
 *    inside a directory only this job can enter; without one (direct runner, which never retries a bundle) a
 *    fresh private directory next to the output, removed once the pane is published;
 * 3. if an earlier attempt finished the pane's journal, publishes nothing again: deletes this attempt's
 *    temporary files and returns the final paths; if it left the journal unfinished (its worker died in the
 *    renames), rolls it back (the partial set goes);
 * 4. commits: deletes the files of the window's and pane's set (an earlier run's, any shard count, same names
 *    included), then renames every temporary file. An error rolls the commit back and is rethrown.
 *
 * A journal in the run directory stays until the run ends (an attempt killed after its commit is retried with
 * the same result); the runner removes it with the run, rolling it back if unfinished (a failed run).
 * @returns the final paths, by shard
 * @throws Error naming the file when a temporary file is missing, not ours, or cannot be renamed
 */
export function publishPane(spec: ShardSpec, written: WrittenPane): string[] {
  const { prefix, suffix, shards } = spec;
  const finals = written.tempPaths.map((_, shard) => windowedShardFileName(prefix, written.window, written.pane, shard, shards, suffix));
  const outputDir = path.dirname(prefix);
  checkTempFiles(outputDir, written.tempPaths);
  const runDir = currentRunDir();
  let journalDir: string;
  if (runDir !== undefined) {
    const id = createHash("sha256").update(JSON.stringify([prefix, suffix, written.window, written.pane])).digest("hex").slice(0, 32);
    journalDir = path.join(runDir, PANE_JOURNALS, id);
    makeNamedPrivateDir(journalDir);
    if (readCommit(journalDir) !== undefined && !rollBackCommit(journalDir)) {
      // Published by an earlier attempt (killed before the runner heard of it): the same set, once.
      for (const tempPath of written.tempPaths) fs.rmSync(tempPath, { force: true });
      return finals;
    }
  } else {
    journalDir = makePrivateDir(outputDir, TEMP_DIR_PREFIX);
  }
  const isSetFile = shardFilePattern(`${prefix}-${written.window}-${written.pane}`, suffix);
  const deletes = fs
    .readdirSync(outputDir)
    .filter((name) => isSetFile.test(name))
    .map((name) => path.join(outputDir, name));
  const moves = written.tempPaths.map((tempPath, shard) => [tempPath, finals[shard]!] as const);
  try {
    commitFiles(journalDir, { deletes, moves, finalMode: 0o666 & ~process.umask() });
  } catch (e) {
    rollBackCommit(journalDir);
    throw e;
  } finally {
    if (runDir === undefined) removePrivateDir(journalDir);
  }
  return finals;
}
