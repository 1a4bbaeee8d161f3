/**
 * The NATS runner's options: where the cluster is, how to authenticate, and the parallel runners' own
 * (`runners/shared/parallel-options.ts`). Listed in the registry (`runners/registry.ts`) and shared with
 * `sluice worker`, which connects with the same ones.
 * @module
 */
import os from "node:os";
import type { Options as YargsOption } from "yargs";
import { optionDefaults, type PipelineOptions } from "../../sdk/options.js";
import { UsageError } from "../../sdk/usage-error.js";
import { PARALLEL_OPTIONS, requirePositiveIntegers, type ParallelOptions } from "../shared/parallel-options.js";

/** How a coordinator or a worker reaches the cluster. */
export interface NatsConnectionOptions {
  /** Comma-separated server URLs (`nats://h1:4222,nats://h2:4222`); default `$SLUICE_NATS_SERVERS`, else local. */
  servers?: string;
  /** User and password (user/password auth). */
  user?: string;
  password?: string;
  /** Token auth. */
  token?: string;
  /** A file with an nkey seed (nkey auth). */
  nkeyFile?: string;
  /** A `.creds` file (JWT and nkey seed, decentralised auth). */
  credsFile?: string;
  /** TLS: the CA to trust, and a client certificate and key for mutual TLS. */
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** What the NATS runner reads besides the standard options. */
export interface NatsOptions extends NatsConnectionOptions, Omit<ParallelOptions, "parallelism"> {
  /** Worker slots the job uses (default: the workers connected when it starts). */
  parallelism?: number;
  /** Start this many `sluice worker` processes on this machine for the run (0: use the cluster's workers). */
  localWorkers: number;
  /** How long to wait for a first worker before failing, in seconds. */
  workerWait: number;
  /** Stream replicas (default: 3 on a cluster, 1 on a single server). */
  replicas?: number;
  /** Memory budget per worker in MiB (grouping spills to the worker's disk past it), as on the process runner. */
  memoryMb: number;
}

/**
 * The environment variable that makes `sluice worker` a serving process: its options, as JSON. Declared here, not
 * in the supervisor, so that the CLI, which reads it, loads no NATS client until a worker command runs.
 */
export const SERVING_PROCESS_ENV = "SLUICE_WORKER_PROCESS";

/** The connection options, shared by the runner and `sluice worker`. */
export const NATS_CONNECTION_OPTIONS: Readonly<Record<keyof NatsConnectionOptions, YargsOption>> = {
  servers: {
    type: "string",
    defaultDescription: "$SLUICE_NATS_SERVERS, else nats://127.0.0.1:4222",
    describe: "NATS server URLs, comma-separated",
  },
  user: { type: "string", describe: "NATS user, with --password (or $SLUICE_NATS_USER)" },
  password: { type: "string", describe: "NATS password (or $SLUICE_NATS_PASSWORD)" },
  token: { type: "string", describe: "NATS auth token (or $SLUICE_NATS_TOKEN)" },
  nkeyFile: { type: "string", describe: "file holding an nkey seed (nkey auth)" },
  credsFile: { type: "string", describe: "NATS .creds file (JWT auth)" },
  tlsCa: { type: "string", describe: "TLS: CA certificate file to trust" },
  tlsCert: { type: "string", describe: "TLS: client certificate file (with --tlsKey)" },
  tlsKey: { type: "string", describe: "TLS: client key file" },
};

/** The yargs declarations of {@link NatsOptions}. */
export const NATS_OPTIONS: Readonly<Record<keyof NatsOptions, YargsOption>> = {
  ...NATS_CONNECTION_OPTIONS,
  maxAttempts: PARALLEL_OPTIONS.maxAttempts,
  tempDir: {
    type: "string",
    default: os.tmpdir(),
    describe: "the coordinator's temporary files (workers use their own --tempDir)",
  },
  parallelism: { type: "number", describe: "worker slots (default: the workers connected when the job starts)" },
  localWorkers: { type: "number", default: 0, describe: "start this many workers on this machine for the run" },
  workerWait: { type: "number", default: 30, describe: "seconds to wait for a first worker" },
  replicas: { type: "number", describe: "stream replicas (default: 3 on a cluster, 1 on a single server)" },
  memoryMb: {
    type: "number",
    default: 512,
    describe: "memory budget (MiB) per worker: grouping spills to the worker's disk past it (or past the worker's own --memoryMb, if smaller); --localWorkers run with it as theirs",
  },
};

/** The NATS runner's options of a job, with their defaults where unset. */
export function natsOptions(options: PipelineOptions): NatsOptions & PipelineOptions {
  return { ...optionDefaults(NATS_OPTIONS), ...options } as NatsOptions & PipelineOptions;
}

/** Checks the values of {@link NatsOptions} that yargs cannot. @throws UsageError */
export function validateNatsOptions(options: PipelineOptions): void {
  requirePositiveIntegers(options, ["maxAttempts", "memoryMb"]);
  for (const name of ["parallelism", "replicas"] as const) if (options[name] !== undefined) requirePositiveIntegers(options, [name]);
  const local = options.localWorkers;
  if (local !== undefined && (typeof local !== "number" || !Number.isInteger(local) || local < 0)) {
    throw new UsageError(`--localWorkers must be a non-negative integer, got ${String(local)}`);
  }
  if (options.replicas !== undefined && Number(options.replicas) > 5) throw new UsageError(`--replicas must be at most 5, got ${String(options.replicas)}`);
  const servers = String(options.servers ?? process.env.SLUICE_NATS_SERVERS ?? "nats://127.0.0.1:4222");
  for (const s of servers.split(",")) {
    if (!/^(nats|tls|wss?):\/\/[^\s/]+/.test(s.trim()) && !/^[^\s:/]+(:\d+)?$/.test(s.trim())) {
      throw new UsageError(`--servers: '${s}' is not a NATS server URL (nats://host:port)`);
    }
  }
  const user = options.user ?? process.env.SLUICE_NATS_USER;
  if ((user === undefined) !== (options.password === undefined && process.env.SLUICE_NATS_PASSWORD === undefined)) {
    throw new UsageError("--user and --password go together");
  }
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new UsageError("--tlsCert and --tlsKey go together");
}
