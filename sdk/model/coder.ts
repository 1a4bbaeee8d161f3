/**
 * Coders turn elements into bytes where they cross a thread, a process or the disk. The default coder for every
 * PCollection is msgpack (via msgpackr), which carries plain data but refuses functions, symbols and class
 * instances; a PCollection can name another with `setCoder`, used at every boundary its elements cross (bundles,
 * side inputs, spill files, and a GroupByKey's shuffle, where it encodes the whole KV). See the guide's
 * "Encoding and coders".
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
  /** Turns the bytes made by `encode` back into an equal element (the direct runner round-trips elements through it). */
  decode(bytes: Uint8Array): T;
}
