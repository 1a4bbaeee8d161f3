/**
 * Windowed writes: the DoFn that writes the shards of one pane of one window, and how such a set of shards is
 * published under its final names.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import type { DoFn, KV, ProcessContext, TeardownContext } from "../../../sdk/index.js";
import { shardFilePattern, shardOf, windowedShardFileName, windowFileLabel, type ShardSpec } from "./shard-names.js";
import { TempFiles } from "./write-shard-fn.js";
import { checkTempFiles } from "./commit-dir.js";

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
export class WritePaneFn implements DoFn<KV<string, readonly string[]>, WrittenPane | string> {
  private readonly files: TempFiles;

  constructor(
    private readonly spec: ShardSpec,
    private readonly publish: boolean,
  ) {
    this.files = new TempFiles(path.dirname(spec.prefix), spec.header);
  }

  startBundle(): void {
    this.files.startBundle();
  }

  process({ value: lines }: KV<string, readonly string[]>, ctx: ProcessContext<WrittenPane | string>): void {
    const { shards } = this.spec;
    const window = windowFileLabel(ctx.window.id);
    const byShard: string[][] = Array.from({ length: shards }, () => []);
    for (const line of lines) byShard[shardOf(line, shards)]!.push(line);
    const tempPaths = byShard.map((shardLines, shard) => this.files.write(`pane-${ctx.pane.index}-shard-${shard}`, shardLines));
    const written: WrittenPane = { window, pane: ctx.pane.index, tempPaths };
    if (!this.publish) {
      ctx.output(written);
      return;
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
 * Gives a streaming pane's shards their final names at once (unbounded input has no end to wait for, so no
 * finalize step): checks that the temporary files are ours, deletes the files of an earlier run for the same
 * window and pane but another shard count (files with this run's names are replaced by the rename itself,
 * atomically), then renames every temporary file. A retried bundle writes and publishes the pane again.
 * Returns the final paths, by shard.
 * @throws Error naming the file when a temporary file is missing, not ours, or cannot be renamed
 */
export function publishPane(spec: ShardSpec, written: WrittenPane): string[] {
  const { prefix, suffix, shards } = spec;
  const finals = written.tempPaths.map((_, shard) => windowedShardFileName(prefix, written.window, written.pane, shard, shards, suffix));
  const outputDir = path.dirname(prefix);
  checkTempFiles(outputDir, written.tempPaths);
  const mode = 0o666 & ~process.umask();
  const keep = new Set(finals.map((f) => path.basename(f)));
  const isSetFile = shardFilePattern(`${prefix}-${written.window}-${written.pane}`, suffix);
  for (const name of fs.readdirSync(outputDir)) {
    if (isSetFile.test(name) && !keep.has(name)) fs.rmSync(path.join(outputDir, name), { force: true });
  }
  written.tempPaths.forEach((tempPath, shard) => {
    fs.chmodSync(tempPath, mode);
    renameShard(tempPath, finals[shard]!, shard);
  });
  return finals;
}

/** Renames one temporary file to its final name, failing loudly (a missing file must not leave an old one). */
export function renameShard(tempPath: string, finalPath: string, shard: number): void {
  try {
    fs.renameSync(tempPath, finalPath);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT" && !fs.existsSync(tempPath);
    throw new Error(
      missing
        ? `temporary file '${tempPath}' of shard ${shard} is missing: was it deleted before the write was finalised?`
        : `cannot rename '${tempPath}' to '${finalPath}': ${(e as Error).message}`,
      { cause: e },
    );
  }
}
