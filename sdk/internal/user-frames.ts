/**
 * Telling the user's stack frames from Sluice's own: errors show the former only.
 * @module
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const INTERNAL = ["sdk", "runners", "transforms", "node_modules", "bin"].flatMap((d) => {
  const dir = path.join(ROOT, d) + path.sep;
  return [dir, pathToFileURL(dir).href];
});

const OWN = ["sdk", "runners", "transforms", "bin"].flatMap((d) => {
  const dir = path.join(ROOT, d) + path.sep;
  return [dir, pathToFileURL(dir).href];
});

/** Whether a stack line is in Sluice's own code (not its dependencies, node or the user's code). */
export function isSluiceFrame(line: string): boolean {
  return OWN.some((d) => line.includes(d));
}

/** Whether a stack line belongs to Sluice, its dependencies or node itself. */
export function isInternalFrame(line: string): boolean {
  // `at Array.map (<anonymous>)`: a native frame between Sluice and user code, not a place the user can go to.
  return line.includes("(node:") || line.includes(" node:") || line.trimEnd().endsWith("(<anonymous>)") || INTERNAL.some((d) => line.includes(d));
}

/** The stack frames of `stack` outside Sluice, trimmed, or `[]`. */
export function userFrames(stack: string | undefined): string[] {
  if (!stack) return [];
  return stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l) && !isInternalFrame(l))
    .map((l) => l.trim());
}

/** The user's frame that called into Sluice right now (where a transform is applied), if any. */
export function callerFrame(): string | undefined {
  return laterCallerFrame()();
}

/**
 * {@link callerFrame} captured now and formatted when first asked for: V8 formats a stack (and node maps it
 * through source maps) only when it is read, which is most of the cost, and most frames are never shown.
 */
export function laterCallerFrame(): () => string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const error = new Error();
  Error.stackTraceLimit = limit;
  let frame: string | undefined | null = null;
  return () => (frame === null ? (frame = userFrames(error.stack)[0] ?? undefined) : frame);
}
