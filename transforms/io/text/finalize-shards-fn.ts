/**
 * The DoFn that finishes a write: gives every shard its final name, all at once, after all shards are written.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import type { DoFn, KV, ProcessContext, TeardownContext } from "../../../sdk/index.js";
import { shardFileName, shardFilePattern, type ShardSpec } from "./shard-names.js";
import { writeShardFile, type WrittenShard } from "./write-shard-fn.js";
import { CommitDirs, checkTempFiles, commitDirOf, commitWrite, existingFiles, isCommitDir, type CommitDir } from "./commit-dir.js";

/**
 * Receives every written shard of the run in one group, plus the {@link CommitDir} named at the start of the run
 * (so that it runs even when no shard was written), and commits (see `commitWrite`):
 * 1. writes an empty file (just the header, if any) for each shard that received no line, into the commit
 *    directory, so the set of files is always complete: `-of-00003` always means three files;
 * 2. checks that every temporary file is ours (a regular file in a private directory of ours);
 * 3. through a journal, deletes every file of an earlier run with the same prefix and suffix (any shard count,
 *    the same names included), then renames every temporary file to its final name;
 * 4. removes the temporary directories and emits the final paths.
 *
 * A retry after a crash at any point finishes the journal (or, before there is one, starts again); a failure
 * rolls the commit back. A missing temporary file fails the step loudly rather than leaving a partial set.
 */
export class FinalizeShardsFn implements DoFn<KV<string, readonly (WrittenShard | CommitDir)[]>, string> {
  private readonly dirs = new CommitDirs();

  constructor(private readonly spec: ShardSpec) {}

  teardown(ctx: TeardownContext): void {
    this.dirs.teardown(ctx);
  }

  process({ value }: KV<string, readonly (WrittenShard | CommitDir)[]>, ctx: ProcessContext<string>): void {
    const commitDir = commitDirOf(value);
    const written = value.filter((v): v is WrittenShard => !isCommitDir(v));
    const finals = commitWrite(
      this.spec,
      this.dirs,
      commitDir,
      () => this.plan(commitDir, written),
      () => new Set(written.map((w) => path.dirname(w.tempPath))),
    );
    for (const f of finals) ctx.output(f);
  }

  private plan(commitDir: string, written: readonly WrittenShard[]) {
    const { prefix, suffix, shards } = this.spec;
    const outputDir = path.dirname(prefix);
    // Order-independent choice if a shard ever arrives twice (identical contents): keep the smallest path.
    const byShard = new Map<number, string>();
    for (const w of written) {
      const seen = byShard.get(w.shard);
      if (seen === undefined || w.tempPath < seen) byShard.set(w.shard, w.tempPath);
    }
    checkTempFiles(outputDir, byShard.values());
    for (let shard = 0; shard < shards; shard++) {
      if (byShard.has(shard)) continue;
      const tempPath = path.join(commitDir, `shard-${shard}.empty.tmp`);
      fs.rmSync(tempPath, { force: true }); // left by an earlier attempt
      writeShardFile(tempPath, this.spec, []);
      byShard.set(shard, tempPath);
    }
    const moves: [string, string][] = [];
    for (let shard = 0; shard < shards; shard++) moves.push([byShard.get(shard)!, shardFileName(prefix, shard, shards, suffix)]);
    return { deletes: existingFiles(outputDir, shardFilePattern(prefix, suffix)), moves };
  }
}
