/**
 * Per-key state of a grouping side, keyed by deterministic key equality.
 * @module
 */
import { encodeKey } from "../key-encoding.js";

/**
 * A map keyed by deterministic key equality (like `KeyedMap`), with deletion, so a grouping side can release a
 * key's state once its last window is garbage collected. Strings and numbers are native map keys; other keys are
 * encoded once per lookup.
 * @example
 * const t = new KeyTable<number>();
 * t.set({ a: 1, b: 2 }, 5);
 * t.get({ b: 2, a: 1 }); // 5
 */
export class KeyTable<V> {
  private readonly strings = new Map<string, V>();
  private readonly numbers = new Map<number, V>();
  private readonly others = new Map<string, V>();

  get size(): number {
    return this.strings.size + this.numbers.size + this.others.size;
  }

  get(key: unknown): V | undefined {
    if (typeof key === "string") return this.strings.get(key);
    if (typeof key === "number") return this.numbers.get(key);
    return this.others.get(encodeKey(key));
  }

  set(key: unknown, value: V): void {
    if (typeof key === "string") this.strings.set(key, value);
    else if (typeof key === "number") this.numbers.set(key, value);
    else this.others.set(encodeKey(key), value);
  }

  delete(key: unknown): void {
    if (typeof key === "string") this.strings.delete(key);
    else if (typeof key === "number") this.numbers.delete(key);
    else this.others.delete(encodeKey(key));
  }

  /** All values, in insertion order within each kind of key. */
  *values(): IterableIterator<V> {
    yield* this.strings.values();
    yield* this.numbers.values();
    yield* this.others.values();
  }
}
