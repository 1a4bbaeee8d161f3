/**
 * Hung workers, for the pools of the parallel runners. A `process` stuck in an endless loop cannot be interrupted
 * from its own thread, so the pool side times every task: a worker that has not answered within its deadline
 * (`--taskTimeout`, plus a grace so that the worker's own lifecycle timeouts, which name the method, win) is
 * presumed hung, stopped and replaced, and the task fails with {@link hungTaskResult}: an error, reported like a
 * user-code error, naming the task's step and the steps fused with it.
 *
 * The pool knows a task only by its stage id; the runner registers each job's graph here
 * ({@link nameTasksOf}) so that a hung task can be named after its steps.
 * @module
 */
import type { PipelineGraph } from "../../sdk/graph.js";
import { fuse } from "../core/fusion.js";
import type { ExecutionPlan, Stage } from "../core/execution-plan.js";
import { formatSeconds, taskTimeoutMs } from "../core/liveness.js";
import type { TaskEnvelope, TaskResult } from "./protocol.js";

/** The graphs of the jobs running in this process, by job id, and their plans once a task had to be named. */
const jobs = new Map<string, { readonly graph: PipelineGraph; plan?: ExecutionPlan }>();

/**
 * Lets pools name the tasks of job `jobId` after its steps while it runs.
 * @returns a function that forgets the job (call it when the run ends)
 */
export function nameTasksOf(jobId: string, graph: PipelineGraph): () => void {
  jobs.set(jobId, { graph });
  return () => jobs.delete(jobId);
}

/**
 * What a pool adds to `--taskTimeout` (or a tenth of it, if more): a task's first run on a fresh worker also
 * re-imports the pipeline, and a lifecycle method that hangs should fail in the worker, naming the method.
 */
const GRACE_MS = 5000;

/** How long a pool waits for a worker to answer `envelope` before it presumes it hung, in ms; 0 for never. */
export function taskDeadlineMs(envelope: TaskEnvelope): number {
  const timeout = taskTimeoutMs(envelope.job.options.taskTimeout);
  return timeout === 0 ? 0 : timeout + Math.max(GRACE_MS, Math.ceil(timeout / 10));
}

/**
 * The failed result of a task whose worker did not answer within the deadline and was stopped: names the task
 * after its stage's root step (as the coordinator does) and the steps fused with it, since any of them may hang.
 */
export function hungTaskResult(envelope: TaskEnvelope): TaskResult {
  const seconds = formatSeconds(taskTimeoutMs(envelope.job.options.taskTimeout));
  const task = envelope.task;
  const job = jobs.get(envelope.job.jobId);
  const stage = job && task.kind !== "teardown" ? planOf(job).stages.find((s) => s.id === task.stage) : undefined;
  const steps = stage ? stageSteps(stage) : [];
  const named =
    steps.length === 0
      ? task.kind === "teardown"
        ? "teardown task"
        : `${task.kind} task of stage ${task.stage}`
      : `${task.kind} task of step '${steps[0]}'${steps.length > 1 ? ` (fused with ${steps.slice(1).map((s) => `'${s}'`).join(", ")})` : ""}`;
  const message =
    `${named} did not finish within ${seconds} (--taskTimeout): its worker was presumed hung, stopped and replaced ` +
    "(is a DoFn's process in an endless loop?)";
  return {
    shuffle: [],
    bundles: [],
    metrics: { counters: [], distributions: [], gauges: [] },
    counts: [],
    error: { message, ...(steps.length > 0 ? { step: steps[0]! } : {}) },
  };
}

function planOf(job: { readonly graph: PipelineGraph; plan?: ExecutionPlan }): ExecutionPlan {
  return (job.plan ??= fuse(job.graph));
}

/** The full names of a stage's steps, its root first. */
function stageSteps(stage: Stage): string[] {
  const root = stage.root;
  const rootStep =
    root.kind === "read" || root.kind === "impulse" || root.kind === "testStream"
      ? root.transform.fullName
      : root.kind === "shuffle"
        ? root.shuffle.step
        : undefined;
  const fused = stage.transforms.map((t) => t.fullName);
  return rootStep === undefined ? fused : [rootStep, ...fused];
}

/**
 * The tasks sent to one worker, which runs them one after another. A task's deadline counts from when the tasks
 * sent before it have settled, so that waiting in line behind a long task is not taken for hanging.
 */
export class TaskLine {
  /** Settles once every task watched so far has settled. */
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Watches `task`, just sent to the worker: `onHung` is called if it has not settled `deadlineMs` after the tasks
   * before it did (never when `deadlineMs` is 0).
   * @returns `task`, settling as it does
   */
  watch<T>(task: Promise<T>, deadlineMs: number, onHung: () => void): Promise<T> {
    const turn = this.tail;
    this.tail = task.then(
      () => undefined,
      () => undefined,
    );
    if (!(deadlineMs > 0)) return task;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    void turn.then(() => {
      if (!settled) timer = setTimeout(onHung, deadlineMs);
    });
    const done = (): void => {
      settled = true;
      clearTimeout(timer);
    };
    task.then(done, done);
    return task;
  }
}
