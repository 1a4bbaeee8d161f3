/**
 * The grouping side of a GroupByKey: buffers values (or merges accumulators, for a lifted combine) per key and
 * window, and emits each window's groups when its trigger fires.
 *
 * This is the driver for the default trigger (fire once when the watermark passes the end of the window, with
 * no allowed lateness): the path every batch pipeline takes, kept lean like Beam Python's batch trigger driver.
 * Event-time triggers, panes beyond the only on-time one, and lateness plug in beside it.
 * @module
 */
import { kv } from "../../sdk/model/kv.js";
import type { CombineFn } from "../../sdk/model/combine-fn.js";
import type { BoundedWindow } from "../../sdk/model/window.js";
import { ON_TIME_AND_ONLY_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MIN_VALUE, type Instant, TIMESTAMP_MAX_VALUE } from "../../sdk/model/time.js";
import type { WindowingStrategy } from "../../sdk/model/windowing-strategy.js";
import { KeyedMap } from "./key-encoding.js";
import type { Receiver } from "./receiver.js";
import { deepFreeze } from "./immutability.js";
import { userCodeError } from "./user-code-error.js";

/** What a grouping side needs to know. */
export interface GroupingSpec {
  /** The step named in errors (the GroupByKey, or the Combine ParDo when lifted). */
  readonly step: string;
  readonly windowing: WindowingStrategy;
  /** Present for a lifted combine: values are accumulators, and the output is `KV<key, extractOutput(acc)>`. */
  readonly combineFn?: CombineFn<unknown, unknown, unknown>;
  /** Freeze emitted groups (direct runner). */
  readonly freeze: boolean;
  /** When set, keys and values are emitted in a shuffled order (direct runner's order check). */
  readonly random?: () => number;
}

/** The state of one key in one window. */
interface KeyState {
  readonly key: unknown;
  /** Bag of values; unused for combines. */
  readonly values: unknown[];
  /** Merged accumulator; `undefined` until the first one arrives (combines only). */
  accumulator: unknown;
  /** The combined input timestamp per the timestamp combiner (EARLIEST: min, else max). */
  timestamp: Instant;
}

/** The state of one window: its keys. Lives from the window's first element until it fires. */
interface WindowState {
  readonly window: BoundedWindow;
  readonly keys: KeyedMap<KeyState>;
  /** Earliest input timestamp: the watermark hold for EARLIEST and LATEST combiners. */
  minTimestamp: Instant;
}

export class GroupAlsoByWindow {
  /** Windows with buffered data, by window id. A window leaves this map when it fires. */
  private readonly windows = new Map<string, WindowState>();
  /** The input watermark last seen by {@link fire}; data for windows it has passed is late. */
  private inputWatermark: Instant = TIMESTAMP_MIN_VALUE;
  /** Elements dropped because their window had already closed. */
  droppedLate = 0;

  constructor(private readonly spec: GroupingSpec) {}

  /** Buffers one record. */
  add(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void {
    if (window.maxTimestamp() + this.spec.windowing.allowedLateness < this.inputWatermark) {
      this.droppedLate++;
      return;
    }
    let w = this.windows.get(window.id);
    if (!w) this.windows.set(window.id, (w = { window, keys: new KeyedMap(), minTimestamp: timestamp }));
    else if (timestamp < w.minTimestamp) w.minTimestamp = timestamp;
    let state = w.keys.get(key);
    if (!state) {
      state = { key, values: [], accumulator: undefined, timestamp };
      w.keys.set(key, state);
    } else if (this.spec.windowing.timestampCombiner === "EARLIEST" ? timestamp < state.timestamp : timestamp > state.timestamp) {
      state.timestamp = timestamp;
    }
    const combineFn = this.spec.combineFn;
    if (!combineFn) {
      state.values.push(value);
    } else if (state.accumulator === undefined) {
      state.accumulator = value;
    } else {
      try {
        state.accumulator = combineFn.mergeAccumulators([state.accumulator, value]);
      } catch (e) {
        throw userCodeError(this.spec.step, e, { value: kv(key, value) });
      }
    }
  }

  /**
   * Advances the input watermark and emits every window it has passed (watermark > end of window), one group per
   * key. Returns how many groups were emitted.
   */
  fire(inputWatermark: Instant, out: Receiver): number {
    if (inputWatermark > this.inputWatermark) this.inputWatermark = inputWatermark;
    let emitted = 0;
    for (const [id, w] of this.windows) {
      if (!(w.window.maxTimestamp() < this.inputWatermark)) continue;
      this.windows.delete(id);
      const states = [...w.keys.values()];
      if (this.spec.random) shuffle(states, this.spec.random);
      for (const s of states) {
        out.receive(this.output(s), this.outputTimestamp(w.window, s), w.window, ON_TIME_AND_ONLY_FIRING);
        emitted++;
      }
    }
    return emitted;
  }

  /**
   * The watermark hold: no output of this grouping side will have a timestamp before it (+∞ when nothing is
   * buffered), so the stage's output watermark must not pass it.
   */
  hold(): Instant {
    let hold = TIMESTAMP_MAX_VALUE;
    const endOfWindow = this.spec.windowing.timestampCombiner === "END_OF_WINDOW";
    for (const w of this.windows.values()) {
      const h = endOfWindow ? w.window.maxTimestamp() : w.minTimestamp;
      if (h < hold) hold = h;
    }
    return hold;
  }

  /** Whether any window still holds data. */
  get hasPending(): boolean {
    return this.windows.size > 0;
  }

  private output(s: KeyState): unknown {
    const combineFn = this.spec.combineFn;
    let value: unknown;
    if (combineFn) {
      try {
        value = combineFn.extractOutput(s.accumulator);
      } catch (e) {
        throw userCodeError(this.spec.step, e, { value: kv(s.key, s.accumulator) });
      }
    } else {
      if (this.spec.random) shuffle(s.values, this.spec.random);
      value = s.values;
    }
    const group = kv(s.key, value);
    return this.spec.freeze ? deepFreeze(group) : group;
  }

  private outputTimestamp(window: BoundedWindow, s: KeyState): Instant {
    return this.spec.windowing.timestampCombiner === "END_OF_WINDOW" ? window.maxTimestamp() : s.timestamp;
  }
}

/** Fisher–Yates, in place. */
export function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}
