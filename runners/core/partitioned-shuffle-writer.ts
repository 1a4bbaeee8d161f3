/**
 * The writing side of a shuffle: records are partitioned into key groups by the hash of their key's
 * deterministic encoding, buffered per key group, and handed to the transport once per key group when the bundle
 * commits — so every record of a key, whichever worker wrote it, lands in the same key group. The transport
 * decides what a committed key group becomes (the direct runner keeps the array, the parallel runners encode it).
 * @module
 */
import type { BoundedWindow } from "../../sdk/model/window.js";
import type { Instant } from "../../sdk/model/time.js";
import type { TimestampCombiner } from "../../sdk/model/windowing-strategy.js";
import { keyHash } from "./key-encoding.js";
import type { ShuffleWriter } from "./shuffle.js";

/** A committed key group's records: flat `[key, window, timestamp, value, ...]` (the element for `wholeElements`). */
export interface CommittedRecords {
  readonly partition: number;
  readonly records: unknown[];
  /** The earliest output timestamp the records may produce downstream of the grouping. */
  readonly hold: Instant;
}

/** How many records a writer buffers before committing them, so a large bundle's shuffle output never piles up. */
const FLUSH_RECORDS = 65_536;

export class PartitionedShuffleWriter implements ShuffleWriter {
  /** Per key group: flat `[key, window, timestamp, value, ...]` of the current bundle. */
  private readonly buffers: unknown[][];
  private readonly holds: Instant[];
  /** Records buffered across key groups; past {@link FLUSH_RECORDS} they are committed early to bound memory. */
  private buffered = 0;

  constructor(
    private readonly partitions: number,
    private readonly timestampCombiner: TimestampCombiner,
    /** Receives each committed key group. */
    private readonly onCommit: (committed: CommittedRecords) => void,
    /**
     * Keep each record's whole KV element in the value slot instead of its value: for a transport that encodes
     * the GroupByKey input with its own coder (`setCoder`), which encodes whole elements.
     */
    private readonly wholeElements = false,
  ) {
    this.buffers = Array.from({ length: partitions }, () => []);
    this.holds = new Array<Instant>(partitions).fill(Infinity);
  }

  write(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown, element?: unknown): void {
    const p = this.partitions === 1 ? 0 : keyHash(key) % this.partitions;
    this.buffers[p]!.push(key, window, timestamp, this.wholeElements ? element : value);
    const hold = this.timestampCombiner === "END_OF_WINDOW" ? window.maxTimestamp() : timestamp;
    if (hold < this.holds[p]!) this.holds[p] = hold;
    // A bundle's outputs only count once it succeeds, so committing some of them early is safe.
    if (++this.buffered >= FLUSH_RECORDS) this.commit();
  }

  commit(): void {
    this.buffered = 0;
    for (let p = 0; p < this.partitions; p++) {
      const records = this.buffers[p]!;
      if (records.length === 0) continue;
      this.onCommit({ partition: p, records, hold: this.holds[p]! });
      this.buffers[p] = [];
      this.holds[p] = Infinity;
    }
  }
}

/** Calls `each` for every record of a flat `[key, window, timestamp, value, ...]` array. */
export function forEachFlatRecord(
  records: readonly unknown[],
  each: (key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown) => void,
): void {
  for (let i = 0; i < records.length; i += 4) each(records[i], records[i + 1] as BoundedWindow, records[i + 2] as Instant, records[i + 3]);
}
