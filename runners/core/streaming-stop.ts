/**
 * How a run that reads unbounded sources stops before its sources finish: after `--maxDuration`
 * seconds, or on Ctrl-C (SIGINT). With `--drain` a stop is a drain: the job stops its sources, the watermark
 * advances to +∞ and open windows fire as their triggers say, and the run completes normally. Without it the run
 * ends at once and rejects with one line saying why.
 *
 * ```
 *   running ──(deadline | SIGINT)──▶ stop requested ──┬─ --drain ──▶ draining ──(SIGINT again)──▶ aborted
 *                                                      └─ otherwise ─────────────────────────────▶ aborted
 * ```
 *
 * The job polls this between rounds ({@link StreamingStop.action}), so a stop never cuts a bundle in half. A busy
 * run never waits on the event loop on its own (readers answer at once), so the job also calls
 * {@link StreamingStop.breathe} between rounds, which lets the SIGINT handler run.
 * @module
 */
import { PipelineError } from "../../sdk/runner-api.js";

/** What the job should do now. */
export type StopAction = "run" | "drain" | "abort";

/** How long a busy run may go without letting the event loop deliver signals, in ms. */
const BREATHE_EVERY_MS = 25;

/** The stop controls of one run. Install before the run's loop, uninstall after it, whatever happens. */
export class StreamingStop {
  /** Why the run was asked to stop (`--maxDuration (2 s)`, `SIGINT (Ctrl-C)`), or undefined while it runs. */
  private reason: string | undefined;
  /** Set when the run must end at once: a stop without `--drain`, or a second SIGINT while draining. */
  private abortMessage: string | undefined;
  /** `Date.now()` after which the run is stopped, or Infinity without `--maxDuration`. */
  private readonly deadline: number;
  /** `performance.now()` when the event loop last ran. */
  private lastBreath = performance.now();
  private installed = false;

  constructor(
    private readonly options: {
      /** Seconds the run may last (`--maxDuration`), if limited. */
      readonly maxDurationSec: number | undefined;
      /** `--drain`. */
      readonly drain: boolean;
      /** `--quiet`: no note on stderr when a drain starts. */
      readonly quiet: boolean;
    },
    startedAt: number = Date.now(),
  ) {
    this.deadline = options.maxDurationSec === undefined ? Infinity : startedAt + options.maxDurationSec * 1000;
  }

  /** Starts listening for SIGINT; while it listens, Ctrl-C no longer kills the process but stops the run. */
  install(): void {
    if (this.installed) return;
    process.on("SIGINT", this.onSigint);
    this.installed = true;
  }

  /** Stops listening for SIGINT, restoring what Ctrl-C did before the run. */
  uninstall(): void {
    if (!this.installed) return;
    process.off("SIGINT", this.onSigint);
    this.installed = false;
  }

  /** What to do now: keep running, drain (once asked, every call says so until the run ends) or abort. */
  action(now: number = Date.now()): StopAction {
    if (this.reason === undefined && now >= this.deadline) this.requestStop(`--maxDuration (${this.options.maxDurationSec} s)`);
    if (this.abortMessage !== undefined) return "abort";
    return this.reason === undefined ? "run" : "drain";
  }

  /** The error an aborted run rejects with. */
  abortError(): PipelineError {
    return new PipelineError(this.abortMessage ?? "internal: the run was not aborted");
  }

  /** Milliseconds until the deadline (Infinity without one): an idle run sleeps no longer than this. */
  msUntilDeadline(now: number = Date.now()): number {
    return this.reason === undefined ? Math.max(0, this.deadline - now) : Infinity;
  }

  /** Lets the event loop run (signals, timers) if the run has kept it busy for a while. */
  async breathe(): Promise<void> {
    const now = performance.now();
    if (now - this.lastBreath < BREATHE_EVERY_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.lastBreath = performance.now();
  }

  /** Notes that the event loop just ran (the job slept), so {@link breathe} need not yield soon. */
  breathed(): void {
    this.lastBreath = performance.now();
  }

  private readonly onSigint = (): void => {
    if (this.reason === undefined) this.requestStop("SIGINT (Ctrl-C)");
    else if (this.options.drain && this.abortMessage === undefined) {
      this.abortMessage = `stopped by a second SIGINT (Ctrl-C) while draining; open windows were not all fired`;
    }
  };

  private requestStop(reason: string): void {
    this.reason = reason;
    if (!this.options.drain) {
      this.abortMessage = `stopped by ${reason}; run with --drain to fire open windows`;
    } else if (!this.options.quiet) {
      process.stderr.write(`stopped by ${reason}: draining (sources stopped, firing open windows; Ctrl-C again to stop at once)\n`);
    }
  }
}
