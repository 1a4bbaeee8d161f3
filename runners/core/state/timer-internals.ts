/**
 * Timers behind one interface (Beam's `TimerInternals`): timers addressed by (key, namespace, family, id,
 * domain), each with a firing time and an optional output timestamp that holds the output watermark while the
 * timer is pending; and the clocks the timers are judged by. The grouping drivers set their end-of-window,
 * trigger and garbage-collection timers here, and a stateful DoFn's event-time and processing-time timers (with
 * output timestamps and timer families) sit on the same interface (`stateful-dofn-side.ts`).
 *
 * Semantics (Beam's `InMemoryTimerInternals`):
 * - A timer fires once its domain's clock is strictly after its firing time.
 * - Setting a timer that exists (same address) replaces it; setting it again with the same times is a no-op.
 * - Eligible timers come out in firing-time order, ties in the order they were set.
 * @module
 */
import { TIMESTAMP_MIN_VALUE, type Instant } from "../../../sdk/model/time.js";
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import { KeyedMap, keyHash } from "../key-encoding.js";
import { InMemoryHolds } from "./holds.js";
import { IndexedMinHeap, type HeapSlot } from "./min-heap.js";
import { removeItem, withItem } from "./remove-item.js";
import type { NamespaceData, StateNamespace } from "./state-namespace.js";
import { decodeNamespaces, SnapshotTables } from "./snapshot-tables.js";
import type { KeyGroupSelector } from "./state-internals.js";

/** The time domain of a timer. */
export type TimeDomain = "EVENT_TIME" | "PROCESSING_TIME";

/** One pending (or just fired) timer. */
export interface TimerData {
  readonly key: unknown;
  readonly namespace: StateNamespace;
  /** The timer family (Beam's timer family id; `""` for a timer in no family). */
  readonly family: string;
  /** The timer's id within its family. */
  readonly id: string;
  readonly domain: TimeDomain;
  /** When it fires: once the domain's clock is after it. */
  readonly firingTime: Instant;
  /** While pending, the output watermark may not pass it (`undefined`: the timer holds nothing). */
  readonly outputTimestamp: Instant | undefined;
}

/** The timers and clocks of one step for one key group; see the module documentation. */
export interface TimerInternals {
  /** Sets (or replaces) the timer at an address. */
  setTimer(key: unknown, namespace: StateNamespace, family: string, id: string, domain: TimeDomain, firingTime: Instant, outputTimestamp?: Instant): void;
  /** Deletes one timer (no-op if it is not set). */
  deleteTimer(key: unknown, namespace: StateNamespace, family: string, id: string, domain: TimeDomain): void;
  /** Deletes every timer of `key` in `namespace` (of one domain, if given): a window merged away or collected. */
  deleteTimers(key: unknown, namespace: StateNamespace, domain?: TimeDomain): void;
  /** The earliest pending firing time in `domain`, or `undefined`. */
  nextFiringTime(domain: TimeDomain): Instant | undefined;
  /** Removes and returns the earliest timer of `domain` firing before `limit`, or `undefined`. */
  popEligible(domain: TimeDomain, limit: Instant): TimerData | undefined;
  /** The earliest output timestamp of a pending timer, or `TIMESTAMP_MAX_VALUE`. */
  minimumOutputTimestamp(): Instant;
  /** Whether no timer is pending. */
  readonly isEmpty: boolean;
  /** The input watermark (event time's clock). */
  readonly inputWatermark: Instant;
  /** The output watermark as the step computes it (monotone). */
  readonly outputWatermark: Instant;
  /** Processing time, as of the last advance. */
  readonly processingTime: Instant;
  /** Moves a clock forward (never back). */
  advanceInputWatermark(t: Instant): void;
  advanceOutputWatermark(t: Instant): void;
  advanceProcessingTime(t: Instant): void;
  /** The timers (of a key group, if given) and the clocks as plain, msgpack-encodable data. */
  snapshot(select?: KeyGroupSelector): TimerSnapshot;
}

/**
 * A snapshot of a {@link TimerInternals}, in columns (`snapshot-tables.ts`): timer `i`, in the order they were
 * set, is timer `id[i]` of family `families[family[i]]` in domain `domain[i]` (0: event time, 1: processing
 * time), at `keys[key[i]]` and `namespaces[namespace[i]]`, firing at `firing[i]` with output timestamp `output[i]`
 * (NaN: none).
 */
export interface TimerSnapshot {
  readonly v: 2;
  /** Input watermark, output watermark, processing time. */
  readonly clocks: [Instant, Instant, Instant];
  readonly keys: unknown[];
  readonly namespaces: NamespaceData[];
  readonly families: string[];
  readonly key: Uint32Array;
  readonly namespace: Uint32Array;
  readonly family: Uint32Array;
  readonly id: string[];
  readonly domain: Uint8Array;
  readonly firing: Float64Array;
  readonly output: Float64Array;
}

class Entry implements TimerData, HeapSlot {
  heapIndex = -1;
  constructor(
    readonly key: unknown,
    readonly namespace: StateNamespace,
    readonly family: string,
    readonly id: string,
    readonly domain: TimeDomain,
    readonly firingTime: Instant,
    readonly outputTimestamp: Instant | undefined,
    readonly seq: number,
  ) {}
}

/**
 * A namespace's live timers. A window has a handful (end of window, garbage collection, a trigger deadline), so a
 * small array searched by address beats maps of maps.
 */
type NamespaceTimers = Entry[];
/** A key's timers: one non-empty list per namespace (a key has a handful of windows: a list beats a map). */
type KeyTimers = NamespaceTimers[];

/** The key's timers in `namespace`, if it has any. */
function timersIn(kt: KeyTimers, namespace: StateNamespace): NamespaceTimers | undefined {
  const id = namespace.id;
  for (let i = 0; i < kt.length; i++) {
    const ns = kt[i]![0]!.namespace;
    if (ns === namespace || ns.id === id) return kt[i];
  }
  return undefined;
}

function find(nt: NamespaceTimers, family: string, id: string, domain: TimeDomain): number {
  for (let i = 0; i < nt.length; i++) {
    const e = nt[i]!;
    if (e.domain === domain && e.id === id && e.family === family) return i;
  }
  return -1;
}

const NO_KEY = Symbol("none");

const earlier = (a: Entry, b: Entry): boolean => a.firingTime < b.firingTime || (a.firingTime === b.firingTime && a.seq < b.seq);

/**
 * {@link TimerInternals} in memory: an index of live timers by key and namespace, and a heap per domain that a
 * deleted or replaced timer leaves at once (a session window's timers move with each element it gets).
 */
export class InMemoryTimerInternals implements TimerInternals {
  /** Invariant: an entry is in `byKey` exactly when it is in its domain's heap. */
  private readonly byKey = new KeyedMap<KeyTimers>();
  private readonly heaps = { EVENT_TIME: new IndexedMinHeap<Entry>(earlier), PROCESSING_TIME: new IndexedMinHeap<Entry>(earlier) };
  private readonly outputHolds = new InMemoryHolds<Entry>();
  private seq = 0;
  private live = 0;
  /** The last (key, namespace) a timer was set for, and its timers (a one-entry cache; reset when they go). */
  private lastKey: unknown = NO_KEY;
  private lastNs: StateNamespace | undefined;
  private lastTimers: NamespaceTimers | undefined;
  /** The last key whose timers were looked up, and its timers (`undefined`: none). */
  private ktKey: unknown = NO_KEY;
  private kt: KeyTimers | undefined;
  inputWatermark: Instant = TIMESTAMP_MIN_VALUE;
  outputWatermark: Instant = TIMESTAMP_MIN_VALUE;
  processingTime: Instant = TIMESTAMP_MIN_VALUE;

  constructor(private readonly windowFn: WindowFn) {}

  /** Timers and clocks from {@link InMemoryTimerInternals.snapshot}. */
  static restore(s: TimerSnapshot, windowFn: WindowFn): InMemoryTimerInternals {
    if (s?.v !== 2) throw new Error("internal: not a timer snapshot");
    const t = new InMemoryTimerInternals(windowFn);
    [t.inputWatermark, t.outputWatermark, t.processingTime] = s.clocks;
    const namespaces = decodeNamespaces(s.namespaces, windowFn);
    for (let i = 0; i < s.firing.length; i++) {
      const output = s.output[i]!;
      t.setTimer(s.keys[s.key[i]!], namespaces[s.namespace[i]!]!, s.families[s.family[i]!]!, s.id[i]!, s.domain[i] === 0 ? "EVENT_TIME" : "PROCESSING_TIME", s.firing[i]!, Number.isNaN(output) ? undefined : output);
    }
    return t;
  }

  setTimer(key: unknown, namespace: StateNamespace, family: string, id: string, domain: TimeDomain, firingTime: Instant, outputTimestamp?: Instant): void {
    let kt: KeyTimers | undefined;
    let nt: NamespaceTimers | undefined;
    if (key === this.lastKey && namespace === this.lastNs) {
      nt = this.lastTimers;
    } else {
      kt = this.keyTimers(key);
      nt = kt && timersIn(kt, namespace);
    }
    const i = nt ? find(nt, family, id, domain) : -1;
    if (i >= 0 && nt![i]!.firingTime === firingTime && nt![i]!.outputTimestamp === outputTimestamp) return;
    const e = new Entry(key, namespace, family, id, domain, firingTime, outputTimestamp, this.seq++);
    if (i >= 0) {
      this.kill(nt![i]!);
      nt![i] = e;
    } else {
      const grown = nt ? withItem(nt, e) : [e];
      kt ??= this.keyTimers(key);
      if (kt === undefined) this.setKeyTimers(key, [grown]);
      else if (nt === undefined) this.setKeyTimers(key, withItem(kt, grown));
      else kt[kt.indexOf(nt)] = grown;
      nt = grown;
    }
    this.lastKey = key;
    this.lastNs = namespace;
    this.lastTimers = nt;
    this.live++;
    this.heaps[domain].push(e);
    if (outputTimestamp !== undefined) this.outputHolds.set(e, outputTimestamp);
  }

  deleteTimer(key: unknown, namespace: StateNamespace, family: string, id: string, domain: TimeDomain): void {
    const kt = this.keyTimers(key);
    const nt = kt && timersIn(kt, namespace);
    const i = nt ? find(nt, family, id, domain) : -1;
    if (i >= 0) this.remove(nt![i]!);
  }

  deleteTimers(key: unknown, namespace: StateNamespace, domain?: TimeDomain): void {
    const kt = this.keyTimers(key);
    const nt = kt && timersIn(kt, namespace);
    if (!nt) return;
    // Backwards: `remove` fills a hole with the list's last item, which was already looked at.
    for (let i = nt.length - 1; i >= 0; i--) {
      const e = nt[i]!;
      if (domain === undefined || e.domain === domain) this.remove(e);
    }
  }

  nextFiringTime(domain: TimeDomain): Instant | undefined {
    return this.top(domain)?.firingTime;
  }

  popEligible(domain: TimeDomain, limit: Instant): TimerData | undefined {
    const top = this.top(domain);
    if (top === undefined || !(top.firingTime < limit)) return undefined;
    this.remove(top);
    return top;
  }

  minimumOutputTimestamp(): Instant {
    return this.outputHolds.min();
  }

  get isEmpty(): boolean {
    return this.live === 0;
  }

  advanceInputWatermark(t: Instant): void {
    if (t > this.inputWatermark) this.inputWatermark = t;
  }
  advanceOutputWatermark(t: Instant): void {
    if (t > this.outputWatermark) this.outputWatermark = t;
  }
  advanceProcessingTime(t: Instant): void {
    if (t > this.processingTime) this.processingTime = t;
  }

  snapshot(select?: KeyGroupSelector): TimerSnapshot {
    const live: Entry[] = [];
    for (const kt of this.byKey.values()) {
      for (const nt of kt) {
        for (const e of nt) if (!select || keyHash(e.key) % select.keyGroups === select.keyGroup) live.push(e);
      }
    }
    live.sort((a, b) => a.seq - b.seq);
    const tables = new SnapshotTables(this.windowFn);
    const n = live.length;
    const families: string[] = [];
    const familyIndex = new Map<string, number>();
    const [key, namespace, family] = [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)];
    const id: string[] = new Array(n);
    const domain = new Uint8Array(n);
    const [firing, output] = [new Float64Array(n), new Float64Array(n)];
    for (let i = 0; i < n; i++) {
      const e = live[i]!;
      let f = familyIndex.get(e.family);
      if (f === undefined) familyIndex.set(e.family, (f = families.push(e.family) - 1));
      key[i] = tables.key(e.key);
      namespace[i] = tables.namespace(e.namespace);
      family[i] = f;
      id[i] = e.id;
      domain[i] = e.domain === "EVENT_TIME" ? 0 : 1;
      firing[i] = e.firingTime;
      output[i] = e.outputTimestamp ?? NaN;
    }
    return { v: 2, clocks: [this.inputWatermark, this.outputWatermark, this.processingTime], keys: tables.keys, namespaces: tables.namespaces, families, key, namespace, family, id, domain, firing, output };
  }

  private top(domain: TimeDomain): Entry | undefined {
    return this.heaps[domain].peek();
  }

  /** Removes a live entry from the index and its heap. */
  private remove(e: Entry): void {
    const kt = this.keyTimers(e.key)!;
    const nt = timersIn(kt, e.namespace)!;
    removeItem(nt, e);
    if (nt.length === 0) {
      removeItem(kt, nt);
      if (this.lastTimers === nt) {
        this.lastKey = NO_KEY;
        this.lastNs = undefined;
        this.lastTimers = undefined;
      }
      if (kt.length === 0) this.setKeyTimers(e.key, undefined);
    }
    this.kill(e);
  }

  /** A key's timers (the last key asked for is remembered: a window's timers are set and deleted together). */
  private keyTimers(key: unknown): KeyTimers | undefined {
    if (key === this.ktKey) return this.kt;
    this.ktKey = key;
    return (this.kt = this.byKey.get(key));
  }

  private setKeyTimers(key: unknown, kt: KeyTimers | undefined): void {
    if (kt === undefined) this.byKey.delete(key);
    else this.byKey.set(key, kt);
    this.ktKey = key;
    this.kt = kt;
  }

  /** Takes an entry out of its heap (it was removed from the index, or is being replaced there). */
  private kill(e: Entry): void {
    this.heaps[e.domain].remove(e);
    this.live--;
    if (e.outputTimestamp !== undefined) this.outputHolds.set(e, undefined);
  }
}
