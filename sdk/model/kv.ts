/**
 * Key/value pairs. Sluice represents a KV as a plain object `{ key, value }` (the same shape as Beam's TypeScript
 * SDK): it reads well in user code (`kv.key`), type inference names both halves in error messages, and it encodes
 * compactly with msgpack. Keys are compared by their deterministic encoding, not by identity, so two distinct
 * objects with the same fields are the same key.
 * @module
 */

/** A key and a value. */
export interface KV<K, V> {
  /** The key; GroupByKey and the per-key transforms group by its deterministic encoding, not its identity. */
  readonly key: K;
  /** The value. */
  readonly value: V;
}

/**
 * Makes a {@link KV}.
 * @example
 * pcoll.map((word: string) => kv(word, 1));
 */
export function kv<K, V>(key: K, value: V): KV<K, V> {
  return { key, value };
}

/** The key type of a KV type. */
export type KeyOf<T> = T extends KV<infer K, unknown> ? K : never;
/** The value type of a KV type. */
export type ValueOf<T> = T extends KV<unknown, infer V> ? V : never;
