/**
 * Encoding of elements where they cross a thread or a process: bundles of windowed values and shuffle records,
 * with msgpackr. One `pack` call per bundle (never one per element); windows and panes get compact forms.
 * User values keep their types (Map, Set, Date, bigint, typed arrays, undefined) through msgpackr's structured
 * clone mode; instances of user classes arrive as plain objects, as with `structuredClone`.
 * @module
 */
import { Packr } from "msgpackr";
import { GLOBAL_WINDOW, IntervalWindow, type BoundedWindow } from "../../sdk/model/window.js";
import { NO_FIRING, ON_TIME_AND_ONLY_FIRING, paneInfo, type PaneInfo, type PaneTiming } from "../../sdk/model/pane.js";
import type { WindowedValue } from "../core/receiver.js";
import type { ShuffleRecord } from "../core/shuffle.js";

const packr = new Packr({ structuredClone: true });

/** Encodes any plain data (task payloads, metrics, state snapshots). */
export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Decodes what {@link encode} produced. */
export function decode<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

/** A window as plain data: 0 for the global window, `[start, end]` for an interval window. */
export type EncodedWindow = 0 | [number, number];

export function encodeWindow(w: BoundedWindow): EncodedWindow {
  if (w === GLOBAL_WINDOW) return 0;
  if (w instanceof IntervalWindow) return [w.start, w.end];
  throw new Error(`cannot send window ${String(w)} (${w.constructor?.name}) to another worker: only global and interval windows are supported`);
}

export function decodeWindow(e: EncodedWindow): BoundedWindow {
  return e === 0 ? GLOBAL_WINDOW : new IntervalWindow(e[0], e[1]);
}

const TIMINGS: readonly PaneTiming[] = ["EARLY", "ON_TIME", "LATE", "UNKNOWN"];

/** A pane as plain data: 0 and 1 for the two common panes, else its five fields. */
type EncodedPane = 0 | 1 | [boolean, boolean, number, number, number];

function encodePane(p: PaneInfo): EncodedPane {
  if (p === NO_FIRING) return 0;
  if (p === ON_TIME_AND_ONLY_FIRING) return 1;
  return [p.isFirst, p.isLast, TIMINGS.indexOf(p.timing), p.index, p.nonSpeculativeIndex];
}

function decodePane(e: EncodedPane): PaneInfo {
  if (e === 0) return NO_FIRING;
  if (e === 1) return ON_TIME_AND_ONLY_FIRING;
  return paneInfo({ isFirst: e[0], isLast: e[1], timing: TIMINGS[e[2]]!, index: e[3], nonSpeculativeIndex: e[4] });
}

/** Encodes a bundle as one flat array `[value, timestamp, window, pane, value, ...]`. */
export function encodeBundle(elements: readonly WindowedValue[]): Uint8Array {
  const flat: unknown[] = new Array(elements.length * 4);
  let window: BoundedWindow | undefined;
  let encodedWindow: EncodedWindow = 0;
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (e.window !== window) {
      window = e.window;
      encodedWindow = encodeWindow(window);
    }
    flat[i * 4] = e.value;
    flat[i * 4 + 1] = e.timestamp;
    flat[i * 4 + 2] = encodedWindow;
    flat[i * 4 + 3] = encodePane(e.pane);
  }
  return packr.pack(flat);
}

/** Decodes a bundle; calls `each` per element (no WindowedValue objects are made). */
export function forEachInBundle(
  bytes: Uint8Array,
  each: (value: unknown, timestamp: number, window: BoundedWindow, pane: PaneInfo) => void,
): number {
  const flat = packr.unpack(bytes) as unknown[];
  let last: unknown;
  let window: BoundedWindow = GLOBAL_WINDOW;
  for (let i = 0; i < flat.length; i += 4) {
    const w = flat[i + 2] as EncodedWindow;
    if (w !== last) {
      last = w;
      window = decodeWindow(w);
    }
    each(flat[i], flat[i + 1] as number, window, decodePane(flat[i + 3] as EncodedPane));
  }
  return flat.length / 4;
}

/** Decodes a bundle into windowed values. */
export function decodeBundle(bytes: Uint8Array): WindowedValue[] {
  const out: WindowedValue[] = [];
  forEachInBundle(bytes, (value, timestamp, window, pane) => out.push({ value, timestamp, window, pane }));
  return out;
}

/**
 * Encodes shuffle records given as one flat array `[key, window, timestamp, value, ...]` (windows as objects).
 * The array is the caller's to give up: its windows are replaced by their encodings in place.
 */
export function encodeShuffleRecords(flat: unknown[]): Uint8Array {
  let window: unknown;
  let encoded: EncodedWindow = 0;
  for (let i = 1; i < flat.length; i += 4) {
    if (flat[i] !== window) {
      window = flat[i];
      encoded = encodeWindow(window as BoundedWindow);
    }
    flat[i] = encoded;
  }
  return packr.pack(flat);
}

/** Decodes shuffle records; calls `each` per record. */
export function forEachShuffleRecord(bytes: Uint8Array, each: (record: ShuffleRecord) => void): void {
  const flat = packr.unpack(bytes) as unknown[];
  for (let i = 0; i < flat.length; i += 4) {
    each({ key: flat[i], window: decodeWindow(flat[i + 1] as EncodedWindow), timestamp: flat[i + 2] as number, value: flat[i + 3] });
  }
}
