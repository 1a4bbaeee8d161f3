/**
 * Construction-time validation errors: an error Sluice throws while a pipeline is built (a transform refusing
 * its input or options) is the user's mistake, not Sluice's, so the command line prints it as one line naming
 * the step (the pipeline prefixes it while the step expands) and where the user applied it, without Sluice's
 * stack frames. An error thrown by the user's own code while building keeps its stack.
 * @module
 */
import path from "node:path";
import { isSluiceFrame, userFrames } from "./user-frames.js";

const CONSTRUCTION = Symbol.for("sluice.constructionError");

/**
 * Marks `e` as a construction error when Sluice threw it (its first frame outside node is Sluice's), recording
 * the user's frame that led to it. Returns `e`.
 */
export function markConstructionError(e: unknown): unknown {
  if (!(e instanceof Error) || !thrownBySluice(e.stack)) return e;
  const frame = userFrames(e.stack)[0];
  Object.defineProperty(e, CONSTRUCTION, { value: frame === undefined ? "" : location(frame), enumerable: false });
  return e;
}

/** The one line to print for a construction error (`<step>: <what> (at <file>:<line>:<col>)`), else `undefined`. */
export function constructionErrorLine(e: unknown): string | undefined {
  if (!(e instanceof Error) || !Object.hasOwn(e, CONSTRUCTION)) return undefined;
  const where = (e as unknown as Record<symbol, string>)[CONSTRUCTION];
  return `${e.message.replace(/\s*\n\s*/g, " ")}${where ? ` (at ${where})` : ""}`;
}

function thrownBySluice(stack: string | undefined): boolean {
  const first = (stack ?? "").split("\n").find((l) => /^\s+at /.test(l) && !l.includes("(node:") && !l.includes(" node:") && !l.trimEnd().endsWith("(<anonymous>)"));
  return first !== undefined && isSluiceFrame(first);
}

/** `file:line:col` of a stack frame, relative to the working directory when under it. */
function location(frame: string): string {
  const m = /\(([^()]+)\)$/.exec(frame) ?? /^at (.+)$/.exec(frame);
  let where = m?.[1] ?? frame;
  if (where.startsWith("file://")) where = where.slice("file://".length);
  const relative = path.relative(process.cwd(), where);
  return relative.startsWith("..") || path.isAbsolute(relative) ? where : relative;
}
