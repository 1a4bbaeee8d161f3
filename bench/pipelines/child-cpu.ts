// CPU time of this process's child processes (the process runner's workers), polled from /proc: a killed or
// exited child keeps the last value seen. Linux only; elsewhere it reports 0. CPU time, unlike wall time, barely
// depends on what else the machine runs, so a bench on a busy machine can still compare runners' work.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

export function trackChildCpu(everyMs = 100): { stop(): number } {
  const seen = new Map<number, number>();
  const tick = os.platform() === "linux" ? poll : () => {};
  function poll(): void {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, "utf8");
      } catch {
        continue;
      }
      // Fields after the command (which may contain spaces), from the 3rd: state ppid ... utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) !== process.pid) continue;
      seen.set(Number(name), (Number(fields[11]) + Number(fields[12])) * 10); // clock ticks of 10 ms
    }
  }
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      tick();
      clearInterval(timer);
      let ms = 0;
      for (const v of seen.values()) ms += v;
      return ms;
    },
  };
}
