/**
 * An atomic, idempotent commit of temporary files to their final names, for sinks that publish in a finalizer
 * (`parDo(fn, [], { finalizer: true })`), which runners may run again after any crash.
 *
 * ```
 *   plan ─▶ journal written (commit.json) ─▶ earlier set deleted ─▶ "deleted" ─▶ renames ─▶ "done"
 *           └── the point of no return: from here a retry finishes the journal; a failed job rolls it back
 * ```
 * Renaming many files cannot be one atomic step, so the plan is written first, to a journal in a private
 * directory (see `makePrivateDir`); then every file of the earlier output is deleted (so old and new files never
 * mix, even under the same names) and a marker says so; then the temporary files are renamed one by one. Running
 * the journal again (a retried finalizer) skips what was done and finishes the rest; rolling it back (a job that
 * failed while committing) deletes everything it published, so the output is either the complete new set or none.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { checkPrivateDir, writePrivateFile } from "./private-dir.js";

/** What a commit does. Plain data. */
export interface CommitPlan {
  /** Files to delete before any is published: the earlier output the new files replace, same names included. */
  readonly deletes: readonly string[];
  /** `[temporary, final]` pairs, renamed in this order. Temporary files must be on the final names' file system. */
  readonly moves: readonly (readonly [string, string])[];
  /**
   * The mode final files get, set just after each rename (temporary files stay 0600), e.g. `0o666 & ~umask` for
   * files like any other. Default: left as they are.
   */
  readonly finalMode?: number;
}

/**
 * A file as it was when the journal was written: a rename keeps it (same inode, size and modification time), so a
 * rollback can tell the file it published from another one put under the same name since (a retry of the same
 * commit by another process, with a journal of its own, on a runner whose workers share no run directory).
 */
interface FileIdentity {
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
}

/** The journal: the plan, and the identity of each file it deletes and each temporary file it renames (null: absent). */
interface Journal extends CommitPlan {
  readonly identities?: { readonly deletes: readonly (FileIdentity | null)[]; readonly moves: readonly (FileIdentity | null)[] };
}

function identityOf(file: string): FileIdentity | null {
  try {
    const st = fs.statSync(file, { bigint: true });
    return { ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs) };
  } catch {
    return null;
  }
}

/** Whether `file` is (still) the file of `identity`; a journal without identities (older) cannot tell, and says yes. */
function isSameFile(file: string, identity: FileIdentity | null | undefined): boolean {
  if (identity === undefined) return true;
  const now = identityOf(file);
  return now !== null && identity !== null && now.ino === identity.ino && now.size === identity.size && now.mtimeNs === identity.mtimeNs;
}

const JOURNAL = "commit.json";
const DELETED = "commit.deleted";
const DONE = "commit.done";

/**
 * Reads the commit journal in `dir`, or undefined when there is none.
 * @example
 * readCommit(tempDir)?.moves.length;
 */
export function readCommit(dir: string): CommitPlan | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, JOURNAL), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  return JSON.parse(text) as CommitPlan;
}

/**
 * Commits `plan` with its journal in the private directory `dir` (checked first), or, if `dir` already holds a
 * journal (an earlier attempt of the same commit), finishes that one instead. Idempotent.
 * @returns the final paths, in the order of the journal's moves
 * @throws Error naming the file when a temporary file is missing or cannot be renamed
 * @example
 * commitFiles(tempDir, { deletes: ["/out/a-00000-of-00001.txt"], moves: [["/out/.t/a.tmp", "/out/a-00000-of-00001.txt"]] });
 */
export function commitFiles(dir: string, plan: CommitPlan): string[] {
  checkPrivateDir(dir);
  if (readCommit(dir) === undefined) {
    // Written whole under another name and renamed, so a journal is never half there.
    const staged = path.join(dir, `${JOURNAL}.new`);
    fs.rmSync(staged, { force: true });
    const journal: Journal = { ...plan, identities: { deletes: plan.deletes.map(identityOf), moves: plan.moves.map(([temp]) => identityOf(temp)) } };
    writePrivateFile(staged, JSON.stringify(journal));
    const fd = fs.openSync(staged, "r+");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(staged, path.join(dir, JOURNAL));
  }
  return resumeCommit(dir)!;
}

/**
 * Finishes the commit whose journal is in `dir`, if any (see {@link commitFiles}).
 * @returns the final paths, or undefined when `dir` holds no journal
 * @example
 * resumeCommit(tempDir); // after a crash in the middle of the renames: renames the rest
 */
export function resumeCommit(dir: string): string[] | undefined {
  checkPrivateDir(dir);
  const plan = readCommit(dir);
  if (plan === undefined) return undefined;
  const finals = plan.moves.map(([, final]) => final);
  if (fs.existsSync(path.join(dir, DONE))) return finals;
  if (!fs.existsSync(path.join(dir, DELETED))) {
    for (const f of plan.deletes) fs.rmSync(f, { force: true });
    writePrivateFile(path.join(dir, DELETED), "");
  }
  for (const [temp, final] of plan.moves) {
    try {
      fs.renameSync(temp, final);
    } catch (e) {
      // Renamed by an earlier attempt (which may have died before setting its mode): the earlier set was deleted
      // before any rename, so the final file is ours.
      const renamedBefore = (e as NodeJS.ErrnoException).code === "ENOENT" && !fs.existsSync(temp) && fs.existsSync(final);
      if (!renamedBefore) {
        const missing = (e as NodeJS.ErrnoException).code === "ENOENT" && !fs.existsSync(temp);
        throw new Error(
          missing
            ? `temporary file '${temp}' is missing: was it deleted before the write was finalised?`
            : `cannot rename '${temp}' to '${final}': ${(e as Error).message}`,
          { cause: e },
        );
      }
    }
    // The final mode once published, not before: a temporary file stays 0600 for as long as it exists.
    if (plan.finalMode !== undefined) fs.chmodSync(final, plan.finalMode);
  }
  writePrivateFile(path.join(dir, DONE), "");
  return finals;
}

/**
 * Rolls back an unfinished commit whose journal is in `dir`: deletes every file it published and every file of
 * the earlier set it replaces (some may be gone already), so that none of the output is left rather than part of
 * it; then removes the journal. A file under one of those names that is not the one the journal saw (put there
 * since by another attempt of the commit, with a journal of its own) is left alone. Temporary files not yet
 * renamed stay (a retry may plan the commit again; their private directories are removed with the run). A
 * finished commit (or none) is left alone.
 * @returns whether there was an unfinished commit to roll back
 * @example
 * rollBackCommit(tempDir); // a job that failed mid-commit leaves no partial output
 */
export function rollBackCommit(dir: string): boolean {
  checkPrivateDir(dir);
  const plan = readCommit(dir) as Journal | undefined;
  if (plan === undefined || fs.existsSync(path.join(dir, DONE))) return false;
  plan.deletes.forEach((f, i) => isSameFile(f, plan.identities?.deletes[i]) && fs.rmSync(f, { force: true }));
  plan.moves.forEach(([, final], i) => isSameFile(final, plan.identities?.moves[i]) && fs.rmSync(final, { force: true }));
  for (const f of [DELETED, JOURNAL]) fs.rmSync(path.join(dir, f), { force: true });
  return true;
}
