/**
 * Panes: each firing of a trigger for one key and window produces one pane, described by a {@link PaneInfo}.
 * @module
 */

/** When a pane fired relative to the watermark. */
export type PaneTiming = "EARLY" | "ON_TIME" | "LATE" | "UNKNOWN";

/** Where a pane stands among the firings of its key and window. Immutable. */
export interface PaneInfo {
  /** The first firing for this key and window. */
  readonly isFirst: boolean;
  /** The last firing: no more panes will follow for this key and window. */
  readonly isLast: boolean;
  /**
   * When it fired relative to the watermark: `EARLY` before the watermark passed the end of the window, `ON_TIME`
   * as it passed, `LATE` after; `UNKNOWN` for elements that did not come out of a trigger firing.
   */
  readonly timing: PaneTiming;
  /** 0 for the first pane, counting every firing. */
  readonly index: number;
  /** Counts only ON_TIME and LATE firings (-1 for EARLY ones). */
  readonly nonSpeculativeIndex: number;
}

/**
 * The pane of elements that have not been through a trigger firing: elements read from a source or created
 * directly.
 */
export const NO_FIRING: PaneInfo = Object.freeze({
  isFirst: true,
  isLast: true,
  timing: "UNKNOWN",
  index: 0,
  nonSpeculativeIndex: 0,
});

/** The pane a default trigger emits when the watermark passes the end of the window and no lateness is allowed. */
export const ON_TIME_AND_ONLY_FIRING: PaneInfo = Object.freeze({
  isFirst: true,
  isLast: true,
  timing: "ON_TIME",
  index: 0,
  nonSpeculativeIndex: 0,
});

/**
 * Builds a {@link PaneInfo}, reusing the shared constants for the common panes.
 * @example
 * paneInfo({ isFirst: true, isLast: false, timing: "EARLY", index: 0, nonSpeculativeIndex: -1 });
 */
export function paneInfo(p: PaneInfo): PaneInfo {
  if (p.isFirst && p.isLast && p.index === 0 && p.nonSpeculativeIndex === 0) {
    if (p.timing === "ON_TIME") return ON_TIME_AND_ONLY_FIRING;
    if (p.timing === "UNKNOWN") return NO_FIRING;
  }
  return Object.freeze({ ...p });
}
