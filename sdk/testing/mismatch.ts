/**
 * Comparing the actual elements of a PCollection with the expected ones, and saying how they differ.
 *
 * The first line of every message is a self-contained summary (what was missing, what was unexpected), because
 * one-line reports (a CLI error, a runner that keeps only the first line) must still say what went wrong; the
 * following lines list the expected and actual elements in full, sorted so two runs print the same text.
 * @module
 */
import { canonicalString } from "./canonical.js";

/** How many elements a list in a message shows before `... and N more`. */
export const MAX_LISTED_ELEMENTS = 20;
/** How many characters of one element a message shows before cutting it with `...`. */
export const MAX_ELEMENT_CHARS = 120;

/** An element as compared and printed: its canonical text, and the value to order numbers numerically. */
interface Entry {
  readonly text: string;
  readonly value: unknown;
}

/** The elements of `expected` not in `actual` and the reverse, counting duplicates; each list sorted. */
export interface MultisetDiff {
  /** Expected elements with no actual counterpart. */
  readonly missing: readonly unknown[];
  /** Actual elements with no expected counterpart. */
  readonly unexpected: readonly unknown[];
}

/**
 * Multiset difference by deep equality ({@link canonicalString}).
 * @example
 * multisetDiff([1, 1, 2], [1, 3]); // { missing: [1, 2], unexpected: [3] }
 */
export function multisetDiff(expected: readonly unknown[], actual: readonly unknown[]): MultisetDiff {
  // Count the expected elements by text, then take each actual one off; what is left over is missing.
  const remaining = new Map<string, Entry[]>();
  for (const value of expected) {
    const text = canonicalString(value);
    const list = remaining.get(text);
    if (list) list.push({ text, value });
    else remaining.set(text, [{ text, value }]);
  }
  const unexpected: Entry[] = [];
  for (const value of actual) {
    const text = canonicalString(value);
    const list = remaining.get(text);
    if (list && list.length > 0) list.pop();
    else unexpected.push({ text, value });
  }
  const missing = [...remaining.values()].flat();
  return { missing: sortEntries(missing).map((e) => e.value), unexpected: sortEntries(unexpected).map((e) => e.value) };
}

/**
 * The elements as a sorted, bounded list for a message: `[1, 2, "a", ... and 3 more]`, each element cut at 120
 * characters (`MAX_ELEMENT_CHARS`).
 * @example
 * formatElements([3, 10, 2]); // "[2, 3, 10]"
 */
export function formatElements(values: readonly unknown[], maxListed = MAX_LISTED_ELEMENTS): string {
  const sorted = sortEntries(values.map((value) => ({ text: canonicalString(value), value })));
  const shown = sorted.slice(0, maxListed).map((e) => truncate(e.text, MAX_ELEMENT_CHARS));
  if (sorted.length > maxListed) shown.push(`... and ${sorted.length - maxListed} more`);
  return `[${shown.join(", ")}]`;
}

/**
 * The message of a failed multiset comparison, or `undefined` when `actual` and `expected` are equal as
 * multisets.
 * @param what names the assertion, e.g. `assertThat(word counts).containsInAnyOrder`
 * @example
 * describeMultisetMismatch("containsInAnyOrder", [1, 2, 4], [1, 2, 3]);
 * // containsInAnyOrder failed: missing 1 element [4]; unexpected 1 element [3] (expected 3 elements, got 3)
 * //   expected (3): [1, 2, 4]
 * //   actual (3): [1, 2, 3]
 */
export function describeMultisetMismatch(what: string, expected: readonly unknown[], actual: readonly unknown[]): string | undefined {
  const { missing, unexpected } = multisetDiff(expected, actual);
  if (missing.length === 0 && unexpected.length === 0) return undefined;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${plural(missing.length)} ${formatElements(missing)}`);
  if (unexpected.length > 0) parts.push(`unexpected ${plural(unexpected.length)} ${formatElements(unexpected)}`);
  return [
    `${what} failed: ${parts.join("; ")} (expected ${plural(expected.length)}, got ${actual.length})`,
    `  expected (${expected.length}): ${formatElements(expected)}`,
    `  actual (${actual.length}): ${formatElements(actual)}`,
  ].join("\n");
}

/**
 * The message of a failed check on the actual elements (a predicate that returned false or threw).
 * @example
 * describeCheckFailure("satisfies", "the predicate returned false", [1, 2]);
 * // satisfies failed: the predicate returned false (got 2 elements [1, 2])
 */
export function describeCheckFailure(what: string, reason: string, actual: readonly unknown[]): string {
  return `${what} failed: ${reason} (got ${plural(actual.length)} ${formatElements(actual)})`;
}

function plural(n: number): string {
  return n === 1 ? "1 element" : `${n} elements`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** Numbers in numeric order, before everything else in the order of its canonical text. */
function sortEntries(entries: Entry[]): Entry[] {
  return entries.sort((a, b) => {
    const an = typeof a.value === "number" && !Number.isNaN(a.value);
    const bn = typeof b.value === "number" && !Number.isNaN(b.value);
    if (an && bn) return (a.value as number) - (b.value as number);
    if (an !== bn) return an ? -1 : 1;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  });
}
