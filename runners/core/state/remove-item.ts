/**
 * Removing from the short, unordered lists the in-memory stores keep per key.
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
