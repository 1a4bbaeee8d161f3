/**
 * Progress of a run, on every runner: one row per stage (elements in and out and their rates, bundles done and
 * running, and for a stream its output watermark and how far it lags behind the clock), redrawn on a timer and
 * after finished work, with notices (retries, draining) on lines of their own above. On stderr, only on a
 * terminal, never with `--quiet`, and only once a run has lasted a couple of seconds, so short runs and piped
 * output stay clean.
 * @module
 */
import type cliProgress from "cli-progress";
import { lazyRequire } from "../../sdk/internal/lazy-require.js";
import { formatInstant, TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE } from "../../sdk/model/time.js";
import type { StageProgress } from "./engine/job-scheduler.js";
import type { MetricResults } from "../../sdk/metrics.js";

/** Loaded when bars are first drawn: a run without a terminal never needs it. */
const progressBars = lazyRequire<typeof cliProgress>("cli-progress");

/** What a display shows, asked for at every redraw. */
export interface ProgressSnapshot {
  readonly stages: readonly StageProgress[];
  /** Work run again so far (a notice appears when it grows). */
  readonly retries: number;
  /** Elements produced so far on each PCollection (the `--ui` page's edge counts). */
  readonly elements?: ReadonlyMap<string, number>;
  /** The pipeline's metrics so far (the `--ui` page). */
  readonly metrics?: MetricResults;
}

/** Shows progress; `stop()` removes the rows. */
export interface ProgressDisplay {
  /** Redraws now if the last redraw is older than the display's interval (runners call it after finished work). */
  refresh(): void;
  /** A line of its own above the rows (kept when the rows go). */
  notice(text: string): void;
  stop(): void;
}

/**
 * The rows for `stages`, rates from the elements since `previous` (taken `seconds` earlier; none: no rates yet).
 * @example
 * formatProgressRows(snapshot.stages, undefined, 0, Date.now()); // ["S0 Read  in 1,000  out 1,000  ...", ...]
 */
export function formatProgressRows(stages: readonly StageProgress[], previous: readonly StageProgress[] | undefined, seconds: number, now: number): string[] {
  const cells = stages.map((s, i) => {
    const before = previous?.[i];
    const rate = (n: number, was: number | undefined) => (was === undefined || seconds <= 0 ? "" : ` (${Math.round((n - was) / seconds).toLocaleString("en")}/s)`);
    const wm = s.outputWatermark;
    const watermark =
      wm === TIMESTAMP_MAX_VALUE ? "done" : wm <= TIMESTAMP_MIN_VALUE ? "" : `wm ${formatInstant(wm)}${now - wm < 10 * 365 * 86_400_000 && now >= wm ? ` (lag ${((now - wm) / 1000).toFixed(1)}s)` : ""}`;
    return [
      s.stage,
      s.steps[0]! + (s.steps.length > 1 ? ` (+${s.steps.length - 1})` : ""),
      `in ${s.elementsIn.toLocaleString("en")}${rate(s.elementsIn, before?.elementsIn)}`,
      `out ${s.elementsOut.toLocaleString("en")}${rate(s.elementsOut, before?.elementsOut)}`,
      `bundles ${s.bundles.toLocaleString("en")} done, ${s.running} running`,
      watermark,
    ];
  });
  const widths = cells.length === 0 ? [] : cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd());
}

/**
 * A progress display for a run, or `undefined` when there should be none (`quiet`, or not a terminal).
 * @param options.delayMs how long a run must last before the rows appear (default 2 s)
 * @param options.intervalMs how often they are redrawn (default 500 ms)
 */
export function createProgressDisplay(options: {
  readonly quiet: boolean;
  readonly snapshot: () => ProgressSnapshot;
  readonly stream?: NodeJS.WriteStream;
  readonly delayMs?: number;
  readonly intervalMs?: number;
}): ProgressDisplay | undefined {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY) return undefined;
  const intervalMs = options.intervalMs ?? 500;
  let bars: cliProgress.MultiBar | undefined;
  let rows: cliProgress.SingleBar[] = [];
  let previous: { stages: readonly StageProgress[]; at: number } | undefined;
  let lastDraw = 0;
  let retries = 0;
  const pending: string[] = [];
  const draw = () => {
    if (!bars) return;
    const now = Date.now();
    const snap = options.snapshot();
    const lines = formatProgressRows(snap.stages, previous?.stages, previous ? (now - previous.at) / 1000 : 0, now);
    while (rows.length < lines.length) rows.push(bars.create(1, 0, { line: "" }));
    lines.forEach((line, i) => rows[i]!.update(0, { line }));
    if (snap.retries > retries) bars.log(`${snap.retries - retries} bundle(s) retried (worker lost or, on the process runner, user code failed)\n`);
    retries = snap.retries;
    previous = { stages: snap.stages, at: now };
    lastDraw = now;
    // Render now (the bars' own timer would wait for its next frame, and a synchronous run starves it).
    (bars as unknown as { update(): void }).update();
  };
  let interval: NodeJS.Timeout | undefined;
  const start = setTimeout(() => {
    bars = new (progressBars().MultiBar)({ stream, format: "{line}", hideCursor: true, clearOnComplete: true, autopadding: false }, progressBars().Presets.shades_classic);
    for (const text of pending.splice(0)) bars.log(`${text}\n`);
    draw();
    interval = setInterval(draw, intervalMs);
    interval.unref();
  }, options.delayMs ?? 2000);
  start.unref();
  return {
    refresh() {
      if (bars && Date.now() - lastDraw >= intervalMs) draw();
    },
    notice(text) {
      if (bars) bars.log(`${text}\n`);
      else pending.push(text);
    },
    stop() {
      clearTimeout(start);
      if (interval) clearInterval(interval);
      bars?.stop();
    },
  };
}
