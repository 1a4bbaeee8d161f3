/**
 * The error for mistakes on the command line or in how a pipeline is declared.
 * @module
 */

/**
 * A mistake on the command line or in how a pipeline is declared (unknown option or runner, bad option value,
 * missing file): reported as one line, with exit code 2.
 * @example
 * throw new UsageError("--parallelism must be a positive integer, got 0");
 */
export class UsageError extends Error {
  /** `"UsageError"`: how the error names itself when printed with its stack. */
  override name = "UsageError";
}
