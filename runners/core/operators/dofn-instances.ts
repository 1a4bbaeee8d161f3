/**
 * DoFn instances: a DoFn object is the instance of at most one operator and is set up at most once, as in Beam,
 * where every instance is a fresh deserialised copy of what the user applied. The first instance a process needs
 * of an object is the object itself; every further one (the same object applied in another step, a new instance
 * after one was torn down or discarded, another run in the same process) is a copy. The rule, for users, is in
 * the `DoFn` documentation (`sdk/model/dofn.ts`).
 * @module
 */

/**
 * For each DoFn object an operator took: a copy made before anything ran on it (the object then serves as an
 * instance and changes with its setup and bundles; later instances are copies of this, never of a used one).
 */
const pristine = new WeakMap<object, object>();

/**
 * The object to use as a new DoFn instance: `doFn` itself the first time, after that a {@link copyDoFn} of it as
 * it was then (before its setup).
 * @example
 * const a = takeDoFnInstance(fn); // fn
 * const b = takeDoFnInstance(fn); // a copy of fn as it was when a was taken
 */
export function takeDoFnInstance<T extends object>(doFn: T): T {
  const template = pristine.get(doFn);
  if (template === undefined) {
    pristine.set(doFn, copyDoFn(doFn));
    return doFn;
  }
  return copyDoFn(template as T);
}

/**
 * A fresh DoFn object like `doFn`: the same prototype (so a class's methods), and a copy of each own property
 * (with its attributes): plain data (arrays, plain objects, Maps, Sets, Dates, typed arrays) is copied deeply, so
 * state a field starts with is the copy's own; functions, frozen objects and instances of other classes (clients,
 * views, coders, PCollections) are shared. A frozen DoFn gives a frozen copy. Cycles are kept.
 * @example
 * class Batch { items: string[] = []; process(x: string) { this.items.push(x); } }
 * const original = new Batch();
 * const copy = copyDoFn(original); // copy instanceof Batch; copy.items !== original.items
 */
export function copyDoFn<T extends object>(doFn: T): T {
  const memo = new Map<object, unknown>();
  const copy = Object.create(Object.getPrototypeOf(doFn) as object | null) as T;
  memo.set(doFn, copy);
  copyOwnProperties(doFn, copy, memo);
  if (Object.isFrozen(doFn)) Object.freeze(copy);
  return copy;
}

function copyOwnProperties(from: object, to: object, memo: Map<object, unknown>): void {
  for (const key of Reflect.ownKeys(from)) {
    const descriptor = Object.getOwnPropertyDescriptor(from, key)!;
    if ("value" in descriptor) descriptor.value = copyValue(descriptor.value, memo);
    Object.defineProperty(to, key, descriptor);
  }
}

function copyValue(value: unknown, memo: Map<object, unknown>): unknown {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  const seen = memo.get(value);
  if (seen !== undefined) return seen;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (Array.isArray(value)) {
    const array: unknown[] = [];
    memo.set(value, array);
    for (let i = 0; i < value.length; i++) array[i] = copyValue(value[i], memo);
    return array;
  }
  if (proto === Map.prototype) {
    const map = new Map();
    memo.set(value, map);
    for (const [k, v] of value as Map<unknown, unknown>) map.set(k, copyValue(v, memo));
    return map;
  }
  if (proto === Set.prototype) {
    const set = new Set();
    memo.set(value, set);
    for (const v of value as Set<unknown>) set.add(copyValue(v, memo));
    return set;
  }
  if (proto === Date.prototype) return new Date((value as Date).getTime());
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const view = structuredClone(value);
    Object.setPrototypeOf(view, proto);
    memo.set(value, view);
    return view;
  }
  if (proto === Object.prototype || proto === null) {
    const object = Object.create(proto) as object;
    memo.set(value, object);
    copyOwnProperties(value, object, memo);
    return object;
  }
  return value; // an instance of some class: shared
}
