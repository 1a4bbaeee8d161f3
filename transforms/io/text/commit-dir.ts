/**
 * The commit side of a bounded write: the private directory its finalize step commits from, named at the start
 * of the run and handed to the finalize step as an element, and the commit itself.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import {
  checkPrivateDir,
  checkPrivateFile,
  commitFiles,
  kv,
  makeNamedPrivateDir,
  privateDirName,
  removePrivateDir,
  removeStaleDirs,
  resumeCommit,
  rollBackCommit,
  type CommitPlan,
  type DoFn,
  type KV,
  type ProcessContext,
  type TeardownContext,
} from "../../../sdk/index.js";
import { TEMP_DIR_PREFIX, type ShardSpec } from "./shard-names.js";

/** The element that tells the finalize step which directory it commits from. Plain data. */
export interface CommitDir {
  readonly commitDir: string;
}

/** Whether an element of the finalize step's group is the {@link CommitDir} (the rest are written files). */
export function isCommitDir(x: unknown): x is CommitDir {
  return typeof x === "object" && x !== null && typeof (x as CommitDir).commitDir === "string";
}

/**
 * Runs once per run (on the write's Start impulse): names the private directory that the finalize step writes
 * its empty shards and its commit journal to (`<dir of prefix>/.sluice-temp-<128 random bits>`) and outputs the
 * name. The finalize step makes it, exclusively (see `makeNamedPrivateDir`), so a run that fails before its
 * commit never made it. Because the name travels as an element, a retried finalize step (on any worker) gets the
 * same directory and finds the journal of the attempt that died; and since nobody outside the job can know the
 * name, nobody can make it first.
 */
export class MakeCommitDirFn<T> implements DoFn<unknown, KV<string, T | CommitDir>> {
  constructor(private readonly spec: ShardSpec) {}

  process(_: unknown, ctx: ProcessContext<KV<string, T | CommitDir>>): void {
    ctx.output(kv("", { commitDir: privateDirName(path.dirname(this.spec.prefix), TEMP_DIR_PREFIX) }));
  }
}

/**
 * The commit directories a finalize DoFn instance used, kept while the run goes on (a retried finalizer finds its
 * journal there) and removed when the instance is torn down at the end of the run (teardown reason
 * `"end-of-run"`), after rolling back a commit left unfinished; a worker that died leaves them to its runner,
 * which removes them with the run directory they are registered in, rolling back the same way.
 */
export class CommitDirs {
  private readonly used = new Set<string>();

  /** Makes `dir` (or checks that the one an earlier attempt made is ours) and remembers it. */
  open(dir: string): void {
    makeNamedPrivateDir(dir);
    this.used.add(dir);
  }

  teardown({ reason }: TeardownContext): void {
    if (reason === "discarded") return; // a retry of the commit may need the journal
    for (const dir of this.used) {
      try {
        checkPrivateDir(dir); // gone already, or no longer ours: never touched
      } catch {
        continue;
      }
      rollBackCommit(dir); // nothing to do for a finished commit
      removePrivateDir(dir);
    }
    this.used.clear();
  }
}

/**
 * Picks the commit directory among a finalize step's elements: normally exactly one (a retried Start bundle's
 * output is dropped by the runner); with several, the smallest path, the same whatever the order.
 */
export function commitDirOf(elements: readonly unknown[]): string {
  const dirs = elements.filter(isCommitDir).map((e) => e.commitDir);
  if (dirs.length === 0) throw new Error("internal: writeText's finalize step received no commit directory");
  return dirs.sort()[0]!;
}

/**
 * Checks the temporary files a commit would publish: each must be a regular file of ours in a private directory
 * of ours (see `checkPrivateDir`) directly inside the output directory (so the rename stays on one file system).
 * Such a directory cannot have been made, filled or swapped by anyone else.
 * @throws Error naming the file or directory that fails
 */
export function checkTempFiles(outputDir: string, files: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const file of files) {
    const dir = path.dirname(file);
    if (!dirs.has(dir)) {
      if (path.dirname(dir) !== outputDir || !path.basename(dir).startsWith(TEMP_DIR_PREFIX)) {
        throw new Error(`refusing to publish '${file}': it is not in a temporary directory of this write (${outputDir}/${TEMP_DIR_PREFIX}*)`);
      }
      checkPrivateDir(dir);
      dirs.add(dir);
    }
    checkPrivateFile(file);
  }
  return dirs;
}

/** Mode of published files: what a file created now would get (`0666` less the umask), like any other output. */
function finalMode(): number {
  return 0o666 & ~process.umask();
}

/**
 * The commit of a bounded write, in its finalize step (which runners may run again after a crash):
 * 0. makes `commitDir` (exclusively; a retry checks that the one an earlier attempt made is ours);
 * 1. removes the temporary directories of dead jobs next to the output, rolling back a commit one of them left
 *    half done (its partial output goes);
 * 2. if `commitDir` holds a journal (an earlier attempt got that far), finishes it;
 * 3. otherwise `plan()` makes the plan (checking every file it publishes), and it is committed through a journal
 *    in `commitDir` (see `commitFiles`): the earlier set is deleted, then every file renamed;
 * 4. on success removes the writers' directories `writerDirs`, and keeps `commitDir` with its finished journal
 *    (removed with the run: by the finalize DoFn's teardown, see {@link CommitDirs}, or by the runner), so that an attempt killed after
 *    the commit, before the runner heard of it, is retried with the same result; on an error rolls the commit
 *    back, so that none of the output is left rather than part of it, and rethrows.
 * @returns the final paths
 */
export function commitWrite(
  spec: ShardSpec,
  dirs: CommitDirs,
  commitDir: string,
  plan: () => Omit<CommitPlan, "finalMode">,
  writerDirs: () => Iterable<string>,
): string[] {
  const outputDir = path.dirname(spec.prefix);
  dirs.open(commitDir);
  removeStaleDirs(outputDir, TEMP_DIR_PREFIX, (dir) => void rollBackCommit(dir));
  let finals: string[];
  try {
    finals = resumeCommit(commitDir) ?? commitFiles(commitDir, { ...plan(), finalMode: finalMode() });
  } catch (e) {
    rollBackCommit(commitDir);
    throw e;
  }
  for (const dir of writerDirs()) {
    try {
      checkPrivateDir(dir);
    } catch {
      continue; // gone already (removed by an earlier attempt), or not ours: never touched
    }
    removePrivateDir(dir);
  }
  return finals;
}

/** The files in the output directory that match `pattern`: the earlier set a commit deletes before publishing. */
export function existingFiles(outputDir: string, pattern: RegExp): string[] {
  return fs
    .readdirSync(outputDir)
    .filter((name) => pattern.test(name))
    .map((name) => path.join(outputDir, name));
}
