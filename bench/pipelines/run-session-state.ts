// Runs bench/pipelines/session-state.ts once with the options given and prints one JSON line: wall time of the
// run, this process's peak RSS and the largest worker's (parallel runners).
import sessionState from "./session-state.js";
import { trackChildCpu } from "./child-cpu.js";

const [runner, events, keys] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
// The process runner's per-worker budget (its resident streaming state does not spill yet).
const memoryMb = process.argv[5] ? Number(process.argv[5]) : undefined;
// Only the process runner has child processes; polling costs the run's process a little CPU.
const children = runner === "process" ? trackChildCpu() : { stop: () => 0 };
const t0 = performance.now();
const result = await sessionState.run({ runner, events, keys, quiet: true, enforceImmutability: false, ...(memoryMb ? { memoryMb } : {}) });
const ms = performance.now() - t0;
// CPU of this process (the coordinator and, on the threads runner, its workers) and of its child processes.
const cpu = process.cpuUsage();
const childCpuMs = children.stop();
process.stdout.write(
  `${JSON.stringify({ runner, ms, cpuMs: (cpu.user + cpu.system) / 1000 + childCpuMs, rssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20, workerRssMb: (result.stats?.workerMaxRssBytes ?? 0) / 2 ** 20 })}\n`,
);
process.exit(0);
