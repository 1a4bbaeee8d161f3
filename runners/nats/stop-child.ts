/**
 * Stopping a child process: SIGTERM (it leaves the registry and drains its connection), then SIGKILL if it is
 * still there after a grace.
 * @module
 */
import type { ChildProcess } from "node:child_process";

/** Asks `child` to stop, kills it after `graceMs`, and resolves once it has exited. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), graceMs).unref();
  });
}
