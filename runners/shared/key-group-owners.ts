/**
 * Key groups owned by workers: each shuffle partition (key group) of a stage belongs to one worker slot, whose
 * worker keeps the key group's grouping state resident between tasks, so state never travels with a task. To
 * survive the loss of that worker, the coordinator keeps for each key group its last checkpoint (a snapshot the
 * owner returned) and the group tasks since (their input records, watermarks and processing times). A worker
 * that lost its state (it died, or dropped the job after a user-code failure) gets, with its key group's next
 * task, the checkpoint and the tasks to replay without output: deterministic grouping rebuilds the state as it
 * was, so nothing is lost and nothing is emitted twice.
 *
 * Checkpoints are asked for once the records logged since the last one outweigh it (at least
 * {@link MIN_CHECKPOINT_BYTES}), so checkpointing costs at most about as much as moving the records once, whatever
 * the size of the state; and, so that a replay stays short in a slow stream, every {@link CHECKPOINT_INTERVAL_MS}
 * once the log is an eighth of the last checkpoint. A key group left without state (every batch key group after
 * its firing) needs neither.
 * @module
 */
import type { BlobRef, GroupReplay, KeyGroupRestore } from "./protocol.js";

/** Records logged before a checkpoint is asked for, at the least. */
const MIN_CHECKPOINT_BYTES = 4 * 2 ** 20;
/** Tasks logged before a checkpoint is asked for, at the most (bounds a replay's length). */
const MAX_LOGGED_TASKS = 1024;
/** How old a checkpoint may get before a smaller log asks for the next one. */
const CHECKPOINT_INTERVAL_MS = 2000;

/** What the coordinator knows of one key group. */
interface KeyGroup {
  owner: number;
  /** Whether the last successful task left state (a key group without any may move to another slot). */
  hasState: boolean;
  /** Whether the owner holds the state as the last successful task left it. */
  resident: boolean;
  /** The last checkpoint (absent: the state was empty then). */
  checkpoint: BlobRef | undefined;
  checkpointBytes: number;
  /** `Date.now()` when the checkpoint was taken (or the key group was last empty). */
  checkpointAt: number;
  /** Successful group tasks since the checkpoint. */
  log: GroupReplay[];
  logBytes: number;
}

export class KeyGroupOwners {
  private readonly groups = new Map<string, KeyGroup>();

  constructor(
    private readonly slots: number,
    /** Frees a blob nothing needs any more. */
    private readonly release: (blob: BlobRef) => void,
  ) {}

  /** The worker slot that owns key group `partition` of `stage`. */
  owner(stage: string, partition: number): number {
    return this.group(stage, partition).owner;
  }

  /**
   * The slot to run the key group's next task on: its owner while it has state; a key group without state (new,
   * or left empty, as every batch key group is after it fires) holds nothing anywhere, so it moves to `idlest`,
   * the least loaded slot, instead of queueing behind its owner's other work.
   */
  slotFor(stage: string, partition: number, idlest: number): number {
    const g = this.group(stage, partition);
    if (!g.hasState && g.checkpoint === undefined && g.log.length === 0) g.owner = idlest;
    return g.owner;
  }

  /** What the owner must rebuild before running the key group's next task (undefined: it holds the state). */
  restoreFor(stage: string, partition: number): KeyGroupRestore | undefined {
    const g = this.group(stage, partition);
    if (g.resident || (g.checkpoint === undefined && g.log.length === 0)) return undefined;
    return { ...(g.checkpoint !== undefined ? { checkpoint: g.checkpoint } : {}), replay: g.log };
  }

  /** Whether the key group's next task, with `recordBytes` of records, should return a checkpoint. */
  wantsCheckpoint(stage: string, partition: number, recordBytes: number): boolean {
    const g = this.group(stage, partition);
    const logged = g.logBytes + recordBytes;
    if (logged >= Math.max(MIN_CHECKPOINT_BYTES, g.checkpointBytes) || g.log.length >= MAX_LOGGED_TASKS) return true;
    return g.log.length > 0 && Date.now() - g.checkpointAt >= CHECKPOINT_INTERVAL_MS && logged * 8 >= g.checkpointBytes;
  }

  /**
   * A group task succeeded on the owner: the state is resident, and either empty (nothing to keep), checkpointed
   * (the log is cleared), or one task further (logged, keeping its records).
   */
  succeeded(stage: string, partition: number, task: GroupReplay, hasState: boolean, checkpoint: BlobRef | undefined): void {
    const g = this.group(stage, partition);
    g.resident = true;
    g.hasState = hasState;
    if (!hasState || checkpoint !== undefined) {
      this.clear(g);
      if (checkpoint !== undefined) {
        g.checkpoint = checkpoint;
        g.checkpointBytes = bytesOf(checkpoint);
      }
      for (const r of task.records) this.release(r);
      return;
    }
    g.log.push(task);
    for (const r of task.records) g.logBytes += bytesOf(r);
  }

  /** The worker in `slot` lost every key group's state it held. */
  lost(slot: number): void {
    for (const g of this.groups.values()) if (g.owner === slot) g.resident = false;
  }

  /** Frees every checkpoint and logged record (the job ended). */
  close(): void {
    for (const g of this.groups.values()) this.clear(g);
    this.groups.clear();
  }

  private clear(g: KeyGroup): void {
    if (g.checkpoint !== undefined) this.release(g.checkpoint);
    for (const t of g.log) for (const r of t.records) this.release(r);
    g.checkpoint = undefined;
    g.checkpointBytes = 0;
    g.checkpointAt = Date.now();
    g.log = [];
    g.logBytes = 0;
  }

  private group(stage: string, partition: number): KeyGroup {
    const key = `${stage}/${partition}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { owner: ownerSlot(stage, partition, this.slots), hasState: false, resident: true, checkpoint: undefined, checkpointBytes: 0, checkpointAt: Date.now(), log: [], logBytes: 0 };
      this.groups.set(key, g);
    }
    return g;
  }
}

/** Key groups are spread over the slots round-robin, starting at a different slot for each stage. */
function ownerSlot(stage: string, partition: number, slots: number): number {
  return (partition + Number(stage.slice(1))) % slots;
}

function bytesOf(blob: BlobRef): number {
  return blob instanceof Uint8Array ? blob.byteLength : blob.length;
}
