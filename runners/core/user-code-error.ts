/**
 * Failures in user code, tagged with the step (full name) and the element, and turned into a one-line
 * {@link PipelineError} whose stack shows the user's frames, not the runner's.
 * @module
 */
import { inspect } from "node:util";
import { PipelineError } from "../../sdk/runner-api.js";
import type { PipelineGraph } from "../../sdk/graph.js";
import { userFrames } from "../../sdk/internal/user-frames.js";

/** An exception thrown by user code inside a step, or a model violation detected at a step. */
export class UserCodeError extends Error {
  override name = "UserCodeError";
  constructor(
    readonly step: string,
    override readonly cause: unknown,
    readonly element?: { readonly value: unknown },
  ) {
    super(`step '${step}' failed: ${describeCause(cause)}`);
  }
}

/** Wraps `cause` unless it already names a step (an error from a downstream step passes through unchanged). */
export function userCodeError(step: string, cause: unknown, element?: { readonly value: unknown }): UserCodeError {
  return cause instanceof UserCodeError ? cause : new UserCodeError(step, cause, element);
}

/** The message of an error thrown by user code (whatever was thrown). */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name === "Error" ? "" : `${cause.name}: `}${cause.message}`;
  return `non-Error thrown: ${truncate(inspect(cause, { depth: 2, breakLength: Infinity }), 200)}`;
}

/** An element as shown in an error: compact, at most `max` characters. */
export function describeElement(value: unknown, max = 200): string {
  return truncate(inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 20, maxStringLength: max }), max);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The PipelineError a runner reports for a failure: user code errors name the step, the element, the user's
 * frames and where the step was applied; anything else is reported as it is.
 */
export function toPipelineError(error: unknown, graph?: PipelineGraph): PipelineError {
  if (error instanceof PipelineError) return error;
  if (error instanceof UserCodeError) {
    const frames = userFrames(error.cause instanceof Error ? error.cause.stack : undefined);
    const appliedAt = graph?.transforms.get(error.step)?.appliedAt;
    return new PipelineError(error.message, {
      step: error.step,
      ...(error.element ? { element: describeElement(error.element.value) } : {}),
      ...(frames.length > 0 ? { userStack: frames.join("\n") } : {}),
      ...(appliedAt ? { appliedAt } : {}),
      cause: error.cause,
    });
  }
  return new PipelineError(`pipeline failed: ${describeCause(error)}`, { cause: error });
}
