/**
 * A read-only Map whose keys compare by deterministic encoding, like GroupByKey's, so a map side input finds
 * `{ id: 1 }` whatever object the DoFn looks it up with.
 * @module
 */
import { encodeKey } from "./key-encoding.js";

export class DeterministicMap<K, V> implements ReadonlyMap<K, V> {
  /** Entries by encoded key; each keeps the first key object seen, which iteration returns. */
  private readonly entries_ = new Map<unknown, [K, V]>();

  /** Strings and numbers are their own encoding; other keys are encoded. */
  private static slot(key: unknown): unknown {
    return typeof key === "string" || typeof key === "number" ? key : `\u0000${encodeKey(key)}`;
  }

  /** Adds an entry; returns false (and changes nothing) when the key is already present. */
  add(key: K, value: V): boolean {
    const slot = DeterministicMap.slot(key);
    if (this.entries_.has(slot)) return false;
    this.entries_.set(slot, [key, value]);
    return true;
  }

  /** The value of `key`, for read-modify-write while building. */
  entry(key: K): [K, V] | undefined {
    return this.entries_.get(DeterministicMap.slot(key));
  }

  get size(): number {
    return this.entries_.size;
  }
  get(key: K): V | undefined {
    return this.entries_.get(DeterministicMap.slot(key))?.[1];
  }
  has(key: K): boolean {
    return this.entries_.has(DeterministicMap.slot(key));
  }
  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries_.values()) fn.call(thisArg, v, k, this);
  }
  *entries(): MapIterator<[K, V]> {
    for (const e of this.entries_.values()) yield [e[0], e[1]];
  }
  *keys(): MapIterator<K> {
    for (const e of this.entries_.values()) yield e[0];
  }
  *values(): MapIterator<V> {
    for (const e of this.entries_.values()) yield e[1];
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
  get [Symbol.toStringTag](): string {
    return "DeterministicMap";
  }
}
