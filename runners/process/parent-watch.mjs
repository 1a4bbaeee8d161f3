// A thread inside each worker process that kills the process when its coordinator is gone. The main thread hears
// of it through the IPC channel's 'disconnect' event, but only when it is idle: one busy in user code (a long
// bundle, an endless loop) would go on, orphaned, for ever. This thread polls the parent pid instead, which
// changes when the parent dies (the child is re-parented to init or a subreaper). Plain JavaScript: it needs no
// loader and must start fast.
import { workerData } from "node:worker_threads";

const { parentPid, intervalMs } = workerData;

setInterval(() => {
  if (process.ppid !== parentPid) process.kill(process.pid, "SIGKILL");
}, intervalMs);
