/**
 * Assigns windows: one copy of the element per window its WindowFn returns.
 * @module
 */
import type { AssignWindowsNode } from "../../../sdk/graph.js";
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { PaneInfo } from "../../../sdk/model/pane.js";
import type { Instant } from "../../../sdk/model/time.js";
import type { Receiver } from "../receiver.js";
import { userCodeError } from "../user-code-error.js";
import type { Operator } from "./operator.js";

export class AssignWindowsOperator implements Operator {
  readonly step: string;
  private readonly windowFn: WindowFn;

  constructor(
    transform: AssignWindowsNode,
    private readonly output: Receiver,
  ) {
    this.step = transform.fullName;
    this.windowFn = transform.windowFn;
  }

  receive(value: unknown, timestamp: Instant, _window: BoundedWindow, pane: PaneInfo): void {
    let windows: readonly BoundedWindow[];
    try {
      windows = this.windowFn.assignWindows(timestamp, value);
    } catch (e) {
      throw userCodeError(this.step, e, { value });
    }
    for (let i = 0; i < windows.length; i++) this.output.receive(value, timestamp, windows[i]!, pane);
  }

  async setup(): Promise<void> {}
  async startBundle(): Promise<void> {}
  async finishBundle(): Promise<void> {}
  async teardown(): Promise<void> {}
}
