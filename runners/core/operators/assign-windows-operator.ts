/**
 * Assigns windows: one copy of the element per window its WindowFn returns.
 *
 * It also checks what the rest of the core relies on, failing at this step with the element: the element's
 * timestamp is valid (an integer within the Date range; an upstream runner or source could still produce a bad
 * one), and a custom WindowFn returns an array of real windows that end by the end of the global window (so
 * they can fire and be garbage collected). An empty array is allowed and drops the element, as in Beam.
 * @module
 */
import type { TeardownReason } from "../../../sdk/model/dofn.js";
import type { AssignWindowsNode } from "../../../sdk/graph.js";
import { GlobalWindows, type WindowFn } from "../../../sdk/model/window-fn.js";
import { FixedWindows, Sessions, SlidingWindows } from "../../../sdk/model/window-fns.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { PaneInfo } from "../../../sdk/model/pane.js";
import { END_OF_GLOBAL_WINDOW, formatInstant, isValidTimestamp, type Instant } from "../../../sdk/model/time.js";
import type { Receiver } from "../receiver.js";
import { userCodeError } from "../user-code-error.js";
import type { Operator } from "./operator.js";

export class AssignWindowsOperator implements Operator {
  readonly step: string;
  private readonly windowFn: WindowFn;
  /** Built-in WindowFns return valid windows by construction: skip the per-window checks on the hot path. */
  private readonly trusted: boolean;
  /** `configureWindowing`: elements keep their windows. */
  private readonly keepWindows: boolean;

  constructor(
    transform: AssignWindowsNode,
    private readonly output: Receiver,
  ) {
    this.step = transform.fullName;
    this.windowFn = transform.windowFn;
    const fn = this.windowFn;
    this.keepWindows = transform.keepWindows === true;
    this.trusted = fn instanceof FixedWindows || fn instanceof SlidingWindows || fn instanceof Sessions || fn instanceof GlobalWindows;
  }

  receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void {
    if (this.keepWindows) {
      this.output.receive(value, timestamp, window, pane);
      return;
    }
    if (!isValidTimestamp(timestamp)) {
      throw userCodeError(
        this.step,
        new RangeError(`invalid element timestamp ${String(timestamp)}: timestamps are integer milliseconds within the Date range`),
        { value },
      );
    }
    let windows: readonly BoundedWindow[];
    try {
      windows = this.windowFn.assignWindows(timestamp, value);
    } catch (e) {
      throw userCodeError(this.step, e, { value });
    }
    if (this.trusted) {
      for (let i = 0; i < windows.length; i++) this.output.receive(value, timestamp, windows[i]!, pane);
      return;
    }
    if (!Array.isArray(windows)) {
      throw userCodeError(this.step, new TypeError(`${this.windowFn.description}.assignWindows returned ${String(windows)}, not an array of windows`), { value });
    }
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      if (typeof w?.maxTimestamp !== "function" || typeof w.id !== "string") {
        throw userCodeError(this.step, new TypeError(`${this.windowFn.description}.assignWindows returned ${String(w)}, which is not a window (needs id and maxTimestamp())`), { value });
      }
      const end = w.maxTimestamp();
      if (!(end <= END_OF_GLOBAL_WINDOW) || !Number.isInteger(end)) {
        throw userCodeError(
          this.step,
          new RangeError(`${this.windowFn.description} assigned window ${w.id}, which ends at ${formatInstant(end)}: windows must end by the end of the global window`),
          { value },
        );
      }
      this.output.receive(value, timestamp, w, pane);
    }
  }

  async setup(): Promise<void> {}
  async startBundle(): Promise<void> {}
  async finishBundle(): Promise<void> {}
  async teardown(_reason: TeardownReason): Promise<void> {}
}
