// Runs bench/pipelines/session-state.ts once with the options given and prints one JSON line: wall time of the
// run, this process's peak RSS and the largest worker's (parallel runners).
import sessionState from "./session-state.js";

const [runner, events, keys] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
// The process runner's per-worker budget (its resident streaming state does not spill yet).
const memoryMb = process.argv[5] ? Number(process.argv[5]) : undefined;
const t0 = performance.now();
const result = await sessionState.run({ runner, events, keys, quiet: true, enforceImmutability: false, ...(memoryMb ? { memoryMb } : {}) });
const ms = performance.now() - t0;
// CPU of this process: the coordinator and, on the threads runner, its workers (process workers are not in it).
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ runner, ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20, workerRssMb: (result.stats?.workerMaxRssBytes ?? 0) / 2 ** 20 })}\n`,
);
process.exit(0);
