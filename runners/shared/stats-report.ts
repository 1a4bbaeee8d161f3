/**
 * `--stats`: a run's statistics as a table, printed on stderr at the end of a parallel run.
 * @module
 */
import type { RunStats } from "../../sdk/runner-api.js";

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** The statistics as text: one line per stage, then the totals. */
export function formatStats(stats: RunStats, durationMs: number): string {
  const rows = stats.stages.map((s) => [
    s.stage,
    s.steps[0] + (s.steps.length > 1 ? ` (+${s.steps.length - 1})` : ""),
    String(s.bundles),
    s.elementsIn.toLocaleString("en"),
    s.elementsOut.toLocaleString("en"),
    bytes(s.shuffleBytesOut),
    String(s.retries),
  ]);
  const header = ["stage", "steps", "bundles", "in", "out", "shuffled", "retries"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [
    line(header),
    ...rows.map(line),
    `${stats.bundles} bundles (${stats.retries} retried), ${bytes(stats.shuffleBytes)} shuffled, ${bytes(stats.spilledBytes)} spilled in ${stats.spillRuns} runs, ` +
      `largest worker RSS ${bytes(stats.workerMaxRssBytes)}, ${(durationMs / 1000).toFixed(2)} s`,
  ].join("\n");
}
