/**
 * `--stats` (every runner): a run's statistics per stage and the pipeline's metrics, as tables printed on stderr
 * at the end of the run.
 * @module
 */
import type { MetricResults } from "../../sdk/metrics.js";
import type { PipelineOptions } from "../../sdk/options.js";
import type { PipelineResult, RunStats } from "../../sdk/runner-api.js";

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

/** The pipeline's metrics as a table (one line per step and name), or `""` when it has none. */
export function formatMetrics(metrics: MetricResults): string {
  const rows: string[][] = [
    ...metrics.counters.map((m) => [m.step, m.name, "counter", m.value.toLocaleString("en")]),
    ...metrics.gauges.map((m) => [m.step, m.name, "gauge", m.value.toLocaleString("en")]),
    ...metrics.distributions.map((m) => [
      m.step,
      m.name,
      "distribution",
      `count ${m.value.count.toLocaleString("en")}, mean ${m.value.mean.toLocaleString("en", { maximumFractionDigits: 3 })}, min ${m.value.min}, max ${m.value.max}`,
    ]),
  ].sort((a, b) => (a[0]! === b[0]! ? (a[1]! < b[1]! ? -1 : 1) : a[0]! < b[0]! ? -1 : 1));
  if (rows.length === 0) return "";
  const header = ["step", "metric", "kind", "value"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** With `--stats`, prints the run's statistics and the pipeline's metrics on stderr. */
export function reportRun(result: PipelineResult, options: PipelineOptions): void {
  if (!options.stats) return;
  const parts: string[] = [];
  if (result.stats) parts.push(formatStats(result.stats, result.durationMs));
  const metrics = formatMetrics(result.metrics);
  if (metrics) parts.push(metrics);
  if (parts.length > 0) process.stderr.write(`${parts.join("\n\n")}\n`);
}
