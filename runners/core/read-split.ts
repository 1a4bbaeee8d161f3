/**
 * Reading one split of a bounded source into a stage: batches of elements at the minimum timestamp in the global
 * window, source failures named after the Read step, and the reader closed even when a downstream step fails.
 * @module
 */
import type { BoundedSource } from "../../sdk/model/source.js";
import { GLOBAL_WINDOW } from "../../sdk/model/window.js";
import { NO_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MIN_VALUE } from "../../sdk/model/time.js";
import type { Receiver } from "./receiver.js";
import { userCodeError } from "./user-code-error.js";

/** Reads `split` of `source` (the Read step `step`) into `out`. */
export async function readBoundedSplit(step: string, source: BoundedSource<unknown>, split: unknown, out: Receiver): Promise<void> {
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
        next = await iterator.next();
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
    if (!finished) await iterator.return?.().catch(() => undefined);
  }
}
