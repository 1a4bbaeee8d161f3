/**
 * Reading one split of a bounded source into a stage: batches of elements at the minimum timestamp in the global
 * window, source failures named after the Read step, each batch awaited for at most `--taskTimeout`, and the reader
 * closed even when a downstream step fails.
 * @module
 */
import type { BoundedSource } from "../../sdk/model/source.js";
import { GLOBAL_WINDOW } from "../../sdk/model/window.js";
import { NO_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MIN_VALUE } from "../../sdk/model/time.js";
import type { Receiver } from "./receiver.js";
import { userCodeError } from "./user-code-error.js";
import { settleWithin } from "./liveness.js";

/**
 * Reads `split` of `source` (the Read step `step`) into `out`.
 * @param timeoutMs how long the source may take to produce each batch (`--taskTimeout`); 0 for no limit
 */
export async function readBoundedSplit(
  step: string,
  source: BoundedSource<unknown>,
  split: unknown,
  out: Receiver,
  timeoutMs: number,
): Promise<void> {
  let iterator: AsyncIterator<readonly unknown[]>;
  try {
    iterator = source.read(split)[Symbol.asyncIterator]();
  } catch (e) {
    throw userCodeError(step, e);
  }
  let finished = false;
  try {
    for (;;) {
      let next: IteratorResult<readonly unknown[]>;
      try {
        next = await settleWithin(step, "read", iterator.next(), timeoutMs);
      } catch (e) {
        finished = true; // a throwing generator is already closed
        throw userCodeError(step, e);
      }
      if (next.done) {
        finished = true;
        return;
      }
      const batch = next.value;
      for (let i = 0; i < batch.length; i++) out.receive(batch[i], TIMESTAMP_MIN_VALUE, GLOBAL_WINDOW, NO_FIRING);
    }
  } finally {
    // A downstream failure leaves the reader suspended: close it so its files are released now, not at GC.
    if (!finished && iterator.return) await settleWithin(step, "read", iterator.return(), timeoutMs).catch(() => undefined);
  }
}
