/**
 * Removing from and adding to the short, unordered lists the in-memory stores keep per key.
 * @module
 */

/**
 * Removes `item` from `list` by moving the last item into its place: for lists whose order does not matter
 * (`splice` allocates the removed items' array, on the hot path of every window's garbage collection).
 * @example
 * const xs = [1, 2, 3];
 * removeItem(xs, 1); // xs is [3, 2]
 */
export function removeItem<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i < 0) return;
  const last = list.pop()!;
  if (i < list.length) list[i] = last;
}

/**
 * `list` with `item` appended, as a new array made at its size: `push` would reserve room for 16 more items
 * (most of the memory of a short list), and `concat` takes a slow path to check whether `item` is spreadable.
 * @example
 * withItem([1, 2], 3); // [1, 2, 3]
 */
export function withItem<T>(list: readonly T[], item: T): T[] {
  const n = list.length;
  const grown = new Array<T>(n + 1);
  for (let i = 0; i < n; i++) grown[i] = list[i]!;
  grown[n] = item;
  return grown;
}
