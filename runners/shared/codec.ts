/**
 * Encoding of elements where they cross a thread or a process: bundles of windowed values and shuffle records,
 * with msgpackr. One `pack` call per bundle (never one per element); panes get compact forms and windows are
 * encoded by their PCollection's window coder (`encodeWindowData`: `0` and `[start, end]` for the common ones).
 *
 * Values: a PCollection with a coder (`setCoder`) is encoded by it, element by element, everywhere its elements
 * cross (the coder sees the whole element: the KV, for a GroupByKey's input). Otherwise values go through msgpackr
 * in structured clone mode (Map, Set, Date, bigint, typed arrays, undefined survive), after a scan that refuses
 * what cannot cross ({@link scanValue}: functions, symbols, class instances) with an error naming the step and the
 * element, and escapes what msgpack would change (`-0`, an own `__proto__` key).
 * @module
 */
import { addExtension, Packr } from "msgpackr";
import { GLOBAL_WINDOW, type BoundedWindow } from "../../sdk/model/window.js";
import { GlobalWindows, type WindowFn } from "../../sdk/model/window-fn.js";
import { decodeWindowData, encodeWindowData, type WindowData } from "../../sdk/model/window-coder.js";
import type { Coder } from "../../sdk/model/coder.js";
import { kv } from "../../sdk/model/kv.js";
import type { PipelineGraph } from "../../sdk/graph.js";
import { NO_FIRING, ON_TIME_AND_ONLY_FIRING, paneInfo, type PaneInfo, type PaneTiming } from "../../sdk/model/pane.js";
import type { WindowedValue } from "../core/receiver.js";
import type { ShuffleRecord } from "../core/shuffle.js";
import type { ShuffleSpec } from "../core/execution-plan.js";
import { NotEncodableError, Scan, scanValue, whyNotEncodable } from "../core/encodability.js";
import { userCodeError } from "../core/user-code-error.js";

const packr = new Packr({ structuredClone: true });

// ------------------------------------------------------------------------------------------------ escaping

/** Stands for `-0`, which msgpack would write as the integer 0. */
class NegativeZero {}
const NEGATIVE_ZERO = new NegativeZero();

/** Stands for a plain object with an own `__proto__` key, which msgpackr renames on decoding: its entries. */
class OwnProtoObject {
  constructor(readonly entries: unknown[]) {}
}

// Extensions apply to every Packr of the process; only these two private classes trigger them.
addExtension({ Class: NegativeZero, type: 0x2d, write: () => 0, read: () => -0 });
addExtension({
  Class: OwnProtoObject,
  type: 0x5f,
  write: (o: OwnProtoObject) => o.entries,
  read: (entries: unknown[]) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < entries.length; i += 2) {
      Object.defineProperty(o, entries[i] as string, { value: entries[i + 1], writable: true, enumerable: true, configurable: true });
    }
    return o;
  },
});

/** A copy of an encodable value with `-0` and objects with an own `__proto__` key replaced by their escapes. */
export function escapeValue(value: unknown, seen: Map<object, unknown> = new Map()): unknown {
  if (typeof value === "number") return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) {
    if (Object.prototype.hasOwnProperty.call(value, "__proto__")) {
      const entries: unknown[] = [];
      const wrapped = new OwnProtoObject(entries);
      seen.set(value, wrapped);
      for (const k of Object.keys(value)) entries.push(k, escapeValue((value as Record<string, unknown>)[k], seen));
      return wrapped;
    }
    const copy: Record<string, unknown> = {};
    seen.set(value, copy);
    for (const k of Object.keys(value)) copy[k] = escapeValue((value as Record<string, unknown>)[k], seen);
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    seen.set(value, copy);
    for (let i = 0; i < value.length; i++) copy[i] = escapeValue(value[i], seen);
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    seen.set(value, copy);
    for (const [k, v] of value) copy.set(escapeValue(k, seen), escapeValue(v, seen));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    seen.set(value, copy);
    for (const v of value) copy.add(escapeValue(v, seen));
    return copy;
  }
  return value;
}

/**
 * `value` ready for msgpack: itself, or its escaped copy. Throws a {@link NotEncodableError} (for `pcollection`)
 * for a value that cannot cross.
 */
function packable(value: unknown, pcollection: string): unknown {
  const scan = scanValue(value);
  if (scan === Scan.Plain) return value;
  if (scan === Scan.Escape) return escapeValue(value);
  throw new NotEncodableError(whyNotEncodable(value) ?? "a value msgpack cannot encode", pcollection);
}

/**
 * Encodes any plain data (task payloads, metrics, state snapshots), keeping `-0` and own `__proto__` keys.
 * @throws NotEncodableError for a function, a symbol or a class instance inside
 */
export function encode(value: unknown, what = "a grouping state snapshot"): Uint8Array {
  return packr.pack(packable(value, what));
}

/** Decodes what {@link encode} produced. */
export function decode<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

/**
 * Packs a value as msgpack with the escapes of this module (for other Packr instances, such as the spill
 * store's): `packr.pack` after the scan.
 */
export function packEscaped(p: Packr, value: unknown, pcollection: string): Uint8Array {
  return p.pack(packable(value, pcollection));
}

// ------------------------------------------------------------------------------------------------ element codecs

/** How the elements of one PCollection are encoded where they leave a worker. */
export interface ElementCodec {
  /** The PCollection (named in errors). */
  readonly pcollection: string;
  /** The step errors name: the PCollection's producer. */
  readonly step: string;
  /** Its windowing's WindowFn, whose coder encodes the windows. */
  readonly windowFn: WindowFn;
  /** The PCollection's own coder (`setCoder`), if any. */
  readonly coder: Coder<unknown> | undefined;
}

/**
 * The codec of elements that are globally or interval windowed plain data with no coder of their own: what the
 * coordinator uses for the elements it reads itself (TestStream events, unbounded reads).
 */
export const DEFAULT_ELEMENT_CODEC: ElementCodec = Object.freeze({
  pcollection: "a PCollection",
  step: "(a source the coordinator reads)",
  windowFn: new GlobalWindows(),
  coder: undefined,
});

/**
 * The element codec of every PCollection of a graph, made once each.
 * @example
 * const codecs = elementCodecs(graph);
 * encodeBundle(elements, codecs("Words/Split.main"));
 */
export function elementCodecs(graph: PipelineGraph): (pcollection: string) => ElementCodec {
  const made = new Map<string, ElementCodec>();
  return (pcollection) => {
    let codec = made.get(pcollection);
    if (!codec) {
      const node = graph.pcollections.get(pcollection);
      if (!node) throw new Error(`internal: no PCollection ${pcollection}`);
      codec = { pcollection, step: node.producer, windowFn: node.windowing.windowFn, coder: node.coder };
      made.set(pcollection, codec);
    }
    return codec;
  };
}

/** An error about one element, naming the codec's step and the element. */
function elementError(codec: ElementCodec, cause: unknown, element: unknown): Error {
  return userCodeError(codec.step, cause, { value: element });
}

/** The data of `window` as `codec`'s window coder encodes it; errors name the step and the element. */
function windowData(codec: ElementCodec, window: BoundedWindow, element: unknown): WindowData {
  try {
    return encodeWindowData(window, codec.windowFn);
  } catch (e) {
    throw elementError(codec, e, element);
  }
}

/** An element's value as it is packed: its coder's bytes, or the (escaped) value itself. */
function packedValue(codec: ElementCodec, value: unknown): unknown {
  try {
    return codec.coder ? codec.coder.encode(value) : packable(value, codec.pcollection);
  } catch (e) {
    throw elementError(codec, e, value);
  }
}

function unpackedValue(codec: ElementCodec, packed: unknown): unknown {
  if (!codec.coder) return packed;
  try {
    return codec.coder.decode(packed as Uint8Array);
  } catch (e) {
    throw userCodeError(codec.step, e);
  }
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

/**
 * Encodes a bundle of one PCollection as one flat array `[value, timestamp, window, pane, value, ...]`.
 * @throws UserCodeError naming the PCollection's producer and the element, for an element or window that cannot
 *   be encoded
 */
export function encodeBundle(elements: readonly WindowedValue[], codec: ElementCodec = DEFAULT_ELEMENT_CODEC): Uint8Array {
  const flat: unknown[] = new Array(elements.length * 4);
  const coder = codec.coder;
  let window: BoundedWindow | undefined;
  let encodedWindow: WindowData = 0;
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    const value = e.value;
    if (e.window !== window) {
      window = e.window;
      encodedWindow = windowData(codec, window, value);
    }
    // Plain data (nearly every element) is packed as it is, after the scan; the rest takes the slow path.
    flat[i * 4] = coder === undefined && scanValue(value) === Scan.Plain ? value : packedValue(codec, value);
    flat[i * 4 + 1] = e.timestamp;
    flat[i * 4 + 2] = encodedWindow;
    flat[i * 4 + 3] = encodePane(e.pane);
  }
  return packr.pack(flat);
}

/** Decodes a bundle of the codec's PCollection; calls `each` per element (no WindowedValue objects are made). */
export function forEachInBundle(
  bytes: Uint8Array,
  each: (value: unknown, timestamp: number, window: BoundedWindow, pane: PaneInfo) => void,
  codec: ElementCodec = DEFAULT_ELEMENT_CODEC,
): number {
  const flat = packr.unpack(bytes) as unknown[];
  let last: unknown;
  let window: BoundedWindow = GLOBAL_WINDOW;
  for (let i = 0; i < flat.length; i += 4) {
    const w = flat[i + 2] as WindowData;
    if (w !== last) {
      last = w;
      window = decodeWindowData(w, codec.windowFn);
    }
    each(unpackedValue(codec, flat[i]), flat[i + 1] as number, window, decodePane(flat[i + 3] as EncodedPane));
  }
  return flat.length / 4;
}

/** Decodes a bundle into windowed values. */
export function decodeBundle(bytes: Uint8Array, codec: ElementCodec = DEFAULT_ELEMENT_CODEC): WindowedValue[] {
  const out: WindowedValue[] = [];
  forEachInBundle(bytes, (value, timestamp, window, pane) => out.push({ value, timestamp, window, pane }), codec);
  return out;
}

// ------------------------------------------------------------------------------------------------ shuffle codecs

/**
 * How one shuffle's records are encoded. Keys and windows always go through msgpack and the window coder; the
 * value is the record's value, except when the GroupByKey's input has a coder of its own and the combine is not
 * lifted: then the writer keeps the whole KV element and the coder encodes it (keys included, as Beam's KvCoder
 * would), so the coder is used wherever the elements cross.
 */
export interface ShuffleCodec {
  /** The GroupByKey's input: its producer is named in errors; its coder, if any, encodes the elements. */
  readonly input: ElementCodec;
  /** Whether records carry the whole element (for the input's coder) instead of the value. */
  readonly wholeElements: boolean;
  /** For a lifted combine: the combine step, named in errors about its accumulators. */
  readonly accumulatorStep: string | undefined;
}

/**
 * The codec of a shuffle's records.
 * @example
 * const codec = shuffleCodec(shuffle, codecs);
 * new PartitionedShuffleWriter(partitions, combiner, (c) => send(encodeShuffleRecords(c.records, codec)), codec.wholeElements);
 */
export function shuffleCodec(shuffle: ShuffleSpec, codecs: (pcollection: string) => ElementCodec): ShuffleCodec {
  const input = codecs(shuffle.input);
  const lifted = shuffle.combineFn !== undefined;
  return { input, wholeElements: !lifted && input.coder !== undefined, accumulatorStep: lifted ? shuffle.step : undefined };
}

/** A shuffle codec for globally or interval windowed plain data (tests, tools). */
export const DEFAULT_SHUFFLE_CODEC: ShuffleCodec = Object.freeze({ input: DEFAULT_ELEMENT_CODEC, wholeElements: false, accumulatorStep: undefined });

/**
 * The window data of a record's window ({@link encodeShuffleRecords} encodes each run of equal windows once).
 * @throws UserCodeError naming the step and the element, for a window the window coder cannot encode
 */
export function shuffleWindowData(codec: ShuffleCodec, window: BoundedWindow, key: unknown, value: unknown): WindowData {
  try {
    return encodeWindowData(window, codec.input.windowFn);
  } catch (e) {
    throw userCodeError(codec.accumulatorStep ?? codec.input.step, e, { value: codec.wholeElements ? value : kv(key, value) });
  }
}

/**
 * Encodes shuffle records given as one flat array `[key, window, timestamp, value, ...]` (windows as objects;
 * with `wholeElements`, the value slot holds the element). The array is the caller's to give up: its slots are
 * replaced by their encodings in place.
 * @throws UserCodeError naming the step and the element, for a key, value or window that cannot be encoded
 */
export function encodeShuffleRecords(flat: unknown[], codec: ShuffleCodec = DEFAULT_SHUFFLE_CODEC): Uint8Array {
  const input = codec.input;
  const what = codec.accumulatorStep ? `the accumulators of ${codec.accumulatorStep}` : input.pcollection;
  let window: unknown;
  let encoded: WindowData = 0;
  for (let i = 0; i < flat.length; i += 4) {
    const key = flat[i];
    const value = flat[i + 3];
    if (flat[i + 1] !== window) {
      window = flat[i + 1];
      encoded = shuffleWindowData(codec, window as BoundedWindow, key, value);
    }
    flat[i + 1] = encoded;
    if (codec.wholeElements) {
      flat[i] = null; // the coder's bytes hold the key too
      try {
        flat[i + 3] = input.coder!.encode(value);
      } catch (e) {
        throw userCodeError(input.step, e, { value });
      }
      continue;
    }
    try {
      if (typeof key !== "string") flat[i] = packable(key, what);
      flat[i + 3] = packable(value, what);
    } catch (e) {
      // The reason's path is the record's KV's, as the element was written.
      const element = kv(key, value);
      const cause = e instanceof NotEncodableError ? new NotEncodableError(whyNotEncodable(element) ?? e.reason, what) : e;
      throw userCodeError(codec.accumulatorStep ?? input.step, cause, { value: element });
    }
  }
  return packr.pack(flat);
}

/**
 * Decodes shuffle records; calls `each` per record (with `wholeElements`, also with the decoded element the record
 * came from).
 */
export function forEachShuffleRecord(
  bytes: Uint8Array,
  each: (record: ShuffleRecord, element?: unknown) => void,
  codec: ShuffleCodec = DEFAULT_SHUFFLE_CODEC,
): void {
  const flat = packr.unpack(bytes) as unknown[];
  const windowFn = codec.input.windowFn;
  let lastData: unknown;
  let window: BoundedWindow = GLOBAL_WINDOW;
  for (let i = 0; i < flat.length; i += 4) {
    const data = flat[i + 1] as WindowData;
    if (data !== lastData) {
      lastData = data;
      window = decodeWindowData(data, windowFn);
    }
    if (codec.wholeElements) {
      const element = unpackedValue(codec.input, flat[i + 3]) as { key: unknown; value: unknown };
      each({ key: element.key, window, timestamp: flat[i + 2] as number, value: element.value }, element);
    } else {
      each({ key: flat[i], window, timestamp: flat[i + 2] as number, value: flat[i + 3] });
    }
  }
}
