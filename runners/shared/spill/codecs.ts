/**
 * How the store turns keys, values and windows into bytes and back.
 * @module
 */
import { Packr } from "msgpackr";
import type { Coder } from "../../../sdk/model/coder.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import { decodeWindowData, encodeWindowData, type WindowData } from "../../../sdk/model/window-coder.js";
import { packEscaped } from "../codec.js";

/** A coder that decodes from a range of a larger buffer (so reading a frame allocates no view per field). */
export interface RangeCoder {
  /** The bytes of `value`; they may be overwritten by this coder's next `encode`, so copy them before. */
  encode(value: unknown): Uint8Array;
  decode(buf: Buffer, start: number, end: number): unknown;
}

/**
 * msgpackr in structured-clone mode, as elsewhere in the runners (Map, Set, Date, bigint, typed arrays and
 * `undefined` survive the trip; `-0` and own `__proto__` keys are escaped as in the runners' codec). `copyBuffers`: a decoded `Buffer` value must not be a view of the run reader's
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
      if (typeof value !== "number") return packEscaped(packr, value, "a spilled record");
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
 * A window as the text of a frame's sort key: its window coder's data (`encodeWindowData`), msgpack-encoded, in
 * base64. Equal windows give equal text (the built-in coders are deterministic, and a custom window coder must
 * be: equal windows, equal data), so records group by it; {@link windowFromText} rebuilds the window with the
 * same WindowFn, whatever its class.
 * @example
 * windowFromText(windowText(new IntervalWindow(0, 60_000), fixed), fixed); // new IntervalWindow(0, 60_000)
 */
export function windowText(window: BoundedWindow, windowFn: WindowFn): string {
  return Buffer.from(windowPackr.pack(encodeWindowData(window, windowFn))).toString("base64");
}

/**
 * The window {@link windowText} made the text of.
 * @example
 * windowFromText(windowText(GLOBAL_WINDOW, globalWindows), globalWindows) === GLOBAL_WINDOW; // true
 */
export function windowFromText(text: string, windowFn: WindowFn): BoundedWindow {
  return decodeWindowData(windowPackr.unpack(Buffer.from(text, "base64")) as WindowData, windowFn);
}

const windowPackr = new Packr({ structuredClone: true });
