/**
 * Which element values can cross a thread, a process or the disk with the default (msgpack) coder, checked the
 * same way on every runner: the parallel runners check what they encode, the direct runner checks elements where
 * they would cross on the others (shuffle writes and materialised bundles, side inputs included).
 *
 * Encodable: primitives (strings, numbers including `-0` and `NaN`, booleans, `null`, `undefined`, bigints),
 * plain objects (also with a `null` prototype, which arrive as plain objects) and arrays of encodable values,
 * Maps and Sets of them, Dates, RegExps, built-in Errors (their class and message), ArrayBuffers, typed arrays,
 * Buffers and DataViews. Refused: functions, symbols, and instances of any other class (they would arrive as
 * plain objects without their methods, or not at all): give the PCollection a coder (`setCoder`) for those.
 * Cycles and shared references are encodable.
 * @module
 */

/** What {@link scanValue} found. */
export const enum Scan {
  /** Encodes as it is. */
  Plain = 0,
  /** Encodable, but holds a `-0` or an own `__proto__` key, which the encoding must escape. */
  Escape = 1,
  /** Not encodable: {@link whyNotEncodable} says where and why. */
  Refused = 2,
}

/** Prototypes whose instances msgpack carries faithfully (structured clone mode). */
const ENCODABLE_PROTOTYPES: ReadonlySet<object | null> = new Set<object | null>([
  Object.prototype,
  null,
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  Error.prototype,
  EvalError.prototype,
  RangeError.prototype,
  ReferenceError.prototype,
  SyntaxError.prototype,
  TypeError.prototype,
  URIError.prototype,
]);

/** Past this depth the walk tracks what it has seen, so a cyclic value ends instead of overflowing the stack. */
const MAX_UNTRACKED_DEPTH = 200;

/**
 * Scans a value: whether it encodes as it is, needs escaping, or cannot cross. Allocates nothing for plain data
 * shallower than {@link MAX_UNTRACKED_DEPTH}; primitives cost one `typeof`.
 * @example
 * scanValue({ a: [1, "x"] }); // Scan.Plain
 * scanValue(-0);              // Scan.Escape
 * scanValue({ f: () => 1 });  // Scan.Refused
 */
export function scanValue(value: unknown): Scan {
  return scanMember(value, -1, undefined); // the top value is at depth 0
}

function scanObject(o: object, depth: number, seen: Set<object> | undefined): Scan {
  if (depth > MAX_UNTRACKED_DEPTH) {
    seen ??= new Set();
    if (seen.has(o)) return Scan.Plain;
    seen.add(o);
  }
  const proto = Object.getPrototypeOf(o) as object | null;
  let result: Scan = Scan.Plain;
  if (proto === Object.prototype || proto === null) {
    for (const k in o) {
      if (proto === Object.prototype && !Object.prototype.hasOwnProperty.call(o, k)) continue;
      if (k === "__proto__") result = Scan.Escape;
      const r = scanMember((o as Record<string, unknown>)[k], depth, seen);
      if (r === Scan.Refused) return r;
      if (r === Scan.Escape) result = r;
    }
    // An own `__proto__` that is not enumerable is not encoded at all, as any non-enumerable property.
    return result;
  }
  if (proto === Array.prototype) {
    const a = o as unknown[];
    for (let i = 0; i < a.length; i++) {
      const r = scanMember(a[i], depth, seen);
      if (r === Scan.Refused) return r;
      if (r === Scan.Escape) result = r;
    }
    return result;
  }
  if (proto === Map.prototype) {
    for (const [k, v] of o as Map<unknown, unknown>) {
      const rk = scanMember(k, depth, seen);
      const rv = scanMember(v, depth, seen);
      if (rk === Scan.Refused || rv === Scan.Refused) return Scan.Refused;
      if (rk === Scan.Escape || rv === Scan.Escape) result = Scan.Escape;
    }
    return result;
  }
  if (proto === Set.prototype) {
    for (const v of o as Set<unknown>) {
      const r = scanMember(v, depth, seen);
      if (r === Scan.Refused) return r;
      if (r === Scan.Escape) result = r;
    }
    return result;
  }
  if (ArrayBuffer.isView(o) || ENCODABLE_PROTOTYPES.has(proto)) return Scan.Plain;
  return Scan.Refused;
}

function scanMember(v: unknown, depth: number, seen: Set<object> | undefined): Scan {
  switch (typeof v) {
    case "string":
    case "boolean":
    case "undefined":
    case "bigint":
      return Scan.Plain;
    case "number":
      return v === 0 && 1 / v < 0 ? Scan.Escape : Scan.Plain;
    case "object":
      return v === null ? Scan.Plain : scanObject(v, depth + 1, seen);
    default:
      return Scan.Refused;
  }
}

/**
 * Why a value cannot cross (what and where, e.g. `a function at .value.format`), or undefined when it can. The
 * slow path of {@link scanValue}, for messages.
 * @example
 * whyNotEncodable({ f: () => 1 }); // "a function at .f"
 */
export function whyNotEncodable(value: unknown): string | undefined {
  return find(value, "", new Set());
}

function find(v: unknown, path: string, seen: Set<object>): string | undefined {
  const at = path === "" ? "" : ` at ${path}`;
  if (typeof v === "function") return `a function${at}${v.name ? ` (${v.name})` : ""}`;
  if (typeof v === "symbol") return `a symbol${at} (${String(v)})`;
  if (typeof v !== "object" || v === null || seen.has(v)) return undefined;
  seen.add(v);
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === Object.prototype || proto === null) {
    for (const k of Object.keys(v)) {
      const r = find((v as Record<string, unknown>)[k], `${path}${/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`, seen);
      if (r) return r;
    }
    return undefined;
  }
  if (proto === Array.prototype) {
    const a = v as unknown[];
    for (let i = 0; i < a.length; i++) {
      const r = find(a[i], `${path}[${i}]`, seen);
      if (r) return r;
    }
    return undefined;
  }
  if (proto === Map.prototype) {
    let i = 0;
    for (const [k, value] of v as Map<unknown, unknown>) {
      const r = find(k, `${path}<map key ${i}>`, seen) ?? find(value, `${path}<map value ${i}>`, seen);
      if (r) return r;
      i++;
    }
    return undefined;
  }
  if (proto === Set.prototype) {
    let i = 0;
    for (const value of v as Set<unknown>) {
      const r = find(value, `${path}<set value ${i++}>`, seen);
      if (r) return r;
    }
    return undefined;
  }
  if (ArrayBuffer.isView(v) || ENCODABLE_PROTOTYPES.has(proto)) return undefined;
  const name = (v as { constructor?: { name?: string } }).constructor?.name;
  return `an instance of class ${name || "(anonymous)"}${at}, which would arrive as a plain object without its class`;
}

/** An element that cannot cross a thread, a process or the disk with the default coder. */
export class NotEncodableError extends Error {
  override name = "NotEncodableError";
  constructor(
    /** What and where (see {@link whyNotEncodable}). */
    readonly reason: string,
    /** The PCollection whose element it is. */
    readonly pcollection: string,
  ) {
    super(
      `an element of ${pcollection} cannot be encoded: it holds ${reason}. Elements that cross threads, processes or ` +
        "the disk must be plain data (objects, arrays, Maps, Sets, Dates, typed arrays, primitives); functions, " +
        "symbols and class instances cannot cross on any runner: emit plain data, or give the PCollection a coder with setCoder",
    );
  }
}

/**
 * Throws a {@link NotEncodableError} for a value that cannot cross; returns the scan otherwise.
 * @example
 * checkEncodable({ f: () => 1 }, "Make.main"); // throws: an element of Make.main cannot be encoded: it holds a function at .f ...
 */
export function checkEncodable(value: unknown, pcollection: string): Scan {
  const scan = scanValue(value);
  if (scan === Scan.Refused) throw new NotEncodableError(whyNotEncodable(value) ?? "a value msgpack cannot encode", pcollection);
  return scan;
}
