/**
 * The Standard Schema v1 interface (https://standardschema.dev), declared here rather than imported: it is a
 * dozen lines of types that zod, valibot, arktype and others implement, so readers accept any of them without
 * Sluice depending on one.
 * @module
 */

/**
 * A validator that implements Standard Schema v1: its `~standard` property validates a value and, on success,
 * returns the (possibly transformed) output value.
 * @typeParam Input what the schema accepts
 * @typeParam Output what it returns: the element type of a reader given this schema
 * @example
 * import { z } from "zod";
 * const Person: StandardSchemaV1<unknown, { name: string; age: number }> = z.object({ name: z.string(), age: z.number() });
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1Props<Input, Output>;
}

/**
 * What a Standard Schema exposes under `~standard`.
 * @example
 * const props: StandardSchemaV1Props<unknown, number> = {
 *   version: 1,
 *   vendor: "hand-made",
 *   validate: (v) => (typeof v === "number" ? { value: v } : { issues: [{ message: "not a number" }] }),
 * };
 */
export interface StandardSchemaV1Props<Input = unknown, Output = Input> {
  /** Always 1. */
  readonly version: 1;
  /** The library that made the schema (`"zod"`, `"valibot"`, ...). */
  readonly vendor: string;
  /** Validates a value: the output value, or the issues found. May be asynchronous (Sluice refuses that). */
  readonly validate: (value: unknown) => StandardSchemaV1Result<Output> | Promise<StandardSchemaV1Result<Output>>;
  /** Carries the input and output types for inference only; absent at run time. */
  readonly types?:
    | {
        /** The type the schema accepts. */
        readonly input: Input;
        /** The type it returns. */
        readonly output: Output;
      }
    | undefined;
}

/**
 * The result of `validate`: `{ value }` on success, `{ issues }` on failure.
 * @example
 * const failed: StandardSchemaV1Result<number> = { issues: [{ message: "Expected number", path: ["age"] }] };
 */
export type StandardSchemaV1Result<Output> =
  | {
      /** The validated (possibly transformed) value. */
      readonly value: Output;
      /** Absent on success. */
      readonly issues?: undefined;
    }
  | {
      /** Why the value was rejected. */
      readonly issues: readonly StandardSchemaV1Issue[];
    };

/**
 * One problem a schema found, with where in the value it is.
 * @example
 * const issue: StandardSchemaV1Issue = { message: "Required", path: [{ key: "name" }] };
 */
export interface StandardSchemaV1Issue {
  /** What is wrong. */
  readonly message: string;
  /** Where: property keys from the root, bare or as `{ key }`. */
  readonly path?:
    | readonly (
        | PropertyKey
        | {
            /** The property key. */
            readonly key: PropertyKey;
          }
      )[]
    | undefined;
}

/**
 * The output type of a Standard Schema: the element type a reader given it produces.
 * @example
 * type Person = InferSchemaOutput<typeof PersonSchema>;
 */
export type InferSchemaOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : never;

/**
 * Checks, when a reader is built, that `schema` looks like a Standard Schema v1, so a wrong object fails at once
 * and not at the first record.
 * @param step the transform, for the message
 */
export function checkSchema(schema: unknown, step: string): asserts schema is StandardSchemaV1 {
  const props = (schema as { "~standard"?: { version?: unknown; validate?: unknown } } | null)?.["~standard"];
  if (typeof props !== "object" || props === null || props.version !== 1 || typeof props.validate !== "function") {
    throw new TypeError(`${step}: schema must implement Standard Schema v1 (a '~standard' property with version 1 and validate), as zod and valibot schemas do`);
  }
}

/**
 * Validates one value synchronously: its output value, or throws a {@link SchemaError} listing the issues.
 * Records are processed synchronously (no Promise per element), so a schema whose `validate` returns a Promise
 * (an async refinement) is refused with an error that says so, rather than awaited.
 */
export function validateSync<O>(schema: StandardSchemaV1<unknown, O>, value: unknown, step: string): O {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise || typeof (result as { then?: unknown }).then === "function") {
    // Don't leave a rejected Promise unhandled.
    (result as Promise<unknown>).then(undefined, () => {});
    throw new AsyncSchemaError(
      `${step}: the schema's validate returned a Promise; records are validated synchronously, so use a schema without async checks (e.g. no async refine)`,
    );
  }
  if (result.issues !== undefined) throw new SchemaError(result.issues);
  return result.value;
}

/**
 * A schema rejected a value: a bad record, which the reader's `onError` handles.
 * @example
 * try { validateSync(schema, row, "ReadCsv"); } catch (e) { if (e instanceof SchemaError) console.log(e.issues); }
 */
export class SchemaError extends Error {
  constructor(
    /** What the schema found wrong. */
    readonly issues: readonly StandardSchemaV1Issue[],
  ) {
    super(`schema: ${issues.map(describeIssue).join("; ")}`);
    this.name = "SchemaError";
  }
}

/**
 * A schema validated asynchronously: a mistake in the pipeline, not in a record, so it fails the run whatever
 * `onError` says.
 * @example
 * if (error instanceof AsyncSchemaError) throw error; // never a dead letter
 */
export class AsyncSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AsyncSchemaError";
  }
}

function describeIssue(issue: StandardSchemaV1Issue): string {
  const where = (issue.path ?? []).map((p) => String(typeof p === "object" && p !== null ? p.key : p)).join(".");
  return where === "" ? issue.message : `${where}: ${issue.message}`;
}
