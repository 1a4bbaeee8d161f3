/**
 * The writing side of a shuffle in a worker: records are partitioned by the hash of their key's deterministic
 * encoding, buffered per partition, and encoded once per partition when the bundle commits — so every record of
 * a key, whichever worker wrote it, lands in the same partition.
 * @module
 */
import type { BoundedWindow } from "../../sdk/model/window.js";
import type { Instant } from "../../sdk/model/time.js";
import type { TimestampCombiner } from "../../sdk/model/windowing-strategy.js";
import { keyHash } from "../core/key-encoding.js";
import type { ShuffleWriter } from "../core/shuffle.js";
import { encodeShuffleRecords, encodeWindow, type EncodedWindow } from "./codec.js";

/** A committed partition's records. */
export interface PartitionBlob {
  readonly partition: number;
  readonly bytes: Uint8Array;
  readonly records: number;
  /** The earliest output timestamp the records may produce downstream of the grouping. */
  readonly hold: Instant;
}

/** How many records a writer buffers before encoding them, so a large bundle's shuffle output never piles up. */
const FLUSH_RECORDS = 65_536;

export class PartitionedShuffleWriter implements ShuffleWriter {
  /** Per partition: flat `[key, window, timestamp, value, ...]` of the current bundle. */
  private readonly buffers: unknown[][];
  private readonly holds: Instant[];
  /** Records buffered across partitions; past {@link FLUSH_RECORDS} they are encoded early to bound memory. */
  private buffered = 0;
  private lastWindow: BoundedWindow | undefined;
  private lastEncoded: EncodedWindow = 0;

  constructor(
    private readonly partitions: number,
    private readonly timestampCombiner: TimestampCombiner,
    /** Receives each committed partition. */
    private readonly onCommit: (blob: PartitionBlob) => void,
  ) {
    this.buffers = Array.from({ length: partitions }, () => []);
    this.holds = new Array<Instant>(partitions).fill(Infinity);
  }

  write(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void {
    const p = this.partitions === 1 ? 0 : keyHash(key) % this.partitions;
    if (window !== this.lastWindow) {
      this.lastWindow = window;
      this.lastEncoded = encodeWindow(window);
    }
    this.buffers[p]!.push(key, this.lastEncoded, timestamp, value);
    const hold = this.timestampCombiner === "END_OF_WINDOW" ? window.maxTimestamp() : timestamp;
    if (hold < this.holds[p]!) this.holds[p] = hold;
    // A task's outputs only count once the task succeeds, so encoding some of them early is safe.
    if (++this.buffered >= FLUSH_RECORDS) this.commit();
  }

  commit(): void {
    this.buffered = 0;
    for (let p = 0; p < this.partitions; p++) {
      const buffer = this.buffers[p]!;
      if (buffer.length === 0) continue;
      this.onCommit({ partition: p, bytes: encodeShuffleRecords(buffer), records: buffer.length / 4, hold: this.holds[p]! });
      this.buffers[p] = [];
      this.holds[p] = Infinity;
    }
  }
}
