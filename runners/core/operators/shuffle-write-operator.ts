/**
 * The end of a stage that feeds a GroupByKey: splits each KV into key and value and writes it to the shuffle,
 * checking that the key encodes deterministically.
 * @module
 */
import type { TeardownReason } from "../../../sdk/model/dofn.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { PaneInfo } from "../../../sdk/model/pane.js";
import type { Instant } from "../../../sdk/model/time.js";
import { encodeKey } from "../key-encoding.js";
import type { ShuffleWriter } from "../shuffle.js";
import { userCodeError } from "../user-code-error.js";
import type { Operator } from "./operator.js";

/** Checks that an element is a KV (the input of `consumer`, named in the message); returns its key. */
export function keyOf(value: unknown, consumer = "GroupByKey"): unknown {
  if (typeof value !== "object" || value === null || !("key" in value) || !("value" in value)) {
    throw new TypeError(`${consumer} input must be KV objects ({ key, value }); use kv(key, value) or withKeys()`);
  }
  const key = (value as { key: unknown }).key;
  if (typeof key !== "string" && typeof key !== "number") encodeKey(key); // throws for non-deterministic keys
  return key;
}

export class ShuffleWriteOperator implements Operator {
  constructor(
    /** The GroupByKey step, or the stateful ParDo's (named in errors). */
    readonly step: string,
    private readonly writer: ShuffleWriter,
    /** What reads the shuffle, as the message of a non-KV element names it. */
    private readonly consumer = "GroupByKey",
  ) {}

  receive(value: unknown, timestamp: Instant, window: BoundedWindow, _pane: PaneInfo): void {
    let key: unknown;
    try {
      key = keyOf(value, this.consumer);
    } catch (e) {
      throw userCodeError(this.step, e, { value });
    }
    this.writer.write(key, window, timestamp, (value as { value: unknown }).value, value);
  }

  async setup(): Promise<void> {}
  async startBundle(): Promise<void> {}
  async finishBundle(): Promise<void> {
    this.writer.commit();
  }
  async teardown(_reason: TeardownReason): Promise<void> {}
}
