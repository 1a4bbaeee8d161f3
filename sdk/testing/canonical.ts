/**
 * A canonical text form of values, so that assertions can compare elements by deep equality and show them in
 * messages with one function.
 *
 * Why a string and not a recursive `deepEqual`: an assertion compares two multisets, and with a canonical string
 * per element that is a counting problem over a `Map<string, number>` (linear), where a pairwise deep equality
 * would be quadratic. The same string is what a failure message prints, so what you see is what was compared.
 * @module
 */

/**
 * Text that is equal for deeply equal values and different otherwise, readable enough to show in messages.
 *
 * What "deeply equal" means here is what survives a trip through a coder, since the actual elements of a
 * PCollection usually have been encoded and decoded:
 * - records compare by their own enumerable string-keyed properties, in any order; a property whose value is
 *   `undefined` is the same as a missing one (as in JSON), and the prototype is ignored (a class instance
 *   equals a plain object with the same fields);
 * - arrays compare element by element (a hole is `undefined`);
 * - `NaN` equals `NaN`, and `-0` equals `0`;
 * - `Map`s compare by their entries and `Set`s by their members, in any order;
 * - `Buffer` and `Uint8Array` compare by their bytes (and equal each other);
 * - `Date`s compare by their time; `bigint`s by value;
 * - a cycle prints as `[Circular]`.
 * @example
 * canonicalString({ b: 1, a: [NaN, "x"] }); // '{"a": [NaN, "x"], "b": 1}'
 * canonicalString({ a: [NaN, "x"], b: 1 }) === canonicalString({ b: 1, a: [NaN, "x"] }); // true
 */
export function canonicalString(value: unknown): string {
  return canonical(value, []);
}

/**
 * Whether two values are deeply equal in the sense of {@link canonicalString}.
 * @example
 * deepEqual(new Map([["a", 1]]), new Map([["a", 1]])); // true
 * deepEqual({ a: 1, b: undefined }, { a: 1 }); // true
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  return a === b || canonicalString(a) === canonicalString(b);
}

/** `ancestors` holds the objects being printed above this one: a value met again there is a cycle. */
function canonical(value: unknown, ancestors: object[]): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      // Object.is(-0, 0) is false, but -0 and 0 are one value to every user and to JSON.
      return value === 0 ? "0" : String(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
      return String(value);
    case "undefined":
      return "undefined";
    case "symbol":
      return value.toString();
    case "function":
      return `[Function ${value.name || "(anonymous)"}]`;
  }
  if (value === null) return "null";
  const object = value as object;
  if (ancestors.includes(object)) return "[Circular]";
  ancestors.push(object);
  try {
    return canonicalObject(object, ancestors);
  } finally {
    ancestors.pop();
  }
}

function canonicalObject(value: object, ancestors: object[]): string {
  const inner = (v: unknown): string => canonical(v, ancestors);
  if (Array.isArray(value)) {
    // Array.from visits holes as undefined, where map() would skip them.
    return `[${Array.from(value, inner).join(", ")}]`;
  }
  if (value instanceof Uint8Array) return `<bytes ${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}>`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `${value.constructor.name}[${Array.from(value as unknown as ArrayLike<unknown>, inner).join(", ")}]`;
  }
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${inner(k)} => ${inner(v)}`);
    return `Map{${entries.sort().join(", ")}}`;
  }
  if (value instanceof Set) return `Set{${[...value].map(inner).sort().join(", ")}}`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "Invalid" : value.toISOString()})`;
  if (value instanceof RegExp) return String(value);
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}: ${inner((value as Record<string, unknown>)[k])}`).join(", ")}}`;
}
