/**
 * Liveness of user code: a run never waits forever on a promise of user code, and never ends without finishing.
 *
 * Every await on user code (a DoFn's async lifecycle methods, a source's `split` and `read`) goes through
 * {@link settleWithin}, which
 * - bounds it by `--taskTimeout`: a call that has not settled in time fails with a {@link TaskTimeoutError} naming
 *   the method, which the caller turns into a user-code error naming the step; and
 * - records it while it is pending, so that when a run's event loop drains (nothing is left that could ever settle
 *   the promise: with `--taskTimeout 0` no timer keeps the process alive) {@link guardEventLoop} rejects the run
 *   naming the step and the method it was awaiting, instead of letting the process exit 0 with the run unfinished.
 *
 * A synchronous endless loop cannot be interrupted from its own thread: the direct runner's watchdog thread kills
 * its process (`runners/direct/watchdog.ts`), and the parallel runners' pools kill a worker
 * that does not answer a task in time (`runners/shared/hung-tasks.ts`).
 * @module
 */
import { PipelineError } from "../../sdk/runner-api.js";
import type { PipelineGraph } from "../../sdk/graph.js";
import { toPipelineError, UserCodeError } from "./user-code-error.js";

/** User code that did not settle within `--taskTimeout`. Its message names the method; the step is added by the caller. */
export class TaskTimeoutError extends Error {
  override name = "TaskTimeoutError";
}

/** A call of user code being awaited. */
interface PendingCall {
  readonly step: string;
  readonly method: string;
  readonly since: number;
}

/**
 * The user-code calls being awaited in this thread, oldest first. Invariant: a call is in the set from the moment
 * its promise is awaited until it settles or times out, and never after.
 */
const pending = new Set<PendingCall>();

/** `--taskTimeout` (seconds, 0 = none) as milliseconds, 0 meaning no limit. */
export function taskTimeoutMs(taskTimeoutSec: number | undefined): number {
  return typeof taskTimeoutSec === "number" && Number.isFinite(taskTimeoutSec) && taskTimeoutSec > 0 ? Math.ceil(taskTimeoutSec * 1000) : 0;
}

/** Whether `value` is a promise or any other thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * Awaits `value`, a promise returned by `method` of the user code of `step`, for at most `timeoutMs` (0: no limit).
 * @throws TaskTimeoutError when it has not settled in time (the promise is then abandoned); whatever it rejects with
 */
export async function settleWithin<T>(step: string, method: string, value: PromiseLike<T>, timeoutMs: number): Promise<T> {
  const call: PendingCall = { step, method, since: Date.now() };
  pending.add(call);
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!(timeoutMs > 0)) return await value;
    return await new Promise<T>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new TaskTimeoutError(`${method} did not settle within ${formatSeconds(timeoutMs)} (--taskTimeout)`)),
        timeoutMs,
      );
      value.then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
    pending.delete(call);
  }
}

/** `2 s`, `0.5 s`. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * Settles like `run`, except that if the process's event loop drains while `run` is still pending (so it can never
 * settle, and Node would exit 0 with the run unfinished) it rejects with a {@link PipelineError} naming the step
 * and the method that was being awaited (and, given the graph, where the step was applied). Runners wrap a run's
 * promise in it.
 */
export function guardEventLoop<T>(run: Promise<T>, graph?: PipelineGraph): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onDrained = (): void => {
      process.off("beforeExit", onDrained);
      reject(drainedError(graph));
    };
    process.on("beforeExit", onDrained);
    run.then(
      (value) => {
        process.off("beforeExit", onDrained);
        resolve(value);
      },
      (error: unknown) => {
        process.off("beforeExit", onDrained);
        reject(error);
      },
    );
  });
}

function drainedError(graph: PipelineGraph | undefined): PipelineError {
  const oldest = pending.values().next().value as PendingCall | undefined;
  const why = "nothing is left that could settle it (the event loop drained with the run unfinished)";
  if (!oldest) {
    return new PipelineError(`the run can never finish: it is waiting on a promise, but ${why}`);
  }
  const cause = new TaskTimeoutError(`${oldest.method} never settled: it returned a promise, but ${why}`);
  return toPipelineError(new UserCodeError(oldest.step, cause), graph);
}
