import * as processRunner from "../../../runners/process/process-runner.js";

/** Kills one of the process runner's last pool's workers with SIGKILL after `delayMs`, if any is alive then; says whether it did. */
export function killLater(delayMs: number, pick: () => number): Promise<boolean> {
  return new Promise((resolve) =>
    setTimeout(() => {
      const pids = processRunner.lastPool?.pids() ?? [];
      if (pids.length === 0) return resolve(false);
      try {
        process.kill(pids[Math.floor(pick() * pids.length)]!, "SIGKILL");
        resolve(true);
      } catch {
        resolve(false);
      }
    }, delayMs),
  );
}

/**
 * Kills the first worker of the process runner's last pool seen idle (alive, no task in hand) within `withinMs`
 * after `delayMs`: it dies between tasks, so the pool replaces it silently before its next one. Says whether it did.
 */
export function killIdleLater(delayMs: number, withinMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = Date.now() + delayMs + withinMs;
    const poll = (): void => {
      const pid = processRunner.lastPool?.idlePids()[0];
      if (pid !== undefined) {
        try {
          process.kill(pid, "SIGKILL");
          return resolve(true);
        } catch {
          // gone meanwhile: look again
        }
      }
      if (Date.now() > deadline) return resolve(false);
      setTimeout(poll, 1);
    };
    setTimeout(poll, delayMs);
  });
}
