/**
 * `groupIntoBatches`: batches the values of each key (and window) into arrays of a given size, with a stateful
 * DoFn (Beam's `GroupIntoBatches`), e.g. to call a service with many values at once.
 * @module
 */
import { kv, parDo, StateSpecs, statefulDoFn, TimerSpecs, type KV, type PCollection, type PTransform } from "../sdk/index.js";

/** Options of {@link groupIntoBatches}. */
export interface GroupIntoBatchesOptions {
  /**
   * Emit a batch that is not full at most this many ms (processing time) after its first value was buffered
   * (Beam's `withMaxBufferingDuration`). Default: batches wait until they are full or their window ends.
   */
  readonly maxBufferingMs?: number;
}

/**
 * Groups the values of each key into batches of `size` values (Beam's `GroupIntoBatches`): a batch is emitted as
 * soon as it is full (at the timestamp of the value that filled it), when `maxBufferingMs` of processing time
 * have passed since its first value (at that value's timestamp), and what is left when the window ends (at the end
 * of the window). Batches are per key and window; the values of a batch are in the order they arrived.
 * Not for merging windows (sessions), like every stateful DoFn.
 * @param size the most values in one batch (at least 1)
 * @example
 * const batches: PCollection<KV<string, Request[]>> = requests.apply(groupIntoBatches(100, { maxBufferingMs: 1000 }));
 */
export function groupIntoBatches<K, V>(size: number, options: GroupIntoBatchesOptions = {}): PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V[]>>> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`groupIntoBatches needs a batch size that is an integer of at least 1, got ${String(size)}`);
  const maxBufferingMs = options.maxBufferingMs;
  if (maxBufferingMs !== undefined && !(Number.isFinite(maxBufferingMs) && maxBufferingMs > 0)) {
    throw new RangeError(`groupIntoBatches: maxBufferingMs must be a positive number of ms, got ${String(maxBufferingMs)}`);
  }
  const batching = statefulDoFn<K, V, KV<K, V[]>>()({
    state: { batch: StateSpecs.bag<V>(), count: StateSpecs.value<number>() },
    timers: { windowEnd: TimerSpecs.eventTime(), buffering: TimerSpecs.processingTime() },
    process(element, ctx) {
      const count = (ctx.state.count.read() ?? 0) + 1;
      if (count === 1) {
        ctx.timers.windowEnd.set(ctx.window.maxTimestamp());
        if (maxBufferingMs !== undefined) ctx.timers.buffering.setRelative(maxBufferingMs);
      }
      ctx.state.batch.add(element.value);
      if (count < size) {
        ctx.state.count.write(count);
        return;
      }
      ctx.output(kv(ctx.key, ctx.state.batch.read()));
      ctx.state.batch.clear();
      ctx.state.count.clear();
      ctx.timers.buffering.clear();
    },
    onTimer: {
      windowEnd(ctx) {
        if (ctx.state.batch.isEmpty()) return;
        ctx.output(kv(ctx.key, ctx.state.batch.read()));
        ctx.state.batch.clear();
        ctx.state.count.clear();
        ctx.timers.buffering.clear();
      },
      buffering(ctx) {
        if (ctx.state.batch.isEmpty()) return;
        ctx.output(kv(ctx.key, ctx.state.batch.read()));
        ctx.state.batch.clear();
        ctx.state.count.clear();
      },
    },
  });
  return { name: "GroupIntoBatches", expand: (input) => input.apply(parDo(batching)) };
}
