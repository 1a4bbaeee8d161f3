/**
 * The DoFn that finishes a windowed write of bounded input: renames every pane's shards, all at once, after the
 * whole run has succeeded.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import type { DoFn, KV, ProcessContext, TeardownContext } from "../../../sdk/index.js";
import { shardFilePattern, windowedShardFileName, type ShardSpec } from "./shard-names.js";
import type { WrittenPane } from "./write-pane-fn.js";
import { CommitDirs, checkTempFiles, commitDirOf, commitWrite, isCommitDir, type CommitDir } from "./commit-dir.js";

/**
 * Receives every pane written by the run in one group, plus the {@link CommitDir} named at the start of the run,
 * and commits them all at once like `FinalizeShardsFn` (see `commitWrite`): through a journal, deletes every file
 * of an earlier run for the same windows and panes (any shard count, the same names included), then renames
 * every pane's files; emits the final paths. A pane that arrives twice (a retried bundle; same contents) is
 * published once: the copy whose first file has the smallest path, so the choice does not depend on arrival
 * order. No panes (no input) means no files: there is no window to name them by.
 */
export class FinalizePanesFn implements DoFn<KV<string, readonly (WrittenPane | CommitDir)[]>, string> {
  private readonly dirs = new CommitDirs();

  constructor(private readonly spec: ShardSpec) {}

  teardown(ctx: TeardownContext): void {
    this.dirs.teardown(ctx);
  }

  process({ value }: KV<string, readonly (WrittenPane | CommitDir)[]>, ctx: ProcessContext<string>): void {
    const commitDir = commitDirOf(value);
    const panes = value.filter((v): v is WrittenPane => !isCommitDir(v));
    const finals = commitWrite(
      this.spec,
      this.dirs,
      commitDir,
      () => this.plan(panes),
      () => new Set(panes.flatMap((p) => p.tempPaths.map((f) => path.dirname(f)))),
    );
    for (const f of finals) ctx.output(f);
  }

  private plan(panes: readonly WrittenPane[]) {
    const { prefix, suffix, shards } = this.spec;
    const outputDir = path.dirname(prefix);
    const chosen = new Map<string, WrittenPane>();
    for (const p of panes) {
      const key = `${p.window}/${p.pane}`;
      const seen = chosen.get(key);
      if (seen === undefined || p.tempPaths[0]! < seen.tempPaths[0]!) chosen.set(key, p);
    }
    // Sorted, so the paths come out in the same order on every runner.
    const sets = [...chosen.keys()].sort().map((key) => chosen.get(key)!);
    checkTempFiles(outputDir, sets.flatMap((p) => p.tempPaths));
    const deletes: string[] = [];
    const moves: [string, string][] = [];
    const names = fs.readdirSync(outputDir); // once: a run may write thousands of panes
    for (const p of sets) {
      const isSetFile = shardFilePattern(`${prefix}-${p.window}-${p.pane}`, suffix);
      for (const name of names) if (isSetFile.test(name)) deletes.push(path.join(outputDir, name));
      p.tempPaths.forEach((tempPath, shard) => moves.push([tempPath, windowedShardFileName(prefix, p.window, p.pane, shard, shards, suffix)]));
    }
    return { deletes, moves };
  }
}
