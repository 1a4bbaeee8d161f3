import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { expect } from "chai";
import {
  checkPrivateDir,
  commitFiles,
  makeNamedPrivateDir,
  makePrivateDir,
  privateDirName,
  readCommit,
  removePrivateDir,
  removeStaleDirs,
  resumeCommit,
  rollBackCommit,
  writePrivateFile,
} from "../../sdk/index.js";

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

function ownerFile(dir: string): string {
  return path.join(dir, "owner.json");
}

describe("sdk files: private directories", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-files-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("makes each directory with an unguessable name, mode 0700, recording its owner in a 0600 file", () => {
    const a = makePrivateDir(path.join(dir, "made", "here"), ".t-");
    const b = makePrivateDir(path.join(dir, "made", "here"), ".t-");
    expect(a).to.not.equal(b);
    expect(path.basename(a)).to.match(/^\.t-[A-Za-z0-9]{6}$/);
    expect(fs.statSync(a).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(ownerFile(a)).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(fs.readFileSync(ownerFile(a), "utf8")).pid).to.equal(process.pid);
    expect(() => checkPrivateDir(a)).to.not.throw();
    writePrivateFile(path.join(a, "x"), "data");
    expect(fs.statSync(path.join(a, "x")).mode & 0o777).to.equal(0o600);
    expect(() => writePrivateFile(path.join(a, "x"), "again"), "never overwrites").to.throw(/EEXIST/);
  });

  it("makes a named directory exclusively; an existing one is used only if it is still ours", () => {
    const name = privateDirName(path.join(dir, "later"), ".t-");
    expect(path.basename(name)).to.match(/^\.t-[A-Za-z0-9_-]{22}$/);
    expect(fs.existsSync(name)).to.equal(false);
    expect(makeNamedPrivateDir(name)).to.equal(true);
    expect(fs.statSync(name).mode & 0o777).to.equal(0o700);
    expect(makeNamedPrivateDir(name), "a retry uses it").to.equal(false);
    const planted = privateDirName(dir, ".t-");
    fs.symlinkSync(name, planted);
    expect(() => makeNamedPrivateDir(planted)).to.throw(/symbolic link/);
  });

  it("refuses a directory that is a symlink, too open, not a directory or someone else's", () => {
    const mine = makePrivateDir(dir, ".t-");
    const link = path.join(dir, ".t-link");
    fs.symlinkSync(mine, link);
    expect(() => checkPrivateDir(link)).to.throw(/refusing to use temporary directory .*\.t-link.*symbolic link/);
    const open = path.join(dir, ".t-open");
    fs.mkdirSync(open, { mode: 0o755 });
    fs.chmodSync(open, 0o755);
    expect(() => checkPrivateDir(open)).to.throw(/mode 0755, not 0700/);
    fs.writeFileSync(path.join(dir, ".t-file"), "");
    expect(() => checkPrivateDir(path.join(dir, ".t-file"))).to.throw(/not a directory/);
    expect(() => checkPrivateDir(path.join(dir, ".t-gone"))).to.throw(/is gone/);
    if (isRoot) {
      const theirs = path.join(dir, ".t-theirs");
      fs.mkdirSync(theirs, { mode: 0o700 });
      fs.chownSync(theirs, 65534, 65534);
      expect(() => checkPrivateDir(theirs)).to.throw(/owned by uid 65534/);
    }
  });

  it("removes stale directories of dead owners only: never a live job's, another user's, or one without an owner", () => {
    const live = makePrivateDir(dir, ".t-");
    const dead = makePrivateDir(dir, ".t-");
    const owner = JSON.parse(fs.readFileSync(ownerFile(dead), "utf8"));
    fs.rmSync(ownerFile(dead));
    writePrivateFile(ownerFile(dead), JSON.stringify({ ...owner, pid: deadPid() }));
    const noOwner = path.join(dir, ".t-noowner");
    fs.mkdirSync(noOwner, { mode: 0o700 });
    const open = makePrivateDir(dir, ".t-");
    fs.chmodSync(open, 0o755); // no longer private: not ours to judge
    fs.writeFileSync(path.join(dead, "left"), "");
    const seen: string[] = [];
    expect(removeStaleDirs(dir, ".t-", (d) => seen.push(d))).to.equal(1);
    expect(seen).to.deep.equal([dead]);
    expect(fs.existsSync(dead)).to.equal(false);
    for (const d of [live, noOwner, open]) expect(fs.existsSync(d), d).to.equal(true);
  });

  it("removes the directories it made along with a private directory when they are empty", () => {
    const deep = makePrivateDir(path.join(dir, "a", "b"), ".t-");
    const kept = makePrivateDir(path.join(dir, "c"), ".t-");
    fs.writeFileSync(path.join(dir, "c", "output.txt"), "");
    removePrivateDir(deep);
    removePrivateDir(kept);
    expect(fs.readdirSync(dir)).to.deep.equal(["c"]);
    expect(fs.readdirSync(path.join(dir, "c"))).to.deep.equal(["output.txt"]);
  });
});

describe("sdk files: commit journal", () => {
  let dir: string;
  let journalDir: string;
  let out: string;
  const finals = (n: number) => Array.from({ length: n }, (_, i) => path.join(out, `f-${i}`));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-commit-"));
    out = path.join(dir, "out");
    fs.mkdirSync(out);
    journalDir = makePrivateDir(out, ".t-");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Old files `f-0..f-(n-1)` plus `f-old-extra`, and new temporary files for `f-0..f-(n-1)`. */
  function setUp(n: number): { deletes: string[]; moves: [string, string][] } {
    for (const f of [...finals(n), path.join(out, "f-old-extra")]) fs.writeFileSync(f, "old");
    const moves = finals(n).map((f, i): [string, string] => {
      const temp = path.join(journalDir, `t-${i}`);
      writePrivateFile(temp, `new ${i}`);
      return [temp, f];
    });
    return { deletes: [...finals(n), path.join(out, "f-old-extra")], moves };
  }

  const outputFiles = () =>
    fs
      .readdirSync(out)
      .filter((n) => !n.startsWith("."))
      .sort()
      .map((n) => `${n}=${fs.readFileSync(path.join(out, n), "utf8")}`);

  it("deletes the earlier set, then renames every file; running it again changes nothing", () => {
    const plan = setUp(3);
    expect(commitFiles(journalDir, { ...plan, finalMode: 0o644 })).to.deep.equal(finals(3));
    expect(outputFiles()).to.deep.equal(["f-0=new 0", "f-1=new 1", "f-2=new 2"]);
    expect(fs.statSync(finals(3)[0]!).mode & 0o777).to.equal(0o644);
    expect(commitFiles(journalDir, plan), "a retry after success").to.deep.equal(finals(3));
    expect(resumeCommit(journalDir)).to.deep.equal(finals(3));
    expect(outputFiles()).to.deep.equal(["f-0=new 0", "f-1=new 1", "f-2=new 2"]);
    expect(rollBackCommit(journalDir), "a finished commit is not rolled back").to.equal(false);
  });

  it("a commit that died among its renames is finished by a retry: the complete new set, no old file", () => {
    const plan = setUp(4);
    fs.renameSync(plan.moves[2]![0], path.join(dir, "hidden")); // the rename of f-2 will fail, as a crash there would
    expect(() => commitFiles(journalDir, plan)).to.throw(/temporary file .*t-2' is missing/);
    expect(outputFiles()).to.deep.equal(["f-0=new 0", "f-1=new 1"]); // the earlier set is gone, even f-2 and f-3
    fs.renameSync(path.join(dir, "hidden"), plan.moves[2]![0]);
    expect(resumeCommit(journalDir)).to.deep.equal(finals(4));
    expect(outputFiles()).to.deep.equal(["f-0=new 0", "f-1=new 1", "f-2=new 2", "f-3=new 3"]);
    expect(readCommit(journalDir)!.moves).to.have.length(4);
  });

  it("rolling back a commit that died among its renames leaves none of the output, old or new", () => {
    const plan = setUp(4);
    fs.rmSync(plan.moves[2]![0]);
    expect(() => commitFiles(journalDir, plan)).to.throw(/missing/);
    expect(rollBackCommit(journalDir)).to.equal(true);
    expect(outputFiles()).to.deep.equal([]);
    expect(readCommit(journalDir)).to.equal(undefined);
    expect(fs.existsSync(plan.moves[3]![0]), "temporary files stay for a retry").to.equal(true);
  });

  it("rolling back a dead attempt leaves the set another attempt published since under the same names", () => {
    // Worker A died among its renames; worker B (a journal of its own, no shared run directory) published the
    // whole set; then A's directory is swept. B's files must stay.
    const plan = setUp(3);
    fs.rmSync(plan.moves[2]![0]);
    expect(() => commitFiles(journalDir, plan)).to.throw(/missing/);
    const otherJournal = makePrivateDir(out, ".t-");
    const retry = finals(3).map((f, i): [string, string] => {
      const temp = path.join(otherJournal, `t-${i}`);
      writePrivateFile(temp, `retry ${i}`);
      return [temp, f];
    });
    commitFiles(otherJournal, { deletes: finals(3), moves: retry });
    expect(rollBackCommit(journalDir)).to.equal(true);
    expect(outputFiles()).to.deep.equal(["f-0=retry 0", "f-1=retry 1", "f-2=retry 2"]);
  });

  it("refuses to commit from a directory that is not ours", () => {
    const plan = setUp(1);
    const link = path.join(out, ".t-link");
    fs.symlinkSync(journalDir, link);
    expect(() => commitFiles(link, plan)).to.throw(/symbolic link/);
    expect(outputFiles()).to.deep.equal(["f-0=old", "f-old-extra=old"]);
  });
});
