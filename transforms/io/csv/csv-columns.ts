/**
 * Typed CSV columns: a spec naming each column's type, and the conversion of a record's text fields to it.
 * @module
 */

/**
 * The type of one column: `"string"`, `"number"`, `"integer"` or `"boolean"` (`true`/`false`, any case). A `?`
 * (`"number?"`) makes an empty field `null`; without it an empty field is a bad record, except for `"string"`,
 * where it is `""`.
 * @example
 * const age: ColumnType = "integer?";
 */
export type ColumnType = "string" | "number" | "integer" | "boolean" | "string?" | "number?" | "integer?" | "boolean?";

/**
 * Columns and their types, by name (the header's names, or names for the positions of a file without header,
 * in the spec's order). The elements hold exactly these columns.
 * @example
 * const columns = { name: "string", age: "integer", score: "number?", active: "boolean" } as const satisfies ColumnSpec;
 */
export type ColumnSpec = Readonly<Record<string, ColumnType>>;

/**
 * The TypeScript type of one column type.
 * @example
 * type Age = ColumnValue<"integer?">; // number | null
 */
export type ColumnValue<C extends ColumnType> = C extends `${infer Base}?` ? BaseValue<Base> | null : BaseValue<C>;

/**
 * The TypeScript type of a non-optional column type.
 * @example
 * type Active = BaseValue<"boolean">; // boolean
 */
export type BaseValue<B> = B extends "string" ? string : B extends "number" | "integer" ? number : B extends "boolean" ? boolean : never;

/**
 * The element type a {@link ColumnSpec} gives.
 * @example
 * type Person = TypedRow<{ name: "string"; age: "integer?" }>; // { name: string; age: number | null }
 */
export type TypedRow<C extends ColumnSpec> = { -readonly [K in keyof C]: ColumnValue<C[K]> };

const TYPES = new Set(["string", "number", "integer", "boolean"]);

/** Checks a spec when the reader is built. */
export function checkColumnSpec(spec: unknown, step: string): asserts spec is ColumnSpec {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec) || Object.keys(spec).length === 0) {
    throw new TypeError(`${step}: columns must be a function or an object naming at least one column's type`);
  }
  for (const [name, type] of Object.entries(spec)) {
    if (typeof type !== "string" || !TYPES.has(type.endsWith("?") ? type.slice(0, -1) : type)) {
      throw new TypeError(`${step}: column '${name}' has type ${JSON.stringify(type)}; use string, number, integer or boolean (with ? for null when empty)`);
    }
  }
}

/**
 * Converts one field to its column's type.
 * @throws Error naming the column when the field is not of the type
 */
export function convertField(name: string, type: ColumnType, field: string): string | number | boolean | null {
  const optional = type.endsWith("?");
  const base = optional ? type.slice(0, -1) : type;
  const text = base === "string" ? field : field.trim();
  if (text === "" && optional) return null;
  switch (base) {
    case "string":
      return field;
    case "number": {
      const n = text === "" ? NaN : Number(text);
      if (Number.isNaN(n)) throw new Error(`column '${name}': not a number: ${JSON.stringify(field)}`);
      return n;
    }
    case "integer": {
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n)) throw new Error(`column '${name}': not an integer: ${JSON.stringify(field)}`);
      return n;
    }
    default: {
      const lower = text.toLowerCase();
      if (lower === "true") return true;
      if (lower === "false") return false;
      throw new Error(`column '${name}': not a boolean (true or false): ${JSON.stringify(field)}`);
    }
  }
}
