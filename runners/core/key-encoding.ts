/**
 * Deterministic key encoding: equal keys encode equally whatever their object property order, so grouping never
 * relies on object identity and every worker agrees on which partition a key belongs to.
 *
 * Strings and numbers (most keys) are grouped as themselves by {@link KeyedMap}; everything else by its canonical
 * text from {@link encodeKey}. Values with no deterministic encoding (functions, symbols, class instances) are
 * rejected with {@link NonDeterministicKeyError}.
 * @module
 */

/** A key with no deterministic encoding. */
export class NonDeterministicKeyError extends TypeError {
  override name = "NonDeterministicKeyError";
}

/**
 * The canonical text of a key: type-tagged, object keys sorted, so `{a:1,b:2}` and `{b:2,a:1}` encode the same.
 * @throws NonDeterministicKeyError
 */
export function encodeKey(key: unknown): string {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key);
    case "number":
      return Object.is(key, -0) ? "0" : String(key);
    case "boolean":
      return key ? "true" : "false";
    case "undefined":
      return "undefined";
    case "bigint":
      return `${key}n`;
    case "object":
      return key === null ? "null" : encodeObject(key);
    default:
      throw new NonDeterministicKeyError(`a ${typeof key} cannot be a key: it has no deterministic encoding`);
  }
}

function encodeObject(obj: object): string {
  if (Array.isArray(obj)) return `[${obj.map(encodeKey).join(",")}]`;
  if (obj instanceof Date) return `Date(${obj.getTime()})`;
  if (ArrayBuffer.isView(obj)) {
    return `Bytes(${Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString("base64")})`;
  }
  if (obj instanceof Map) {
    const entries = [...obj].map(([k, v]) => `${encodeKey(k)}=>${encodeKey(v)}`).sort();
    return `Map{${entries.join(",")}}`;
  }
  if (obj instanceof Set) return `Set{${[...obj].map(encodeKey).sort().join(",")}}`;
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? "anonymous";
    throw new NonDeterministicKeyError(
      `an instance of class ${name} cannot be a key: only strings, numbers, booleans, null, arrays, plain objects, Dates, Maps, Sets and byte arrays encode deterministically`,
    );
  }
  const names = Object.keys(obj).sort();
  const rec = obj as Record<string, unknown>;
  return `{${names.map((n) => `${JSON.stringify(n)}:${encodeKey(rec[n])}`).join(",")}}`;
}

/**
 * A 32-bit hash of a key's canonical encoding (FNV-1a), for partitioning keys across workers.
 */
export function keyHash(key: unknown): number {
  const text = typeof key === "string" ? key : encodeKey(key);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A map keyed by deterministic key equality. Strings and numbers go to their own native maps without encoding
 * (the common case, kept allocation-free); other keys are encoded once per lookup.
 */
export class KeyedMap<V> {
  // Made on first use: grouping state keeps one map per window (a session window holds one key), so empty maps
  // would be most of its memory.
  private strings: Map<string, V> | undefined;
  private numbers: Map<number, V> | undefined;
  private others: Map<string, V> | undefined;

  get size(): number {
    return (this.strings?.size ?? 0) + (this.numbers?.size ?? 0) + (this.others?.size ?? 0);
  }

  get(key: unknown): V | undefined {
    if (typeof key === "string") return this.strings?.get(key);
    if (typeof key === "number") return this.numbers?.get(key);
    return this.others?.get(encodeKey(key));
  }

  set(key: unknown, value: V): void {
    if (typeof key === "string") (this.strings ??= new Map()).set(key, value);
    else if (typeof key === "number") (this.numbers ??= new Map()).set(key, value);
    else (this.others ??= new Map()).set(encodeKey(key), value);
  }

  /** Removes a key (a grouping side releases a key's state once its last window is garbage collected). */
  delete(key: unknown): void {
    if (typeof key === "string") this.strings?.delete(key);
    else if (typeof key === "number") this.numbers?.delete(key);
    else this.others?.delete(encodeKey(key));
  }

  /** All values, in insertion order within each kind of key. */
  *values(): IterableIterator<V> {
    if (this.strings) yield* this.strings.values();
    if (this.numbers) yield* this.numbers.values();
    if (this.others) yield* this.others.values();
  }

  clear(): void {
    this.strings = this.numbers = this.others = undefined;
  }
}
