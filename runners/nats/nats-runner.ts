/**
 * The NATS runner: the job's coordinator runs here and drives the one engine through a {@link NatsWorkerPool};
 * workers anywhere that reach the cluster (`sluice worker`) run its tasks. Durability, data movement and
 * failover come from NATS JetStream: tasks on a work-queue stream, blobs and results on a replicated data stream,
 * the code in an object store, liveness in key-value buckets (see `job-resources.ts`). Nothing here listens on a
 * port; a job's streams and buckets are deleted when it ends, and those of a job whose coordinator died are
 * removed by the next job.
 * @module
 */
import os from "node:os";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Job, PipelineResult, Runner } from "../../sdk/runner-api.js";
import { PipelineError } from "../../sdk/runner-api.js";
import { cleanUpRunDir, makePrivateDir, onInterrupt } from "../../sdk/files/private-dir.js";
import { runOnPool } from "../shared/run-on-pool.js";
import { parallelRunnerUnsupportedFeatures } from "../shared/unsupported.js";
import { sluiceVersion } from "../cli/version.js";
import { buildCodeBundle } from "./code-bundle.js";
import { connectNats, redactConnectionOptions } from "./connect.js";
import { CODE_BUCKET, deleteJobResources, ensureStreams, HEARTBEAT_MS, JobNames, newJobId, registries, removeStaleJobs, replicasFor, setUpThroughTimeouts, type JobEntry } from "./job-resources.js";
import { startLocalWorkers, type LocalWorkers } from "./local-workers.js";
import { natsOptions } from "./nats-options.js";
import { NatsWorkerPool } from "./nats-pool.js";

export class NatsRunner implements Runner {
  readonly name = "nats";

  unsupportedFeatures(job: Job): string[] {
    const reasons = parallelRunnerUnsupportedFeatures(job);
    if (job.source && !job.source.moduleUrl.startsWith("file:")) reasons.push(`a pipeline module that is not a file (${job.source.moduleUrl}): its code is shipped to workers from the file`);
    return reasons;
  }

  async run(job: Job): Promise<PipelineResult> {
    const options = natsOptions(job.options);
    const log = (line: string) => {
      if (!options.quiet) console.error(`sluice nats: ${line}`);
    };
    const local: LocalWorkers | undefined = options.localWorkers > 0 ? startLocalWorkers(options.localWorkers, options) : undefined;
    let nc: NatsConnection | undefined;
    let names: JobNames | undefined;
    let pool: NatsWorkerPool | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    let cluster: { readonly jsm: JetStreamManager; readonly jobs: KV } | undefined;
    const runDir = makePrivateDir(options.tempDir, "sluice-natsrun-");
    let cleaned: Promise<void> | undefined;
    const cleanUp = () =>
      (cleaned ??= (async () => {
        clearInterval(heartbeat);
        await pool?.close();
        // With the managers made at the start: a new one asks the cluster for account info, which times out while
        // it fails over, and what this leaves behind is removed by a later job, which finds this one stale.
        if (cluster && names) {
          await cluster.jobs.delete(names.id).catch(() => undefined);
          await deleteJobResources(cluster.jsm, names);
        }
        await nc?.drain().catch(() => undefined);
        await local?.stop();
        cleanUpRunDir(runDir);
      })());
    onInterrupt(runDir, cleanUp);
    const t0 = performance.now();
    const lap = (what: string) => process.env.SLUICE_NATS_TRACE && console.error(`nats trace: ${what} at ${(performance.now() - t0).toFixed(0)} ms`);
    try {
      nc = await connectNats(options, `sluice-coordinator-${os.hostname()}-${process.pid}`);
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      const replicas = replicasFor(nc, options.replicas);
      const source = job.source!;
      const jobNames = (names = new JobNames(newJobId()));
      const [registry, code, store] = await Promise.all([
        registries(nc, replicas),
        buildCodeBundle(source.moduleUrl),
        setUpThroughTimeouts(() => new Objm(nc!).open(CODE_BUCKET, true).catch(() => new Objm(nc!).create(CODE_BUCKET, { replicas }))),
        ensureStreams(jsm, replicas),
      ]);
      cluster = { jsm, jobs: registry.jobs };
      lap("set up");
      // The same code (a pipeline run again) is stored once.
      if (!(await store.info(code.sha256).catch(() => null))) await store.putBlob({ name: code.sha256 }, code.code);
      lap("code");
      const entry: JobEntry = {
        id: jobNames.id,
        code: { bucket: CODE_BUCKET, name: code.sha256, sha256: code.sha256 },
        sluiceVersion: sluiceVersion(),
        pipelineUrl: source.moduleUrl,
        host: os.hostname(),
      };
      const put = () => registry.jobs.put(jobNames.id, JSON.stringify(entry)).catch(() => undefined);
      await put();
      heartbeat = setInterval(() => void put(), HEARTBEAT_MS);
      void removeStaleJobs(jsm, registry.jobs).then((stale) => stale.forEach((id) => log(`removed the messages of job ${id}, whose coordinator stopped`)), () => undefined);
      const minWorkers = Math.max(1, options.localWorkers);
      pool = await NatsWorkerPool.start({ nc, js, jsm, names: jobNames }, {
        parallelism: options.parallelism ?? (options.localWorkers || undefined),
        waitMs: options.workerWait * 1000,
        minWorkers,
        log,
      });
      // Workers connect with their own credentials: none travel in the job's messages.
      const workerOptions = redactConnectionOptions(job.options);
      const runJob: Job = { ...job, options: workerOptions, source: { ...source, options: redactConnectionOptions(source.options) } };
      lap("pool");
      return await runOnPool(runJob, pool, { retryUserErrors: true, release: pool.release });
    } catch (e) {
      throw e instanceof PipelineError ? e : new PipelineError(`the NATS runner failed: ${(e as Error).message}`, { cause: e });
    } finally {
      lap("ran");
      await cleanUp();
      lap("cleaned up");
    }
  }
}
