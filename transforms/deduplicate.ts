/**
 * `deduplicate` and `deduplicatePerKey`: drop repeats seen within a duration, in processing or event time, with a
 * stateful DoFn (Beam's `Deduplicate.values()` and `Deduplicate.keyedValues()`). Unlike `distinct`, they emit at
 * once (no waiting for a window to end), so they suit unbounded input.
 * @module
 */
import { kv, parDo, StateSpecs, statefulDoFn, TimerSpecs, type KV, type PCollection, type PTransform, type TimeDomain } from "../sdk/index.js";

/** Options of {@link deduplicate} and {@link deduplicatePerKey}. */
export interface DeduplicateOptions {
  /** How long a seen element (or key) is remembered, in ms of `timeDomain`. Default: 10 minutes (as Beam). */
  readonly durationMs?: number;
  /** The clock the duration counts on. Default: `"PROCESSING_TIME"` (as Beam). */
  readonly timeDomain?: TimeDomain;
}

const DEFAULT_DURATION_MS = 10 * 60_000;

function dedupeFn<K, V>(options: DeduplicateOptions) {
  const durationMs = options.durationMs ?? DEFAULT_DURATION_MS;
  if (!(Number.isFinite(durationMs) && durationMs > 0)) throw new RangeError(`deduplicate: durationMs must be a positive number of ms, got ${String(durationMs)}`);
  const domain = options.timeDomain ?? "PROCESSING_TIME";
  if (domain !== "PROCESSING_TIME" && domain !== "EVENT_TIME") throw new RangeError(`deduplicate: timeDomain must be "PROCESSING_TIME" or "EVENT_TIME", got ${String(domain)}`);
  const spec = domain === "EVENT_TIME" ? TimerSpecs.eventTime() : TimerSpecs.processingTime();
  return statefulDoFn<K, V, KV<K, V>>()({
    state: { seen: StateSpecs.value<true>() },
    timers: { forget: spec },
    process(element, ctx) {
      if (ctx.state.seen.read()) return;
      ctx.state.seen.write(true);
      ctx.output(element);
      // The timer only forgets: it emits nothing, so it holds no watermark.
      ctx.timers.forget.setRelative(durationMs, { noOutputTimestamp: true });
    },
    onTimer: {
      forget(ctx) {
        ctx.state.seen.clear();
      },
    },
  });
}

/**
 * Emits the first `KV` of each key and drops the ones with the same key that follow within the duration (Beam's
 * `Deduplicate.keyedValues()`). Per window: a key is remembered in each window separately, and never past the
 * window's expiry.
 * @example
 * const firstLogins = logins.apply(deduplicatePerKey<string, Login>({ durationMs: 60 * 60_000 }));
 */
export function deduplicatePerKey<K, V>(options: DeduplicateOptions = {}): PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> {
  const fn = dedupeFn<K, V>(options);
  return { name: "DeduplicatePerKey", expand: (input) => input.apply(parDo(fn)) };
}

/**
 * Emits each element once and drops equal ones (by deterministic encoding) that follow within the duration (Beam's
 * `Deduplicate.values()`).
 * @example
 * const unique = events.apply(deduplicate<string>({ durationMs: 5 * 60_000, timeDomain: "EVENT_TIME" }));
 */
export function deduplicate<T>(options: DeduplicateOptions = {}): PTransform<PCollection<T>, PCollection<T>> {
  const fn = dedupeFn<T, null>(options);
  return {
    name: "Deduplicate",
    expand: (input) =>
      input
        .map((element) => kv(element, null), "KeyByValue")
        .apply(parDo(fn))
        .map((e) => e.key, "Values"),
  };
}
