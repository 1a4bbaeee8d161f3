// CPU time of this process's child processes (the process runner's workers), polled from /proc: a killed or
// exited child keeps the last value seen. Linux only; elsewhere it reports 0. CPU time, unlike wall time, barely
// depends on what else the machine runs, so a bench on a busy machine can still compare runners' work.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

export function trackChildCpu(everyMs = 250): { stop(): number } {
  const seen = new Map<number, number>();
  const tick = os.platform() === "linux" ? poll : () => {};
  function poll(): void {
    // Only this process's children (listed per thread in /proc/self/task/*/children), not every process.
    for (const tid of readdirSync("/proc/self/task")) {
      let children: string;
      try {
        children = readFileSync(`/proc/self/task/${tid}/children`, "utf8");
      } catch {
        continue;
      }
      for (const pid of children.split(" ").filter(Boolean)) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          // Fields after the command (which may contain spaces), from the 3rd: ... utime (14th) stime (15th).
          const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          seen.set(Number(pid), (Number(fields[11]) + Number(fields[12])) * 10); // clock ticks of 10 ms
        } catch {
          // exited meanwhile: keep the last value seen
        }
      }
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
