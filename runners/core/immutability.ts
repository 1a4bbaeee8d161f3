/**
 * Enforcing the model's rule that elements are immutable once emitted: the direct runner freezes every emitted
 * element, so a DoFn that mutates its input (or an output it already emitted) fails at the mutation, with the
 * user's own stack frame, instead of corrupting another step's data on some runners only.
 * @module
 */

/** Deep-freezes plain objects, arrays, Maps' and Sets' contents. Typed arrays cannot be frozen and are skipped. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  // Plain objects first: most elements are small records such as KVs. for-in allocates no key array.
  if (Object.getPrototypeOf(value) === Object.prototype) {
    Object.freeze(value);
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      if (typeof v === "object" && v !== null) deepFreeze(v);
    }
    return value;
  }
  if (ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v);
  } else {
    for (const k of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return value;
}
