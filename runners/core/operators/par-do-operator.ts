/**
 * Runs a DoFn: the lifecycle, the process context, tagged outputs, side inputs, metrics scoping, timestamp rules
 * and error attribution.
 * @module
 */
import type { DoFn, FinishBundleContext, OutputOptions, ProcessContext, StartBundleContext, TeardownReason } from "../../../sdk/model/dofn.js";
import type { PCollectionView } from "../../../sdk/model/view.js";
import type { ParDoNode } from "../../../sdk/graph.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import { GLOBAL_WINDOW } from "../../../sdk/model/window.js";
import { NO_FIRING, type PaneInfo } from "../../../sdk/model/pane.js";
import { formatInstant, isValidTimestamp, type Instant } from "../../../sdk/model/time.js";
import { metricsEnvironment, type MetricsContainer } from "../../../sdk/metrics.js";
import type { Receiver } from "../receiver.js";
import { userCodeError, UserCodeError } from "../user-code-error.js";
import { isThenable, settleWithin, TaskTimeoutError } from "../liveness.js";
import { PROCESS_RETURNED_PROMISE } from "../../../sdk/internal/sync-process.js";
import type { Operator } from "./operator.js";
import { takeDoFnInstance } from "./dofn-instances.js";

/** Reads side inputs for a window; provided by the runner (the values must be complete for that window). */
export interface SideInputReader {
  get<V>(view: PCollectionView<V>, mainWindow: BoundedWindow): V;
}

type AnyDoFn = DoFn<unknown, unknown, Record<string, unknown>>;

/**
 * One DoFn instance and its outputs. The process context is a single object reused for every element: user code
 * must not keep it past `process`.
 */
export class ParDoOperator implements Operator, ProcessContext<unknown, Record<string, unknown>> {
  readonly step: string;
  // The current element's metadata, read by the context getters.
  timestamp: Instant = 0;
  window: BoundedWindow = GLOBAL_WINDOW;
  pane: PaneInfo = NO_FIRING;
  /** The instance this operator runs: never set up twice, never another operator's (`dofn-instances.ts`). */
  private doFn: AnyDoFn;
  /** What the step applied, copied for each instance after the first. */
  private readonly appliedDoFn: AnyDoFn;
  /** Whether `doFn` has been set up (then torn down, if `isSetUp` is false): a later setup takes a fresh instance. */
  private wasSetUp = false;
  private readonly sideInputViews: ReadonlySet<PCollectionView<unknown>>;
  private readonly skew: number;
  private isSetUp = false;
  /**
   * Set for good once user code was abandoned: a `process` that returned a promise, or a lifecycle call that did
   * not settle in time. Whatever it emits later (the run has failed by then) is refused, so it can neither reach
   * downstream steps nor leave its metrics container installed.
   */
  private abandoned = false;

  constructor(
    transform: ParDoNode,
    /** Receivers of the outputs, by tag. */
    private readonly outputs: Readonly<Record<string, Receiver>>,
    private readonly metrics: MetricsContainer,
    private readonly sideInputs: SideInputReader,
    /** How long an async lifecycle method may take to settle (`--taskTimeout`), in ms; 0 for no limit. */
    private readonly lifecycleTimeoutMs: number,
  ) {
    this.step = transform.fullName;
    this.appliedDoFn = transform.doFn;
    this.doFn = takeDoFnInstance(transform.doFn);
    this.sideInputViews = new Set(transform.sideInputs);
    this.skew = transform.doFn.allowedTimestampSkew ?? 0;
    this.main = outputs[transform.mainTag]!;
  }

  private readonly main: Receiver;

  async setup(): Promise<void> {
    if (this.isSetUp) return;
    if (this.wasSetUp) this.doFn = takeDoFnInstance(this.appliedDoFn);
    this.isSetUp = true;
    this.wasSetUp = true;
    await this.callLifecycle("setup", () => this.doFn.setup?.());
  }

  async startBundle(): Promise<void> {
    if (!this.doFn.startBundle) return;
    const ctx: StartBundleContext = { sideInput: (view) => this.readSideInput(view, GLOBAL_WINDOW) };
    await this.callLifecycle("startBundle", () => this.doFn.startBundle!(ctx));
  }

  receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void {
    const previous = metricsEnvironment.current;
    metricsEnvironment.current = this.metrics;
    this.timestamp = timestamp;
    this.window = window;
    this.pane = pane;
    try {
      // process is synchronous by contract; a promise returned here would lose what it emits after an await.
      const returned: unknown = this.doFn.process(value, this);
      if (returned !== undefined && isThenable(returned)) {
        this.abandoned = true;
        returned.then(undefined, () => undefined); // refused: its own failure must not surface as an unhandled rejection
        throw new TypeError(PROCESS_RETURNED_PROMISE);
      }
    } catch (e) {
      throw userCodeError(this.step, e, { value });
    } finally {
      metricsEnvironment.current = previous;
    }
  }

  async finishBundle(): Promise<void> {
    if (!this.doFn.finishBundle) return;
    const ctx: FinishBundleContext<unknown, Record<string, unknown>> = {
      output: (value, timestamp, window) => this.emitExplicit(this.main, value, timestamp, window),
      outputTo: (tag, value, timestamp, window) => this.emitExplicit(this.tagged(tag), value, timestamp, window),
    };
    await this.callLifecycle("finishBundle", () => this.doFn.finishBundle!(ctx));
  }

  async teardown(reason: TeardownReason): Promise<void> {
    if (!this.isSetUp || !this.doFn.teardown) return;
    this.isSetUp = false;
    try {
      await this.callLifecycle("teardown", () => this.doFn.teardown!({ reason }));
    } catch {
      // Teardown is best effort (as in Beam): a failing teardown must not hide the job's real outcome.
    }
  }

  // ---- ProcessContext ----

  output(value: unknown): void {
    this.emit(this.main, value, this.timestamp);
  }

  outputWithTimestamp(value: unknown, timestamp: Instant): void {
    checkOutputTimestamp(this.timestamp, timestamp, this.skew);
    this.emit(this.main, value, timestamp);
  }

  outputTo(tag: string, value: unknown, options?: OutputOptions): void {
    const timestamp = options?.timestamp;
    if (timestamp === undefined) return this.emit(this.tagged(tag), value, this.timestamp);
    checkOutputTimestamp(this.timestamp, timestamp, this.skew, `outputTo('${tag}')`);
    this.emit(this.tagged(tag), value, timestamp);
  }

  sideInput<V>(view: PCollectionView<V>): V {
    return this.readSideInput(view, this.window);
  }

  // ---- internals ----

  private emit(to: Receiver, value: unknown, timestamp: Instant): void {
    if (this.abandoned) throw new Error(ABANDONED);
    to.receive(value, timestamp, this.window, this.pane);
    metricsEnvironment.current = this.metrics; // downstream steps set their own container
  }

  private emitExplicit(to: Receiver, value: unknown, timestamp: Instant, window: BoundedWindow): void {
    if (this.abandoned) throw new Error(ABANDONED);
    if (!isValidTimestamp(timestamp)) throw new RangeError(`finishBundle output: invalid timestamp ${String(timestamp)}`);
    if (!window || typeof window.maxTimestamp !== "function") throw new TypeError("finishBundle output needs a window");
    to.receive(value, timestamp, window, NO_FIRING);
    metricsEnvironment.current = this.metrics;
  }

  private tagged(tag: string): Receiver {
    const r = Object.hasOwn(this.outputs, tag) ? this.outputs[tag] : undefined;
    if (!r) throw new Error(`unknown output tag '${tag}'; declared tags: ${Object.keys(this.outputs).join(", ")}`);
    return r;
  }

  private readSideInput<V>(view: PCollectionView<V>, window: BoundedWindow): V {
    if (!this.sideInputViews.has(view as PCollectionView<unknown>)) {
      throw new Error(`side input ${view?.pcollection?.id ?? String(view)} was not passed to this ParDo (list it in sideInputs)`);
    }
    return this.sideInputs.get(view, window);
  }

  private async callLifecycle(method: string, fn: () => unknown): Promise<void> {
    const previous = metricsEnvironment.current;
    metricsEnvironment.current = this.metrics;
    try {
      const returned = fn();
      if (isThenable(returned)) await settleWithin(this.step, method, returned, this.lifecycleTimeoutMs);
    } catch (e) {
      if (e instanceof TaskTimeoutError) this.abandoned = true;
      throw e instanceof UserCodeError ? e : userCodeError(this.step, withContext(e, method));
    } finally {
      metricsEnvironment.current = previous;
    }
  }
}

const ABANDONED = "output after the DoFn's call was abandoned (it returned a promise, or did not settle within --taskTimeout)";

function withContext(e: unknown, method: string): unknown {
  // A timeout's message names the method already.
  if (e instanceof Error && !(e instanceof TaskTimeoutError) && !e.message.startsWith(`${method}: `)) e.message = `${method}: ${e.message}`;
  return e;
}

/**
 * Beam's rule for `outputWithTimestamp` (and `outputTo` with a timestamp), the same in a ParDo and in a stateful
 * DoFn's callbacks: a valid timestamp, no earlier than the input's minus the DoFn's allowed skew. `method` names
 * the call in the message.
 * @throws RangeError naming both timestamps and the skew
 */
export function checkOutputTimestamp(input: Instant, output: Instant, skew: number, method = "outputWithTimestamp"): void {
  if (!isValidTimestamp(output)) {
    throw new RangeError(`${method}: invalid timestamp ${String(output)} (an integer number of ms within the Date range is required)`);
  }
  if (output < input - skew) {
    throw new RangeError(
      `${method}: cannot move a timestamp backwards from ${formatInstant(input)} to ${formatInstant(output)} ` +
        `(allowed skew ${skew} ms; set allowedTimestampSkew on the DoFn to allow it)`,
    );
  }
}
