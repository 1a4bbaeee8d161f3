// CPU time of this process's child processes (the process runner's workers), polled from /proc: a killed or
// exited child keeps the last value seen. Linux only; elsewhere it reports 0. CPU time, unlike wall time, barely
// depends on what else the machine runs, so a bench on a busy machine can still compare runners' work.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

export function trackChildCpu(everyMs = 250): { stop(): number } {
  return trackTreeCpu("self", false, everyMs);
}

/**
 * CPU time of process `root` (a pid, or "self") and every process below it, polled from /proc as
 * {@link trackChildCpu} does; `includeRoot` counts the root's own time too (the last value seen before it exits).
 */
export function trackTreeCpu(root: number | "self", includeRoot: boolean, everyMs = 250): { stop(): number } {
  const seen = new Map<number, number>();
  const tick = os.platform() === "linux" ? poll : () => {};
  function poll(): void {
    if (includeRoot && root !== "self") sample(root);
    visit(root);
  }
  // Only the root's descendants (listed per thread in /proc/<pid>/task/*/children), not every process.
  function visit(pid: number | "self"): void {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      return; // exited
    }
    for (const tid of tids) {
      let children: string;
      try {
        children = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8");
      } catch {
        continue;
      }
      for (const child of children.split(" ").filter(Boolean)) {
        sample(Number(child));
        visit(Number(child));
      }
    }
  }
  function sample(pid: number): void {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command (which may contain spaces), from the 3rd: ... utime (14th) stime (15th).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      seen.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // clock ticks of 10 ms
    } catch {
      // exited meanwhile: keep the last value seen
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
