/**
 * Coders turn elements into bytes where they cross a thread, a process or the disk. The default coder for every
 * PCollection is msgpack (via msgpackr); a PCollection can name another with `setCoder`.
 * @module
 */

/**
 * Encodes and decodes the elements of a PCollection.
 * @example
 * const utf8: Coder<string> = {
 *   name: "utf8",
 *   encode: (s) => Buffer.from(s, "utf8"),
 *   decode: (b) => Buffer.from(b).toString("utf8"),
 * };
 */
export interface Coder<T> {
  /** Names the coder in the graph (and its fingerprint). */
  readonly name: string;
  /** Turns one element into bytes. */
  encode(value: T): Uint8Array;
  /** Turns the bytes made by `encode` back into an equal element. */
  decode(bytes: Uint8Array): T;
}
