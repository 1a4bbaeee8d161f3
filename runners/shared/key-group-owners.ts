/**
 * Key groups owned by workers: each shuffle partition (key group) of a stage belongs to one worker slot, whose
 * worker keeps the key group's grouping state resident between tasks, so state never travels with a task. To
 * survive the loss of that worker, the coordinator keeps for each key group its last checkpoint (a snapshot the
 * owner returned) and the group tasks since (their input records, watermarks and processing times). A worker
 * that lost its state (it died, or dropped the job after a user-code failure) gets, with its key group's next
 * task, the checkpoint and the tasks to replay without output: deterministic grouping rebuilds the state as it
 * was, so nothing is lost and nothing is emitted twice.
 *
 * Checkpoints are asked for once the records logged since the last one outweigh it {@link LOG_PER_CHECKPOINT}
 * times (at least {@link MIN_CHECKPOINT_BYTES}): snapshotting a byte of state costs about as much CPU as grouping a
 * byte of records, so this bounds checkpointing at about a quarter of the grouping work, whatever the size of the
 * state. So that a replay stays short in a slow stream, one is also asked for every {@link CHECKPOINT_INTERVAL_MS}
 * once the log is an eighth of the last checkpoint, but never more often than every
 * {@link INTERVAL_PER_CHECKPOINT_MS} times what the last checkpoint took to make (a fast stream with large state
 * spent a third of its CPU on 30 s checkpoints). A key group left without state (every batch key group after its
 * firing) needs neither.
 * @module
 */
import type { BlobRef, GroupReplay, KeyGroupRestore } from "./protocol.js";

/** Records logged before a checkpoint is asked for, at the least. */
const MIN_CHECKPOINT_BYTES = 4 * 2 ** 20;
/** How many times its last checkpoint's size the log grows before the next checkpoint. */
const LOG_PER_CHECKPOINT = 4;
/** The interval rule spends at most one part in this many of the elapsed time making checkpoints. */
const INTERVAL_PER_CHECKPOINT_MS = 20;
/** Tasks logged before a checkpoint is asked for, at the most (bounds a replay's length). */
const MAX_LOGGED_TASKS = 1024;
/**
 * How old a checkpoint may get before a smaller log asks for the next one. Long: the log is bounded by the
 * checkpoint's size anyway, and snapshotting large state every few seconds cost more than the grouping itself
 * (a 2 s interval doubled the workers' CPU in bench/streaming-state.ts).
 */
const CHECKPOINT_INTERVAL_MS = 30_000;

/** What the coordinator knows of one key group. */
interface KeyGroup {
  readonly stage: string;
  owner: number;
  /** Tasks of the key group placed and not yet ended (at most one: the scheduler runs a key group's tasks in turn). */
  inFlight: number;
  /** Whether the last successful task left state (a key group without any may move to another slot). */
  hasState: boolean;
  /** Whether the owner holds the state as the last successful task left it. */
  resident: boolean;
  /** The last checkpoint (absent: the state was empty then). */
  checkpoint: BlobRef | undefined;
  checkpointBytes: number;
  /** How long the worker took to make it, in ms. */
  checkpointMs: number;
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
   * The slot to run the key group's next task on: its owner while it has state. A key group without state (new,
   * or left empty, as every batch key group is after it fires) holds nothing anywhere, so it may move: to the slot
   * holding the fewest of its stage's key groups that have state or a task in flight, the least loaded (`loads`,
   * tasks in flight per slot) among those. Counting the stage's key groups first keeps a stream's resident state
   * spread evenly over the workers, whatever else was running when its key groups first got records; the load
   * breaks ties, so a batch key group does not queue behind its owner's other work.
   */
  slotFor(stage: string, partition: number, loads: readonly number[]): number {
    const g = this.group(stage, partition);
    if (!g.hasState && g.inFlight === 0 && g.checkpoint === undefined && g.log.length === 0) {
      const held = new Array<number>(this.slots).fill(0);
      for (const other of this.groups.values()) {
        if (other !== g && other.stage === stage && (other.hasState || other.inFlight > 0)) held[other.owner]!++;
      }
      let best = 0;
      for (let i = 1; i < this.slots; i++) {
        if (held[i]! < held[best]! || (held[i] === held[best] && loads[i]! < loads[best]!)) best = i;
      }
      g.owner = best;
    }
    g.inFlight++;
    return g.owner;
  }

  /** The task {@link slotFor} placed ended (succeeded, failed or lost). */
  ended(stage: string, partition: number): void {
    this.group(stage, partition).inFlight--;
  }

  /** What the owner must rebuild before running the key group's next task (undefined: it holds the state). */
  restoreFor(stage: string, partition: number): KeyGroupRestore | undefined {
    const g = this.group(stage, partition);
    if (g.resident || (g.checkpoint === undefined && g.log.length === 0)) return undefined;
    return { ...(g.checkpoint !== undefined ? { checkpoint: g.checkpoint } : {}), replay: g.log };
  }

  /** Whether the owner is believed to hold the key group's state (it had some, and the owner was not lost since). */
  holdsState(stage: string, partition: number): boolean {
    const g = this.group(stage, partition);
    return g.resident && g.hasState;
  }

  /** Whether the key group's next task, with `recordBytes` of records, should return a checkpoint. */
  wantsCheckpoint(stage: string, partition: number, recordBytes: number): boolean {
    const g = this.group(stage, partition);
    const logged = g.logBytes + recordBytes;
    if (logged >= Math.max(MIN_CHECKPOINT_BYTES, LOG_PER_CHECKPOINT * g.checkpointBytes) || g.log.length >= MAX_LOGGED_TASKS) return true;
    const interval = Math.max(CHECKPOINT_INTERVAL_MS, INTERVAL_PER_CHECKPOINT_MS * g.checkpointMs);
    return g.log.length > 0 && Date.now() - g.checkpointAt >= interval && logged * 8 >= g.checkpointBytes;
  }

  /**
   * A group task succeeded on the owner: the state is resident, and either empty (nothing to keep), checkpointed
   * (the log is cleared), or one task further (logged, keeping its records).
   */
  succeeded(stage: string, partition: number, task: GroupReplay, hasState: boolean, checkpoint: BlobRef | undefined, checkpointMs = 0): void {
    const g = this.group(stage, partition);
    g.resident = true;
    g.hasState = hasState;
    if (!hasState || checkpoint !== undefined) {
      this.clear(g);
      if (checkpoint !== undefined) {
        g.checkpoint = checkpoint;
        g.checkpointBytes = bytesOf(checkpoint);
        g.checkpointMs = checkpointMs;
      }
      for (const r of task.records) this.release(r);
      return;
    }
    g.log.push(task);
    for (const r of task.records) g.logBytes += bytesOf(r);
  }

  /**
   * The owner dropped the key group's state after handing it over as the checkpoint just taken (it was over its
   * memory budget): the next task brings the checkpoint back.
   */
  evicted(stage: string, partition: number): void {
    this.group(stage, partition).resident = false;
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
    g.checkpointMs = 0;
    g.checkpointAt = Date.now();
    g.log = [];
    g.logBytes = 0;
  }

  private group(stage: string, partition: number): KeyGroup {
    const key = `${stage}/${partition}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { stage, owner: ownerSlot(stage, partition, this.slots), inFlight: 0, hasState: false, resident: true, checkpoint: undefined, checkpointBytes: 0, checkpointMs: 0, checkpointAt: Date.now(), log: [], logBytes: 0 };
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
