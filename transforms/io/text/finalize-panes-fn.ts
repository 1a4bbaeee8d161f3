/**
 * The DoFn that finishes a windowed write of bounded input: renames every pane's shards, all at once, after the
 * whole run has succeeded.
 * @module
 */
import fs from "node:fs";
import type { DoFn, KV, ProcessContext } from "../../../sdk/index.js";
import type { ShardSpec } from "./shard-names.js";
import { publishPane, type WrittenPane } from "./write-pane-fn.js";

/**
 * Receives every pane written by the run in one group and publishes each (see `publishPane`), then removes the
 * temporary directory and emits the final paths. A pane that arrives twice (a retried bundle; same contents)
 * is published once: the copy whose first file has the smallest path, the other's files deleted, so the choice
 * does not depend on arrival order. No panes (no input) means no files: there is no window to name them by.
 */
export class FinalizePanesFn implements DoFn<KV<string, readonly WrittenPane[]>, string> {
  constructor(private readonly spec: ShardSpec) {}

  process({ value: panes }: KV<string, readonly WrittenPane[]>, ctx: ProcessContext<string>): void {
    const chosen = new Map<string, WrittenPane>();
    for (const p of panes) {
      const key = `${p.window}/${p.pane}`;
      const seen = chosen.get(key);
      if (seen === undefined || p.tempPaths[0]! < seen.tempPaths[0]!) {
        if (seen !== undefined) deleteFiles(seen);
        chosen.set(key, p);
      } else if (p.tempPaths[0] !== seen.tempPaths[0]) {
        deleteFiles(p);
      }
    }
    // Sorted, so the paths come out in the same order on every runner.
    const keys = [...chosen.keys()].sort();
    for (const key of keys) for (const f of publishPane(this.spec, chosen.get(key)!)) ctx.output(f);
    fs.rmSync(this.spec.tempDir, { recursive: true, force: true });
  }
}

function deleteFiles(p: WrittenPane): void {
  for (const f of p.tempPaths) fs.rmSync(f, { force: true });
}
