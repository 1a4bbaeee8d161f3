/**
 * The tables of a columnar state or timer snapshot: each key and each namespace is written once, and cells and
 * timers refer to them by index in typed columns. Checkpointing resident state is on the parallel runners' hot
 * path, and msgpack's structured clone mode pays per object (it tracks every object for shared references): a
 * snapshot as a tuple per cell cost about fifteen small arrays per session-window key and packed at ~20 MB/s.
 * @module
 */
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import { KeyedMap } from "../key-encoding.js";
import { decodeNamespace, encodeNamespace, KEY_NAMESPACE, type NamespaceData, type StateNamespace } from "./state-namespace.js";
import type { StateSnapshot } from "./state-internals.js";

/** Each key and namespace of a snapshot once, in the order first met. */
export class SnapshotTables {
  readonly keys: unknown[] = [];
  readonly namespaces: NamespaceData[] = [];
  private readonly keyIndex = new KeyedMap<number>();
  private readonly namespaceIndex = new Map<string, number>();
  private lastKey: unknown;
  private lastKeyIndex = -1;
  private keyNamespace = -1;

  constructor(private readonly windowFn: WindowFn) {}

  /** The index of `key` in {@link SnapshotTables.keys}, added if new. */
  key(key: unknown): number {
    if (this.lastKeyIndex >= 0 && key === this.lastKey) return this.lastKeyIndex;
    let i = this.keyIndex.get(key);
    if (i === undefined) {
      i = this.keys.length;
      this.keys.push(key);
      this.keyIndex.set(key, i);
    }
    this.lastKey = key;
    this.lastKeyIndex = i;
    return i;
  }

  /** Adds a key that is not in the table (the caller walks distinct keys), without indexing it. */
  distinctKey(key: unknown): number {
    return this.keys.push(key) - 1;
  }

  /** The index of `namespace` in {@link SnapshotTables.namespaces}, added (encoded) if new. */
  namespace(namespace: StateNamespace): number {
    if (namespace === KEY_NAMESPACE) {
      if (this.keyNamespace < 0) this.keyNamespace = this.namespaces.push(null) - 1;
      return this.keyNamespace;
    }
    let i = this.namespaceIndex.get(namespace.id);
    if (i === undefined) {
      i = this.namespaces.length;
      this.namespaces.push(encodeNamespace(namespace, this.windowFn));
      this.namespaceIndex.set(namespace.id, i);
    }
    return i;
  }
}

/** Decodes a snapshot's namespace table once (cells of one window then share one window object). */
export function decodeNamespaces(table: readonly NamespaceData[], windowFn: WindowFn): StateNamespace[] {
  return table.map((d) => decodeNamespace(d, windowFn));
}

/** The cells of a state snapshot while it is taken, in the order they are met. */
export class CellColumns {
  private readonly key: number[] = [];
  private readonly namespace: number[] = [];
  private readonly tag: number[] = [];
  private readonly data: unknown[] = [];

  push(key: number, namespace: number, tag: number, data: unknown): void {
    this.key.push(key);
    this.namespace.push(namespace);
    this.tag.push(tag);
    this.data.push(data);
  }

  /** The snapshot: `tags` are the ids the tag indexes refer to. */
  snapshot(step: string, tables: SnapshotTables, tags: string[]): StateSnapshot {
    return { v: 2, step, keys: tables.keys, namespaces: tables.namespaces, tags, key: Uint32Array.from(this.key), namespace: Uint32Array.from(this.namespace), tag: Uint32Array.from(this.tag), data: this.data };
  }
}

/**
 * Calls `restore` for each cell of a state snapshot, in its order, with the key, the decoded namespace (one
 * object per namespace) and the tag id.
 */
export function forEachCell(snapshot: StateSnapshot, windowFn: WindowFn, restore: (key: unknown, namespace: StateNamespace, tag: string, data: unknown) => void): void {
  const namespaces = decodeNamespaces(snapshot.namespaces, windowFn);
  const { keys, key, namespace, tags, tag, data } = snapshot;
  for (let i = 0; i < data.length; i++) restore(keys[key[i]!], namespaces[namespace[i]!]!, tags[tag[i]!]!, data[i]);
}
