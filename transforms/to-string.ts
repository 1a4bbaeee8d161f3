/**
 * Elements as text, e.g. before writing them to a text file.
 * @module
 */
import type { KV, PCollection, PTransform } from "../sdk/index.js";

/**
 * The text of one value: strings as they are, other primitives with `String`, objects and arrays as JSON, with
 * bigints as their digits, Maps as arrays of `[key, value]` entries and Sets as arrays (plain JSON would print
 * both as `{}`).
 * @example
 * formatValue({ a: 1 }); // '{"a":1}'
 * formatValue("a"); // 'a'
 * formatValue(new Map([["a", 1]])); // '[["a",1]]'
 */
export function formatValue(value: unknown): string {
  if (value === null || typeof value !== "object") return String(value);
  return JSON.stringify(value, jsonReplacer);
}

function jsonReplacer(_: string, v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Map) return [...v];
  if (v instanceof Set) return [...v];
  return v;
}

/**
 * Every element as text (see {@link formatValue}).
 * @example
 * const lines: PCollection<string> = counts.apply(toStringElements());
 */
export function toStringElements<T>(): PTransform<PCollection<T>, PCollection<string>> {
  return { name: "ToString", expand: (input) => input.map(formatValue) };
}

/**
 * Every KV as `key<delimiter>value` (each half as in {@link formatValue}).
 * @example
 * const csv: PCollection<string> = wordCounts.apply(toStringKvs(","));
 */
export function toStringKvs<K, V>(delimiter = ","): PTransform<PCollection<KV<K, V>>, PCollection<string>> {
  return { name: "ToStringKvs", expand: (input) => input.map((e) => `${formatValue(e.key)}${delimiter}${formatValue(e.value)}`) };
}
