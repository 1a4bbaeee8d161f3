/**
 * How the store turns keys, values and windows into bytes and back.
 * @module
 */
import { Packr } from "msgpackr";
import type { Coder } from "../../../sdk/model/coder.js";
import { GLOBAL_WINDOW, IntervalWindow, type BoundedWindow } from "../../../sdk/model/window.js";

/** A coder that decodes from a range of a larger buffer (so reading a frame allocates no view per field). */
export interface RangeCoder {
  /** The bytes of `value`; they may be overwritten by this coder's next `encode`, so copy them before. */
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

/**
 * A msgpack coder. Numbers (counts, sums: the commonest values of a shuffle) are written by hand into views of a
 * scratch buffer made once, as msgpack ints or float64, which msgpackr decodes to the same number; that saves
 * the allocation of a result buffer per record. Everything else goes through msgpackr. Each coder has its own
 * scratch, so a key and a value encoded one after the other do not overwrite each other.
 */
export function msgpackCoder(): RangeCoder {
  const scratch = Buffer.alloc(9);
  // One view per encoded length, made once.
  const views = [1, 2, 3, 5, 9].map((n) => scratch.subarray(0, n));
  const [one, two, three, five, nine] = views as [Buffer, Buffer, Buffer, Buffer, Buffer];
  return {
    encode(value) {
      if (typeof value !== "number") return packr.pack(value);
      if (Number.isInteger(value) && !Object.is(value, -0)) {
        if (value >= 0) {
          if (value < 0x80) {
            scratch[0] = value; // positive fixint
            return one;
          }
          if (value < 0x10000) {
            scratch[0] = 0xcd; // uint16
            scratch.writeUInt16BE(value, 1);
            return three;
          }
          if (value < 0x100000000) {
            scratch[0] = 0xce; // uint32
            scratch.writeUInt32BE(value, 1);
            return five;
          }
        } else {
          if (value >= -32) {
            scratch[0] = value & 0xff; // negative fixint
            return one;
          }
          if (value >= -0x80) {
            scratch[0] = 0xd0; // int8
            scratch.writeInt8(value, 1);
            return two;
          }
          if (value >= -0x80000000) {
            scratch[0] = 0xd2; // int32
            scratch.writeInt32BE(value, 1);
            return five;
          }
        }
      }
      scratch[0] = 0xcb; // float64: fractions, -0, NaN, infinities and integers beyond 32 bits
      scratch.writeDoubleBE(value, 1);
      return nine;
    },
    decode(buf, start, end) {
      range.start = start;
      range.end = end;
      return packr.unpack(buf, range);
    },
  };
}

/** Adapts a PCollection's {@link Coder} (which decodes a whole byte array) to a {@link RangeCoder}. */
export function rangeCoder(coder: Coder<unknown>): RangeCoder {
  return { encode: (value) => coder.encode(value), decode: (buf, start, end) => coder.decode(buf.subarray(start, end)) };
}

/**
 * Rebuilds a window from its {@link BoundedWindow.id}: the global window and interval windows (`start:end`), the
 * windows the SDK's window functions produce (a store remembers windows of other classes as it sees them).
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
  throw new Error(`cannot rebuild window '${id}' from its id: it is neither the global window nor an interval window`);
}
