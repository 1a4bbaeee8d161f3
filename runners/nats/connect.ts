/**
 * Connecting to the cluster from the connection options, alike for the coordinator and `sluice worker`.
 * Credentials come from the options, the environment (`SLUICE_NATS_PASSWORD`, `SLUICE_NATS_TOKEN`) or files
 * (nkey seed, .creds); they are never put in a job's messages (see {@link redactConnectionOptions}).
 * @module
 */
import fs from "node:fs";
import { connect, credsAuthenticator, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";
import type { PipelineOptions } from "../../sdk/options.js";
import { PipelineError } from "../../sdk/runner-api.js";
import type { NatsConnectionOptions } from "./nats-options.js";

/** The client options for `options`. */
export function clientOptions(options: NatsConnectionOptions, name: string): ConnectionOptions {
  const user = options.user ?? process.env.SLUICE_NATS_USER;
  const password = options.password ?? process.env.SLUICE_NATS_PASSWORD;
  const token = options.token ?? process.env.SLUICE_NATS_TOKEN;
  const tls = options.tlsCa || options.tlsCert ? { ...(options.tlsCa ? { caFile: options.tlsCa } : {}), ...(options.tlsCert ? { certFile: options.tlsCert, keyFile: options.tlsKey } : {}) } : undefined;
  return {
    servers: serversOf(options)
      .split(",").map((s) => s.trim()).filter((s) => s !== ""),
    name,
    ...(user !== undefined ? { user, pass: password } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(options.nkeyFile ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(fs.readFileSync(options.nkeyFile, "utf8").trim())) } : {}),
    ...(options.credsFile ? { authenticator: credsAuthenticator(fs.readFileSync(options.credsFile)) } : {}),
    ...(tls ? { tls } : {}),
    // A server that goes away is replaced by another of the cluster; the client keeps trying for as long as the
    // job may run, and publishes wait in its buffer meanwhile.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: false,
  };
}

/** The servers to connect to: the option, else `$SLUICE_NATS_SERVERS`, else a local server. */
export function serversOf(options: NatsConnectionOptions): string {
  return options.servers ?? process.env.SLUICE_NATS_SERVERS ?? "nats://127.0.0.1:4222";
}

/** Connects, or fails with a message naming the servers. */
export async function connectNats(options: NatsConnectionOptions, name: string): Promise<NatsConnection> {
  try {
    return await connect(clientOptions(options, name));
  } catch (e) {
    throw new PipelineError(`cannot connect to NATS at ${serversOf(options)}: ${(e as Error).message}`, { cause: e });
  }
}

/** The options without credentials, for what travels to workers (they connect with their own). */
export function redactConnectionOptions(options: PipelineOptions): PipelineOptions {
  const { password: _p, token: _t, ...rest } = options as PipelineOptions & { password?: unknown; token?: unknown };
  return rest as PipelineOptions;
}
