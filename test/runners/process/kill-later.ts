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
