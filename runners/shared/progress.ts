/**
 * The progress line of the parallel runners: elements read, their rate, tasks done and running, retries and
 * elapsed time, on stderr. Only on a terminal, never with `--quiet`, and only once a run has lasted a couple of
 * seconds, so short runs and piped output stay clean.
 * @module
 */
import cliProgress from "cli-progress";
import type { Progress } from "./coordinator.js";

/** Shows progress; `stop()` removes the line. */
export interface ProgressDisplay {
  update(progress: Progress): void;
  stop(): void;
}

/**
 * A progress display for a run, or `undefined` when there should be none (`quiet`, or not a terminal).
 * @param options.delayMs how long a run must last before the line appears (default 2 s)
 */
export function createProgressDisplay(options: {
  readonly quiet: boolean;
  readonly stream?: NodeJS.WriteStream;
  readonly delayMs?: number;
}): ProgressDisplay | undefined {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY) return undefined;
  const started = Date.now();
  let latest: Progress = { tasksDone: 0, tasksRunning: 0, elementsRead: 0, retries: 0 };
  let bar: cliProgress.SingleBar | undefined;
  const payload = () => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    return {
      read: latest.elementsRead.toLocaleString("en"),
      rate: Math.round(latest.elementsRead / seconds).toLocaleString("en"),
      done: latest.tasksDone,
      running: latest.tasksRunning,
      retries: latest.retries > 0 ? `, ${latest.retries} retried` : "",
      elapsed: seconds.toFixed(1),
    };
  };
  const timer = setTimeout(() => {
    bar = new cliProgress.SingleBar(
      {
        stream,
        format: "{elapsed}s | read {read} elements ({rate}/s) | bundles: {done} done, {running} running{retries}",
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1, 0, payload());
  }, options.delayMs ?? 2000);
  timer.unref();
  return {
    update(progress) {
      latest = progress;
      bar?.update(0, payload());
    },
    stop() {
      clearTimeout(timer);
      bar?.stop();
    },
  };
}
