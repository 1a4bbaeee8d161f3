/**
 * Private temporary directories: made with `mkdtemp` (an unguessable name, created exclusively, mode 0700), each
 * recording the process that owns its job, checked to be still ours before anything in it is trusted, removed
 * when the job ends or is interrupted, and by a later run once their owner is dead.
 *
 * Runners and sinks share these rules: the process runner keeps its shuffle in one such directory under
 * `--tempDir`, and `writeText` writes its temporary shards into such directories next to its output.
 * @module
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes, randomUUID } from "node:crypto";

/** The file in a private directory that says who made it (JSON: {@link PrivateDirOwner}). */
const OWNER_FILE = "owner.json";

/**
 * Set by a runner in the processes that run user code for it (the process runner's workers): the pid of the
 * process that owns the job, which outlives the workers.
 */
const OWNER_PID_ENV = "SLUICE_OWNER_PID";

/**
 * Set by a runner in the processes that run user code for it: its private run directory. Private directories
 * made there register in it, and the runner removes them (rolling back unfinished commits) when the job ends,
 * whatever the outcome; see {@link cleanUpRunDir}.
 */
const RUN_DIR_ENV = "SLUICE_RUN_DIR";

/** Where registrations live in a run directory. */
const REGISTRY = "registered";

/** Who made a private directory. */
export interface PrivateDirOwner {
  /** The process owning the job that made it (not a worker, which may die and be replaced while the job runs). */
  readonly pid: number;
  /** The host that process runs on: a pid means nothing on another host (a shared output directory). */
  readonly host: string;
  /** The user it ran as (undefined where the platform has no uids). */
  readonly uid: number | undefined;
  /** When it was made, in ms since the epoch. */
  readonly created: number;
  /**
   * The outermost of the directories above it that were made along with it (its parent did not exist), if any:
   * they are removed with it when they are empty by then, so a failed run leaves no empty output directory.
   */
  readonly madeParent?: string;
}

/**
 * The pid of the process that owns the current job: the runner's, when it says so in `SLUICE_OWNER_PID`
 * (its worker processes), else this process.
 * @example
 * jobOwnerPid(); // process.pid in the direct runner
 */
export function jobOwnerPid(): number {
  const fromRunner = Number(process.env[OWNER_PID_ENV]);
  return Number.isInteger(fromRunner) && fromRunner > 0 ? fromRunner : process.pid;
}

/**
 * The environment a runner gives the processes it runs user code in, so that their private directories name the
 * job's owner (not the worker) and register with the run (see {@link cleanUpRunDir}).
 * @example
 * fork(entry, [], { env: { ...process.env, ...runnerEnvironment(process.pid) } });
 */
export function runnerEnvironment(ownerPid: number, runDir?: string): Record<string, string> {
  return { [OWNER_PID_ENV]: String(ownerPid), ...(runDir !== undefined ? { [RUN_DIR_ENV]: runDir } : {}) };
}

/**
 * Tells this process (a runner's worker) which run directory its private directories register with, or that
 * there is none.
 * @example
 * setRunDir(envelope.job.options.tempDir);
 */
export function setRunDir(runDir: string | undefined): void {
  if (runDir === undefined) delete process.env[RUN_DIR_ENV];
  else process.env[RUN_DIR_ENV] = runDir;
}

/**
 * Whether a runner removes this process's private directories when the job ends (it set a run directory), even
 * those of a worker that died. (Whether a DoFn may delete what its finished bundles handed on is told by its
 * teardown reason, not by this.)
 * @example
 * if (!runCleansUp()) removeOnExit(dir);
 */
export function runCleansUp(): boolean {
  return currentRunDir() !== undefined;
}

/**
 * The private run directory of the runner this process (or worker thread) runs user code for, if it set one
 * (the process and threads runners do; the direct runner does not). Only the job knows its name and only its
 * user can enter it, so a sink may keep state there under names it computes, e.g. a commit journal per output
 * that a retried task must find again; whatever it makes there goes with the run.
 * @example
 * const runDir = currentRunDir();
 * const journalDir = runDir !== undefined ? path.join(runDir, "commits", id) : makePrivateDir(outputDir, ".tmp-");
 */
export function currentRunDir(): string | undefined {
  return process.env[RUN_DIR_ENV];
}

function currentUid(): number | undefined {
  return typeof process.getuid === "function" ? process.getuid() : undefined;
}

/**
 * Writes a new file readable and writable by its owner only (0600); fails if the name exists.
 * @example
 * writePrivateFile(path.join(dir, "journal.json"), JSON.stringify(plan));
 */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  fs.writeFileSync(file, data, { flag: "wx", mode: 0o600 });
}

/**
 * Makes a private directory `parent/<prefix>XXXXXX` with `mkdtemp` (random suffix, created exclusively, mode
 * 0700) and records its owner in it; `parent` is created if missing. The directory is also registered for
 * removal when the job ends (the runner's run directory, if any) and when this process is interrupted (SIGINT,
 * SIGTERM).
 * @returns the directory's absolute path
 * @example
 * const dir = makePrivateDir(os.tmpdir(), "sluice-run-"); // "/tmp/sluice-run-Xa81Qz"
 */
export function makePrivateDir(parent: string, prefix: string): string {
  const madeParent = fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(path.resolve(parent), prefix));
  initPrivateDir(dir, madeParent);
  return dir;
}

/** Mode, owner record, registration with the run and for signals, of a directory just made. */
function initPrivateDir(dir: string, madeParent: string | undefined): void {
  fs.chmodSync(dir, 0o700); // mkdtemp and mkdir make it 0700 already: say so whatever the platform or umask does
  const owner: PrivateDirOwner = {
    pid: jobOwnerPid(),
    host: os.hostname(),
    uid: currentUid(),
    created: Date.now(),
    ...(madeParent !== undefined ? { madeParent: path.resolve(madeParent) } : {}),
  };
  writePrivateFile(path.join(dir, OWNER_FILE), JSON.stringify(owner));
  registerWithRun(dir);
  removeOnSignal(dir);
}

/**
 * A name for a private directory to be made later by {@link makeNamedPrivateDir}: `parent/<prefix>` and 128
 * random bits. Nobody can guess it, so as long as it travels only inside the job (as an element, say), nobody
 * else can make a directory of that name first.
 * @example
 * privateDirName("/out", ".sluice-temp-"); // "/out/.sluice-temp-Pq3...": nothing made yet
 */
export function privateDirName(parent: string, prefix: string): string {
  return path.join(path.resolve(parent), `${prefix}${randomBytes(16).toString("base64url")}`);
}

/**
 * Makes the private directory `dir` (named by {@link privateDirName}) exclusively, mode 0700, recording its owner
 * and registering it like {@link makePrivateDir}; if it exists already (an earlier attempt of the same step made
 * it), checks that it is still ours ({@link checkPrivateDir}) and uses it. Its parent is created if missing.
 * @returns whether it was made now
 * @throws Error if it exists and is not a private directory of ours
 * @example
 * makeNamedPrivateDir(commitDir); // true the first time, false on a retry
 */
export function makeNamedPrivateDir(dir: string): boolean {
  const madeParent = fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    checkPrivateDir(dir);
    // An earlier attempt may have died before recording the owner; this process may be another worker.
    if (!fs.existsSync(path.join(dir, OWNER_FILE))) initPrivateDir(dir, undefined);
    else {
      registerWithRun(dir);
      removeOnSignal(dir);
    }
    return false;
  }
  initPrivateDir(dir, madeParent);
  return true;
}

/**
 * Removes a private directory made by {@link makePrivateDir} and everything in it, and forgets it.
 * @example
 * removePrivateDir(dir);
 */
export function removePrivateDir(dir: string): void {
  removeWithParents(dir);
  signalDirs.delete(dir);
  updateSignalHandlers();
}

/** Removes `dir` and its contents, then the directories made along with it, as far as they are empty. */
function removeWithParents(dir: string): void {
  const top = readOwner(dir)?.madeParent;
  fs.rmSync(dir, { recursive: true, force: true });
  if (top === undefined || !dir.startsWith(top + path.sep)) return;
  for (let d = path.dirname(dir); d.length >= top.length; d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty (the output is there), or gone
    }
  }
}

/**
 * Checks that `dir` is still a private directory of ours: a directory (not a symbolic link), owned by the
 * current user, mode 0700. Call it before trusting anything in the directory, e.g. before publishing its files.
 * (Ownership and mode are not checked where the platform has no uids.)
 * @throws Error naming the directory and what is wrong with it
 * @example
 * checkPrivateDir(tempDir); // throws if someone replaced it with their own directory or a symlink
 */
export function checkPrivateDir(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    throw new Error(`temporary directory '${dir}' is gone (${(e as Error).message})`, { cause: e });
  }
  const uid = currentUid();
  const problem = st.isSymbolicLink()
    ? "is a symbolic link"
    : !st.isDirectory()
      ? "is not a directory"
      : uid !== undefined && st.uid !== uid
        ? `is owned by uid ${st.uid}, not by this user (uid ${uid})`
        : uid !== undefined && (st.mode & 0o777) !== 0o700
          ? `has mode 0${(st.mode & 0o777).toString(8)}, not 0700`
          : undefined;
  if (problem !== undefined) {
    throw new Error(`refusing to use temporary directory '${dir}': it ${problem}, so it is not this run's own`);
  }
}

/**
 * Checks that `file` is a regular file (not a symbolic link) owned by the current user.
 * @throws Error naming the file and what is wrong with it
 * @example
 * checkPrivateFile(path.join(tempDir, "shard-0.tmp"));
 */
export function checkPrivateFile(file: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    throw new Error(`temporary file '${file}' is missing: was it deleted before the write was finalised?`, { cause: e });
  }
  const uid = currentUid();
  if (st.isSymbolicLink() || !st.isFile() || (uid !== undefined && st.uid !== uid)) {
    throw new Error(`refusing to publish temporary file '${file}': it is not a regular file of this user`);
  }
}

/** The owner recorded in a private directory, or undefined when it has none (yet) or it cannot be read. */
function readOwner(dir: string): PrivateDirOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), "utf8")) as PrivateDirOwner;
    return Number.isInteger(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the private directories `parent/<prefix>*` left by jobs whose owning process is dead: only directories
 * that pass {@link checkPrivateDir} (ours), that record an owner on this host, and whose owner is not running.
 * Anything else (another user's directory, one being made right now, a live job's) is left alone.
 * @param beforeRemove called with each stale directory before it is removed (e.g. to roll back a commit in it)
 * @returns how many directories were removed
 * @example
 * removeStaleDirs(os.tmpdir(), "sluice-run-");
 */
export function removeStaleDirs(parent: string, prefix: string, beforeRemove?: (dir: string) => void): number {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(parent, name);
    try {
      checkPrivateDir(dir);
    } catch {
      continue;
    }
    const owner = readOwner(dir);
    if (owner === undefined || owner.host !== os.hostname() || isAlive(owner.pid)) continue;
    beforeRemove?.(dir);
    removeWithParents(dir);
    removed++;
  }
  return removed;
}

/** Records `dir` in the run directory this process's runner set, if any, so the runner removes it at the end. */
function registerWithRun(dir: string): void {
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir === undefined) return;
  const registry = path.join(runDir, REGISTRY);
  try {
    fs.mkdirSync(registry, { mode: 0o700 }); // not recursive: a run directory that is gone stays gone
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  writePrivateFile(path.join(registry, `${randomUUID()}.dir`), dir);
}

/**
 * Ends a run directory's life (the runner calls it when the job ends, whatever the outcome, or when it is
 * interrupted): for each private directory its workers registered, `beforeRemove` (e.g. rolling back an
 * unfinished commit) and removal, if the directory is still ours; then removes the run directory itself.
 * @example
 * cleanUpRunDir(runDir, (dir) => rollBackCommit(dir));
 */
export function cleanUpRunDir(runDir: string, beforeRemove?: (dir: string) => void): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(path.join(runDir, REGISTRY));
  } catch {
    // nothing registered
  }
  for (const entry of entries) {
    let dir: string;
    try {
      dir = fs.readFileSync(path.join(runDir, REGISTRY, entry), "utf8");
      checkPrivateDir(dir);
    } catch {
      continue; // gone already, or no longer ours: never touched
    }
    try {
      beforeRemove?.(dir);
    } catch {
      // best effort: the directory goes anyway
    } finally {
      removeWithParents(dir);
    }
  }
  removePrivateDir(runDir);
}

/**
 * Private directories of this process to remove if it is interrupted, each with what removes it (undefined: delete
 * it and its contents).
 */
const signalDirs = new Map<string, (() => void | Promise<void>) | undefined>();
const SIGNALS = ["SIGINT", "SIGTERM"] as const;
let handlersInstalled = false;

/**
 * On SIGINT or SIGTERM, when nothing else listens for the signal (a streaming run may, to stop gracefully, and
 * then cleans up as the run ends), removes this process's private directories and re-raises the signal, so the
 * process ends as it would have. In a runner's worker the runner cleans up instead.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1 || interrupted) return;
  interrupted = true;
  const removals = [...signalDirs].map(async ([dir, remove]) => {
    if (remove) await remove();
    else removeWithParents(dir);
  });
  signalDirs.clear();
  void Promise.allSettled(removals).then(() => {
    updateSignalHandlers();
    process.kill(process.pid, signal);
  });
}
let interrupted = false;

function updateSignalHandlers(): void {
  const want = signalDirs.size > 0;
  if (want === handlersInstalled) return;
  for (const s of SIGNALS) {
    if (want) process.on(s, onSignal);
    else process.off(s, onSignal);
  }
  handlersInstalled = want;
}

function removeOnSignal(dir: string): void {
  if (runCleansUp()) return;
  signalDirs.set(dir, undefined);
  updateSignalHandlers();
}

/**
 * Runs `remove` (and waits for it) instead of deleting `dir` if this process is interrupted (SIGINT, SIGTERM) while nothing else
 * listens for the signal; forgotten by {@link removePrivateDir}.
 * @example
 * onInterrupt(runDir, async () => { await pool.close(); cleanUpRunDir(runDir); });
 */
export function onInterrupt(dir: string, remove: () => void | Promise<void>): void {
  signalDirs.set(dir, remove);
  updateSignalHandlers();
}
