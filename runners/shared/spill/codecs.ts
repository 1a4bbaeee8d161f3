/**
 * How the store turns keys, values and windows into bytes and back.
 * @module
 */
import { Packr } from "msgpackr";
import type { Coder } from "../../../sdk/model/coder.js";
import { GLOBAL_WINDOW, IntervalWindow, type BoundedWindow } from "../../../sdk/model/window.js";

/** A coder that decodes from a range of a larger buffer (so reading a frame allocates no view per field). */
export interface RangeCoder {
  encode(value: unknown): Uint8Array;
  decode(buf: Buffer, start: number, end: number): unknown;
}

/**
 * msgpackr in structured-clone mode, as elsewhere in the runners (Map, Set, Date, bigint, typed arrays and
 * `undefined` survive the trip). `copyBuffers`: a decoded `Buffer` value must not be a view of the run reader's
 * buffer, which is overwritten by the next read.
 */
const packr = new Packr({ structuredClone: true, copyBuffers: true });
/** Reused for every decode: msgpackr reads the range from it, so no options object is made per record. */
const range = { start: 0, end: 0 };

/** The default coder for keys and values. */
export const MSGPACK_CODER: RangeCoder = {
  encode: (value) => packr.pack(value),
  decode(buf, start, end) {
    range.start = start;
    range.end = end;
    return packr.unpack(buf, range);
  },
};

/** Adapts a PCollection's {@link Coder} (which decodes a whole byte array) to a {@link RangeCoder}. */
export function rangeCoder(coder: Coder<unknown>): RangeCoder {
  return { encode: (value) => coder.encode(value), decode: (buf, start, end) => coder.decode(buf.subarray(start, end)) };
}

/**
 * Rebuilds a window from its {@link BoundedWindow.id}: the global window and interval windows (`start:end`), the
 * windows the SDK's window functions produce. A store is given another function for other kinds of window.
 * @throws Error for an id of another kind of window
 * @example
 * windowFromId("global") === GLOBAL_WINDOW; // true
 * windowFromId("0:60000"); // new IntervalWindow(0, 60_000)
 */
export function windowFromId(id: string): BoundedWindow {
  if (id === GLOBAL_WINDOW.id) return GLOBAL_WINDOW;
  const colon = id.indexOf(":", 1); // from 1: a start may be negative
  if (colon > 0) {
    const start = Number(id.slice(0, colon));
    const end = Number(id.slice(colon + 1));
    if (end > start) {
      const w = new IntervalWindow(start, end);
      if (w.id === id) return w;
    }
  }
  throw new Error(`cannot rebuild window '${id}' from its id: only global and interval windows are known; pass windowFromId to the store for other windows`);
}
