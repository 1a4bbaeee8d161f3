/**
 * The DoFn that finishes a write: gives every shard its final name, all at once, after all shards are written.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import type { DoFn, KV, ProcessContext } from "../../../sdk/index.js";
import { shardFileName, shardFilePattern, type ShardSpec } from "./shard-names.js";
import { removeDirIfEmpty, writeLinesSync, type WrittenShard } from "./write-shard-fn.js";
import { renameShard } from "./write-pane-fn.js";

/**
 * Receives every written shard of the run in one group (plus a `null` start marker, so that it runs even when
 * no shard was written) and:
 * 1. writes an empty file (just the header, if any) for each shard that received no line, so the set of files
 *    is always complete: `-of-00003` always means three files;
 * 2. deletes the files of an earlier run with the same prefix and suffix but another shard count, so stale
 *    shards never mix with new ones (files with this run's names are replaced atomically by the rename);
 * 3. renames every temporary file to its final name, and removes the temporary directory;
 * 4. emits the final paths.
 *
 * A missing temporary file fails the step loudly rather than leaving an older file of the same name in place.
 */
export class FinalizeShardsFn implements DoFn<KV<string, readonly (WrittenShard | null)[]>, string> {
  constructor(private readonly spec: ShardSpec) {}

  process({ value }: KV<string, readonly (WrittenShard | null)[]>, ctx: ProcessContext<string>): void {
    const created: string[] = [];
    try {
      this.finalize(value, created, ctx);
    } catch (e) {
      // The run fails: the writers' teardown deletes their files; these are ours.
      for (const f of created) fs.rmSync(f, { force: true });
      removeDirIfEmpty(this.spec.tempDir);
      throw e;
    }
  }

  private finalize(value: readonly (WrittenShard | null)[], created: string[], ctx: ProcessContext<string>): void {
    const { prefix, suffix, shards, header, tempDir } = this.spec;
    const byShard = new Map<number, string>();
    // Order-independent choice if a shard ever arrives twice (identical contents): keep the smallest path.
    for (const w of value) {
      if (w === null) continue;
      const seen = byShard.get(w.shard);
      if (seen === undefined || w.tempPath < seen) {
        if (seen !== undefined) fs.rmSync(seen, { force: true });
        byShard.set(w.shard, w.tempPath);
      } else if (w.tempPath !== seen) {
        fs.rmSync(w.tempPath, { force: true });
      }
    }

    const finals: string[] = [];
    for (let shard = 0; shard < shards; shard++) finals.push(shardFileName(prefix, shard, shards, suffix));
    for (let shard = 0; shard < shards; shard++) {
      if (byShard.has(shard)) continue;
      fs.mkdirSync(tempDir, { recursive: true });
      const tempPath = path.join(tempDir, `shard-${shard}.empty.tmp`);
      fs.rmSync(tempPath, { force: true }); // left by an earlier attempt
      created.push(tempPath);
      writeLinesSync(tempPath, header, []);
      byShard.set(shard, tempPath);
    }

    const outputDir = path.dirname(prefix);
    const keep = new Set(finals.map((f) => path.basename(f)));
    const isShardFile = shardFilePattern(prefix, suffix);
    for (const name of fs.readdirSync(outputDir)) {
      if (isShardFile.test(name) && !keep.has(name)) fs.rmSync(path.join(outputDir, name), { force: true });
    }

    for (let shard = 0; shard < shards; shard++) renameShard(byShard.get(shard)!, finals[shard]!, shard);
    fs.rmSync(tempDir, { recursive: true, force: true });
    for (const f of finals) ctx.output(f);
  }
}
