/**
 * The lean grouping side: buffers values (or merges accumulators, for a lifted combine) per window and key, and
 * emits each window's groups once the input watermark passes its end.
 *
 * This is the driver for the default trigger with no allowed lateness on non-merging windows: the path every
 * batch pipeline takes, kept lean like Beam Python's batch trigger driver (no per-key trigger state, timers or
 * pane bookkeeping: each window fires exactly once, ON_TIME and final). {@link createGroupingSide} picks it only
 * where it is exact; everything else goes to the general `ReduceFnRunner`.
 * @module
 */
import { kv } from "../../sdk/model/kv.js";
import type { BoundedWindow } from "../../sdk/model/window.js";
import { ON_TIME_AND_ONLY_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MIN_VALUE, type Instant, TIMESTAMP_MAX_VALUE } from "../../sdk/model/time.js";
import { KeyedMap } from "./key-encoding.js";
import type { Receiver } from "./receiver.js";
import { deepFreeze } from "./immutability.js";
import { userCodeError } from "./user-code-error.js";
import type { GroupingSide, GroupingSpec } from "./grouping-side.js";
import { decodeWindowData, encodeWindowData, type WindowData } from "./state/window-codec.js";
import { InMemoryHolds } from "./state/holds.js";

export type { GroupingSpec } from "./grouping-side.js";

/**
 * The state of one key in one window. Lifetime: from the key's first record in the window until the window fires.
 */
interface KeyState {
  readonly key: unknown;
  /** Bag of values; unused for combines. */
  readonly values: unknown[];
  /** Merged accumulator; `undefined` until the first one arrives (combines only). */
  accumulator: unknown;
  /**
   * The combined timestamp (EARLIEST: min, LATEST: max) of the records that could hold the watermark, i.e. that
   * were not behind the output watermark when they arrived (Beam's element holds); `undefined` when none could,
   * and then the output is stamped at the end of the window. Unused for END_OF_WINDOW.
   */
  timestamp: Instant | undefined;
}

/** The state of one window: its keys. Lives from the window's first record until it fires. */
interface WindowState {
  readonly window: BoundedWindow;
  readonly keys: KeyedMap<KeyState>;
  /**
   * The window's watermark hold (Beam's, exactly): the minimum over its keys of each key's hold, which is the
   * key's combined held timestamp, or the end of the window when none of its records could hold.
   */
  hold: Instant;
  /** LATEST only: each key's hold (it rises as later records arrive, so the minimum needs a heap). */
  readonly keyHolds: InMemoryHolds<KeyState> | undefined;
}

/** Snapshot format of {@link GroupAlsoByWindow}. */
interface FastSnapshot {
  readonly kind: "GroupAlsoByWindow";
  readonly version: 1;
  readonly inputWatermark: Instant;
  readonly outputWatermark: Instant;
  readonly droppedLate: number;
  /** Per window: its data, its hold, and per key `[key, values, accumulator, timestamp | null]`. */
  readonly windows: [WindowData, Instant, [unknown, unknown[], unknown, Instant | null][]][];
}

export class GroupAlsoByWindow implements GroupingSide {
  /** Windows with buffered data, by window id. A window leaves this map when it fires. */
  private readonly windows = new Map<string, WindowState>();
  /** The input watermark last seen; data for windows it has passed is late. */
  private inputWatermark: Instant = TIMESTAMP_MIN_VALUE;
  /**
   * The output watermark as the runner computes it (`min(input watermark, hold)`, monotone), updated when the
   * input watermark advances: a record behind it cannot hold the watermark, so it does not set the output
   * timestamp (Beam's element-hold rule). Stays at -∞ in batch until the end.
   */
  private outputWatermark: Instant = TIMESTAMP_MIN_VALUE;
  /** The smallest window end among `windows` (+∞ when none): nothing can fire before the watermark passes it. */
  private minEnd: Instant = TIMESTAMP_MAX_VALUE;
  /** The smallest window hold among `windows` (+∞ when none). Only decreases between firings. */
  private minHold: Instant = TIMESTAMP_MAX_VALUE;
  private readonly endOfWindowStamps: boolean;
  private readonly earliest: boolean;
  /** LATEST only: the windows' holds, which can rise, so their minimum needs a heap (else `minHold` suffices). */
  private readonly windowHolds: InMemoryHolds<WindowState> | undefined;
  /** Elements dropped because their window had already closed. */
  droppedLate = 0;
  /** Always 0: the default trigger never closes a window before it expires. */
  readonly droppedClosedWindow = 0;

  constructor(private readonly spec: GroupingSpec) {
    this.endOfWindowStamps = spec.windowing.timestampCombiner === "END_OF_WINDOW";
    this.earliest = spec.windowing.timestampCombiner === "EARLIEST";
    this.windowHolds = spec.windowing.timestampCombiner === "LATEST" ? new InMemoryHolds() : undefined;
  }

  /** Rebuilds a grouping side from {@link GroupAlsoByWindow.snapshot}. */
  static restore(spec: GroupingSpec, snapshot: unknown): GroupAlsoByWindow {
    const s = snapshot as FastSnapshot;
    if (s?.kind !== "GroupAlsoByWindow" || s.version !== 1) throw new Error(`internal: not a GroupAlsoByWindow snapshot for ${spec.step}`);
    const g = new GroupAlsoByWindow(spec);
    g.inputWatermark = s.inputWatermark;
    g.outputWatermark = s.outputWatermark;
    g.droppedLate = s.droppedLate;
    for (const [data, hold, keys] of s.windows) {
      const window = decodeWindowData(data, spec.windowing.windowFn);
      const w: WindowState = { window, keys: new KeyedMap(), hold, keyHolds: g.windowHolds ? new InMemoryHolds() : undefined };
      for (const [key, values, accumulator, timestamp] of keys) {
        const state: KeyState = { key, values, accumulator, timestamp: timestamp ?? undefined };
        w.keys.set(key, state);
        w.keyHolds?.set(state, state.timestamp ?? window.maxTimestamp());
      }
      g.windowHolds?.set(w, hold);
      g.windows.set(window.id, w);
      g.minEnd = Math.min(g.minEnd, window.maxTimestamp());
      g.minHold = Math.min(g.minHold, hold);
    }
    return g;
  }

  /** Buffers one record. */
  add(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void {
    const end = window.maxTimestamp();
    if (end + this.spec.windowing.allowedLateness < this.inputWatermark) {
      this.droppedLate++;
      return;
    }
    let w = this.windows.get(window.id);
    if (!w) {
      this.windows.set(window.id, (w = { window, keys: new KeyedMap(), hold: end, keyHolds: this.windowHolds ? new InMemoryHolds() : undefined }));
      if (end < this.minEnd) this.minEnd = end;
      if (end < this.minHold) this.minHold = end;
    }
    // Beam's element hold: only a record not behind the output watermark may hold it (and stamp the output).
    const held = !this.endOfWindowStamps && timestamp >= this.outputWatermark;
    let state = w.keys.get(key);
    let holdMoved = false;
    if (!state) {
      state = { key, values: [], accumulator: undefined, timestamp: held ? timestamp : undefined };
      w.keys.set(key, state);
      holdMoved = true;
    } else if (held && (state.timestamp === undefined || (this.earliest ? timestamp < state.timestamp : timestamp > state.timestamp))) {
      state.timestamp = timestamp;
      holdMoved = true;
    }
    if (w.keyHolds) {
      if (holdMoved) this.updateLatestHold(w, state);
    } else if (held && timestamp < w.hold) {
      w.hold = timestamp;
      if (timestamp < this.minHold) this.minHold = timestamp;
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
   * key, each the ON_TIME and only pane. Returns how many groups were emitted.
   */
  advanceInputWatermark(inputWatermark: Instant, out: Receiver): number {
    if (inputWatermark > this.inputWatermark) this.inputWatermark = inputWatermark;
    this.updateOutputWatermark();
    if (!(this.minEnd < this.inputWatermark)) return 0;
    let emitted = 0;
    for (const [id, w] of this.windows) {
      if (!(w.window.maxTimestamp() < this.inputWatermark)) continue;
      this.windows.delete(id);
      this.windowHolds?.set(w, undefined);
      const states = [...w.keys.values()];
      if (this.spec.random) shuffle(states, this.spec.random);
      for (const s of states) {
        out.receive(this.output(s), this.outputTimestamp(w.window, s), w.window, ON_TIME_AND_ONLY_FIRING);
        emitted++;
      }
    }
    this.minEnd = TIMESTAMP_MAX_VALUE;
    this.minHold = TIMESTAMP_MAX_VALUE;
    for (const w of this.windows.values()) {
      if (w.window.maxTimestamp() < this.minEnd) this.minEnd = w.window.maxTimestamp();
      if (w.hold < this.minHold) this.minHold = w.hold;
    }
    this.updateOutputWatermark();
    return emitted;
  }

  /** @deprecated Use {@link advanceInputWatermark} (same behaviour). */
  fire(inputWatermark: Instant, out: Receiver): number {
    return this.advanceInputWatermark(inputWatermark, out);
  }

  /** Processing time does not matter to the default trigger. */
  advanceProcessingTime(): number {
    return 0;
  }

  nextProcessingTimer(): Instant | undefined {
    return undefined;
  }

  /**
   * The watermark hold: no output of this grouping side will have a timestamp before it (+∞ when nothing is
   * buffered), so the stage's output watermark must not pass it. END_OF_WINDOW holds at each window's end;
   * EARLIEST at the earliest held record; LATEST at the earliest among the keys' latest held records.
   */
  hold(): Instant {
    return this.windowHolds ? this.windowHolds.min() : this.minHold;
  }

  /** Whether any window still holds data. */
  get hasPending(): boolean {
    return this.windows.size > 0;
  }

  snapshot(): FastSnapshot {
    const windowFn = this.spec.windowing.windowFn;
    return {
      kind: "GroupAlsoByWindow",
      version: 1,
      inputWatermark: this.inputWatermark,
      outputWatermark: this.outputWatermark,
      droppedLate: this.droppedLate,
      windows: [...this.windows.values()].map((w) => [
        encodeWindowData(w.window, windowFn),
        w.hold,
        [...w.keys.values()].map((s): [unknown, unknown[], unknown, Instant | null] => [s.key, s.values, s.accumulator, s.timestamp ?? null]),
      ]),
    };
  }

  /** LATEST: a key's hold (its latest held record, else the window's end) moved; so may the window's. */
  private updateLatestHold(w: WindowState, state: KeyState): void {
    w.keyHolds!.set(state, state.timestamp ?? w.window.maxTimestamp());
    w.hold = w.keyHolds!.min();
    this.windowHolds!.set(w, w.hold);
  }

  private updateOutputWatermark(): void {
    const candidate = Math.min(this.inputWatermark, this.hold());
    if (candidate > this.outputWatermark) this.outputWatermark = candidate;
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
    const end = window.maxTimestamp();
    if (this.endOfWindowStamps || s.timestamp === undefined) return end;
    // A custom WindowFn may put an element after its window's end; outputs never leave the window.
    return s.timestamp > end ? end : s.timestamp;
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
