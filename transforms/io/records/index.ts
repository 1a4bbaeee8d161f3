/**
 * What every record reader (CSV, JSON Lines) shares: bad-record handling ({@link deadLetter}, {@link OnError},
 * {@link BadRecord}, the `goodRecords` and `badRecords` counters) and the Standard Schema v1 types its `schema`
 * option accepts.
 * @module
 */
export { deadLetter, MAX_LINE_COUNT_BYTES, type BadRecord, type DeadLetter, type OnError } from "./on-error.js";
export { BAD_RECORDS, GOOD_RECORDS } from "./route-records-fn.js";
export {
  AsyncSchemaError,
  SchemaError,
  type InferSchemaOutput,
  type StandardSchemaV1,
  type StandardSchemaV1Issue,
  type StandardSchemaV1Props,
  type StandardSchemaV1Result,
} from "./standard-schema.js";
