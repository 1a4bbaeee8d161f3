/**
 * The lifted half of a combine that runs before the shuffle: accumulates the values of each key and window seen
 * in a bundle, and writes one accumulator per key and window to the shuffle at the end of the bundle (or earlier
 * when the table grows past its limit, to bound memory).
 * @module
 */
import type { TeardownReason } from "../../../sdk/model/dofn.js";
import type { CombineFn } from "../../../sdk/model/combine-fn.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { PaneInfo } from "../../../sdk/model/pane.js";
import type { Instant } from "../../../sdk/model/time.js";
import type { TimestampCombiner } from "../../../sdk/model/windowing-strategy.js";
import { KeyedMap } from "../key-encoding.js";
import type { ShuffleWriter } from "../shuffle.js";
import { userCodeError } from "../user-code-error.js";
import { keyOf } from "./shuffle-write-operator.js";
import type { Operator } from "./operator.js";

interface Entry {
  readonly key: unknown;
  readonly window: BoundedWindow;
  timestamp: Instant;
  accumulator: unknown;
}

/** Flush the table when it holds this many keys, so a bundle of distinct keys does not hold them all. */
const MAX_TABLE_SIZE = 50_000;

export class PartialCombineOperator implements Operator {
  /** Per window id: the bundle's entries by key. Cleared at every flush. */
  private readonly tables = new Map<string, KeyedMap<Entry>>();
  private size = 0;
  /** The table of the last element's window: most bundles hold one window, and a lookup by id per element shows. */
  private lastWindow: BoundedWindow | undefined;
  private lastTable: KeyedMap<Entry> | undefined;

  constructor(
    /** The combine step (named in errors and metrics). */
    readonly step: string,
    private readonly combineFn: CombineFn<unknown, unknown, unknown>,
    private readonly timestampCombiner: TimestampCombiner,
    private readonly writer: ShuffleWriter,
  ) {}

  receive(value: unknown, timestamp: Instant, window: BoundedWindow, _pane: PaneInfo): void {
    try {
      const key = keyOf(value);
      let table = window === this.lastWindow ? this.lastTable : this.tables.get(window.id);
      if (!table) this.tables.set(window.id, (table = new KeyedMap()));
      this.lastWindow = window;
      this.lastTable = table;
      let entry = table.get(key);
      if (!entry) {
        entry = { key, window, timestamp, accumulator: this.combineFn.createAccumulator() };
        table.set(key, entry);
        this.size++;
      } else if (this.timestampCombiner === "EARLIEST" ? timestamp < entry.timestamp : timestamp > entry.timestamp) {
        entry.timestamp = timestamp;
      }
      entry.accumulator = this.combineFn.addInput(entry.accumulator, (value as { value: unknown }).value);
    } catch (e) {
      throw userCodeError(this.step, e, { value });
    }
    if (this.size >= MAX_TABLE_SIZE) this.flush();
  }

  async setup(): Promise<void> {}
  async startBundle(): Promise<void> {}
  async finishBundle(): Promise<void> {
    this.flush();
    this.writer.commit();
  }
  async teardown(_reason: TeardownReason): Promise<void> {}

  private flush(): void {
    const compact = this.combineFn.compact?.bind(this.combineFn);
    try {
      for (const table of this.tables.values()) {
        for (const e of table.values()) {
          this.writer.write(e.key, e.window, e.timestamp, compact ? compact(e.accumulator) : e.accumulator);
        }
      }
    } catch (e) {
      throw userCodeError(this.step, e);
    }
    this.tables.clear();
    this.size = 0;
    this.lastWindow = this.lastTable = undefined;
  }
}
