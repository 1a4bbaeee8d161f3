/**
 * Worker processes with a capped heap (the process runner's workers, the NATS runner's serving processes): the
 * cap beyond the grouping budget, and V8's report when a worker outgrows it, which is replaced by one line that
 * says what happened and what to raise.
 * @module
 */
import type { Readable, Writable } from "node:stream";

/**
 * What a worker's heap holds beyond the grouping budget: the runtime and the pipeline's code, a decoded blob, the
 * group being emitted, the bundle of outputs in flight and user objects.
 */
export const WORKER_HEAP_OVERHEAD_MB = 128;

/** `node` flags for a worker whose grouping budget is `memoryMb` (past it, it collects garbage, then spills). */
export function heapLimitArgs(memoryMb: number): string[] {
  return [`--max-old-space-size=${memoryMb + WORKER_HEAP_OVERHEAD_MB}`, "--expose-gc"];
}

/** A worker's stderr, passed on without V8's out-of-heap report. */
export interface FilteredStderr {
  /** Whether the worker reported running out of heap. */
  readonly outOfMemory: boolean;
}

/** Passes a worker's `stderr` on to `out`, up to V8's report of running out of heap (GC log, native stack). */
export function passStderr(stderr: Readable, out: Writable = process.stderr): FilteredStderr {
  const state = { outOfMemory: false };
  stderr.on("data", (chunk: Buffer) => {
    if (state.outOfMemory) return;
    const text = chunk.toString("utf8");
    const at = text.search(/<--- Last few GCs --->|FATAL ERROR: .*JavaScript heap out of memory/);
    if (at >= 0) state.outOfMemory = true;
    out.write(at >= 0 ? text.slice(0, at) : chunk);
  });
  return state;
}

/** Whether a worker that exited so ran out of heap (V8 aborts: SIGABRT, or exit code 134 through a shell). */
export function ranOutOfMemory(filtered: FilteredStderr, code: number | null, signal: NodeJS.Signals | null): boolean {
  return filtered.outOfMemory || signal === "SIGABRT" || code === 134;
}

/**
 * The error for a worker out of heap. `budget` names the option that sets its grouping budget (and so its heap),
 * `more` what spreads the state wider.
 */
export function outOfMemoryMessage(worker: string, memoryMb: number, budget: string, more: string): string {
  return (
    `${worker} ran out of memory: its heap is capped at ${memoryMb + WORKER_HEAP_OVERHEAD_MB} MiB (${budget} plus ${WORKER_HEAP_OVERHEAD_MB}); ` +
    `past ${budget} grouping spills to disk, streaming state one key group at a time, so one key group's state (its windows, timers and DoFn state) must fit in the heap: ` +
    `raise ${budget}, or ${more} for more and smaller key groups`
  );
}
