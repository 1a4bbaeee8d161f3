/**
 * State namespaces: the scope of a cell within a key (Beam's `StateNamespace`). Window state lives in the
 * window's namespace, which is the window itself (one namespace per window id), so it can be iterated per window
 * for firing, cleared when the window expires, and merged when windows merge; state that outlives windows (a
 * merging key's set of active windows, a stateful DoFn's state in the global window) lives in
 * {@link KEY_NAMESPACE}.
 * @module
 */
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import { decodeWindowData, encodeWindowData, type WindowData } from "../../../sdk/model/window-coder.js";

/** The namespace of a key's state that belongs to no window (Beam's `StateNamespaces.global()`). */
export interface KeyNamespace {
  readonly kind: "key";
  /** Not a window id: window ids never start with a NUL. */
  readonly id: "\u0000key";
}

/** The key's window-independent namespace. */
export const KEY_NAMESPACE: KeyNamespace = Object.freeze({ kind: "key", id: "\u0000key" });

/** A window (its state is the window's) or {@link KEY_NAMESPACE}. Namespaces are equal when their ids are. */
export type StateNamespace = BoundedWindow | KeyNamespace;

/** Whether a namespace is a window's. */
export function isWindowNamespace(ns: StateNamespace): ns is BoundedWindow {
  return ns !== KEY_NAMESPACE;
}

/** A namespace as plain data: `null` for {@link KEY_NAMESPACE}, else its window's {@link WindowData}. */
export type NamespaceData = WindowData | null;

/**
 * Encodes a namespace for a snapshot.
 * @example
 * encodeNamespace(KEY_NAMESPACE, fn); // null
 */
export function encodeNamespace(ns: StateNamespace, windowFn: WindowFn): NamespaceData {
  return ns === KEY_NAMESPACE ? null : encodeWindowData(ns as BoundedWindow, windowFn);
}

/**
 * Decodes what {@link encodeNamespace} made.
 * @example
 * decodeNamespace([0, 10], fn).id; // "0:10"
 */
export function decodeNamespace(d: NamespaceData, windowFn: WindowFn): StateNamespace {
  return d === null ? KEY_NAMESPACE : decodeWindowData(d, windowFn);
}
