/**
 * Test helper: a throwaway NATS JetStream cluster of real `nats-server` processes on 127.0.0.1.
 *
 * Every node gets random free ports (client, cluster routes, http monitoring), its own JetStream store dir and
 * config file under one fresh `os.tmpdir()/sluice-nats-*` dir, and user/password auth with a random password.
 * Each node's stdout/stderr go to `<dir>/nN.log`; startup and restart errors quote that log's tail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";

export interface NatsCluster {
  /** Client URLs, e.g. ["nats://127.0.0.1:41234", ...] (no credentials in them). */
  readonly servers: readonly string[];
  /** The auth user every node requires (user/password auth). */
  readonly user: string;
  readonly password: string;
  /** Kills node i with SIGKILL (fault tests) and resolves once it exited. */
  kill(i: number): Promise<void>;
  /**
   * Starts node i again on the same ports and store dir; resolves once it serves clients and JetStream is healthy again.
   * (A still running node i is killed first.) "Healthy" is nats-server's full /healthz: the node has contact with a
   * meta leader and its stream and consumer replicas are current, so when node i was the meta leader and was killed
   * just before, this waits for the others to elect a new one (4-9 s on nats-server 2.9).
   */
  restart(i: number): Promise<void>;
  /** Stops every node and removes the store dirs. Idempotent. */
  stop(): Promise<void>;
}

const READY_DEADLINE_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const SBIN_NATS_SERVER = "/usr/sbin/nats-server";

/** The nats-server executable: the first on PATH, else /usr/sbin/nats-server; undefined when neither exists. */
function natsServerPath(): string | undefined {
  const candidates = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, "nats-server"));
  candidates.push(SBIN_NATS_SERVER);
  for (const file of candidates) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether nats-server is on PATH or at /usr/sbin/nats-server. */
export function natsServerAvailable(): boolean {
  return natsServerPath() !== undefined;
}

// Children still running when this process exits are killed (a failed or interrupted test run leaves no servers).
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of liveChildren) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    for (const dir of liveDirs) {
      try {
        fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  });
}

/** `count` distinct free TCP ports on 127.0.0.1 (each found by listening on port 0; all held until all are found). */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The status code of GET url, or an error message (connection refused, timeout). */
function httpStatus(url: string, timeoutMs = 1_000): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", (e) => resolve(e.message));
    });
    req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", (e) => resolve(e.message));
  });
}

function logTail(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, "utf8").trimEnd().split("\n");
    return text.slice(-lines).join("\n");
  } catch (e) {
    return `(no log: ${(e as Error).message})`;
  }
}

interface Node {
  readonly name: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly httpPort: number;
  readonly conf: string;
  readonly log: string;
  readonly storeDir: string;
  child: ChildProcess | undefined;
  /** Set when the current child exited (code or signal), for error messages. */
  exited: string | undefined;
}

/** A nats config string literal. */
const q = (s: string) => JSON.stringify(s);

function nodeConfig(node: Node, all: readonly Node[], clusterName: string, user: string, password: string, maxFileStore: string): string {
  const routes = all.filter((n) => n !== node).map((n) => `    ${q(`nats-route://127.0.0.1:${n.clusterPort}`)}`);
  // nats-server refuses a cluster without routes ("JetStream cluster requires configured routes"): one node runs alone.
  const cluster = routes.length
    ? [`cluster {`, `  name: ${q(clusterName)}`, `  listen: ${q(`127.0.0.1:${node.clusterPort}`)}`, `  routes: [`, ...routes, `  ]`, `}`]
    : [];
  return [
    `server_name: ${q(node.name)}`,
    `host: "127.0.0.1"`,
    `port: ${node.clientPort}`,
    // Binds to `host` (127.0.0.1) as well.
    `http_port: ${node.httpPort}`,
    `jetstream {`,
    `  store_dir: ${q(node.storeDir)}`,
    `  max_memory_store: 256MB`,
    `  max_file_store: ${maxFileStore}`,
    `}`,
    ...cluster,
    `authorization {`,
    `  user: ${q(user)}`,
    `  password: ${q(password)}`,
    `}`,
    ``,
  ].join("\n");
}

/** How a test cluster is made. */
export interface NatsClusterOptions {
  /** Nodes (default 3). */
  readonly nodes?: number;
  /** Each node's JetStream file storage limit, as nats-server reads it (default "2GB"). */
  readonly maxFileStore?: string;
}

/** Starts a `nodes`-node (default 3) JetStream cluster and resolves once every node is healthy and JetStream has a meta leader. */
export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1) throw new Error(`startNatsCluster: nodes must be a positive integer, got ${count}`);
  const bin = natsServerPath();
  if (!bin) throw new Error(`startNatsCluster: no nats-server on PATH or at ${SBIN_NATS_SERVER} (apt-get install nats-server)`);
  installExitHook();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-nats-"));
  liveDirs.add(dir);
  const user = "sluice";
  const password = crypto.randomBytes(18).toString("base64url");
  const clusterName = `sluice-${path.basename(dir).slice("sluice-nats-".length)}`;
  const ports = await freePorts(count * 3);
  const nodes: Node[] = [];
  for (let i = 0; i < count; i++) {
    const name = `n${i + 1}`;
    const storeDir = path.join(dir, name, "store");
    fs.mkdirSync(storeDir, { recursive: true });
    nodes.push({
      name,
      clientPort: ports[i * 3]!,
      clusterPort: ports[i * 3 + 1]!,
      httpPort: ports[i * 3 + 2]!,
      conf: path.join(dir, `${name}.conf`),
      log: path.join(dir, `${name}.log`),
      storeDir,
      child: undefined,
      exited: undefined,
    });
  }
  for (const node of nodes) fs.writeFileSync(node.conf, nodeConfig(node, nodes, clusterName, user, password, options.maxFileStore ?? "2GB"));
  const servers = nodes.map((n) => `nats://127.0.0.1:${n.clientPort}`);
  let stopped = false;

  function spawnNode(node: Node): void {
    const fd = fs.openSync(node.log, "a");
    let child: ChildProcess;
    try {
      fs.writeSync(fd, `--- ${new Date().toISOString()} sluice: starting ${bin} -c ${node.conf}\n`);
      child = spawn(bin!, ["-c", node.conf], { stdio: ["ignore", fd, fd] });
    } finally {
      fs.closeSync(fd);
    }
    node.child = child;
    node.exited = undefined;
    liveChildren.add(child);
    child.on("error", (e) => {
      node.exited ??= `failed to start: ${e.message}`;
    });
    child.on("exit", (code, signal) => {
      node.exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
      liveChildren.delete(child);
    });
  }

  /** An error quoting the tails of these nodes' logs (the dir is removed by the stop that follows a failed start). */
  function clusterError(message: string, logsOf: readonly Node[], lines = 30): Error {
    const tails = logsOf.map((n) => `--- tail of ${n.name}'s log (${n.log}):\n${logTail(n.log, lines)}`);
    return new Error([`nats cluster (${dir}): ${message}`, ...tails].join("\n"));
  }

  /**
   * Polls until every node of `readyNodes` answers `healthz` with 200 and a client connected to `clientServers` gets
   * JetStream account info (which only the meta leader answers: the cluster has one, and these nodes are routed to it).
   */
  async function waitReady(readyNodes: readonly Node[], clientServers: readonly string[], healthz: string, deadline: number): Promise<void> {
    const last = new Map<Node, string>();
    for (;;) {
      const pending: Node[] = [];
      for (const node of readyNodes) {
        if (node.exited) throw clusterError(`node ${node.name} ${node.exited} while starting`, [node]);
        const status = await httpStatus(`http://127.0.0.1:${node.httpPort}${healthz}`);
        if (status !== 200) {
          pending.push(node);
          last.set(node, `${healthz}: ${status}`);
        }
      }
      let jsError: string | undefined;
      if (pending.length === 0) {
        try {
          const nc = await connect({ servers: [...clientServers], user, pass: password, timeout: 1_000, maxReconnectAttempts: 0 });
          try {
            const jsm = await jetstreamManager(nc, { timeout: 2_000 });
            await jsm.getAccountInfo();
            return;
          } finally {
            await nc.close().catch(() => undefined);
          }
        } catch (e) {
          jsError = (e as Error).message;
        }
      }
      if (Date.now() > deadline) {
        const why = pending.length
          ? `not healthy: ${pending.map((n) => `${n.name} ${last.get(n)}`).join(", ")}`
          : `JetStream not ready (a client on ${clientServers.join(", ")} got: ${jsError})`;
        const logsOf = pending.length ? pending : readyNodes;
        throw clusterError(`not ready after ${READY_DEADLINE_MS} ms: ${why}`, logsOf, logsOf.length > 1 ? 15 : 30);
      }
      await sleep(200);
    }
  }

  async function killNode(node: Node, signal: NodeJS.Signals, graceMs?: number): Promise<void> {
    const child = node.child;
    if (!child || node.exited || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    if (graceMs === undefined) return exited;
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(nodes.map((n) => killNode(n, "SIGTERM", STOP_GRACE_MS)));
    fs.rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };

  const nodeAt = (i: number): Node => {
    const node = nodes[i];
    if (!node) throw new Error(`nats cluster: no node ${i} (nodes 0..${nodes.length - 1})`);
    if (stopped) throw new Error("nats cluster: already stopped");
    return node;
  };

  try {
    for (const node of nodes) spawnNode(node);
    // Healthz only for "JetStream enabled" on every node: the meta leader is waited for by the account info request
    // in waitReady, whose failure makes a clearer error than the full check's 503.
    await waitReady(nodes, servers, "/healthz?js-enabled-only=true", Date.now() + READY_DEADLINE_MS);
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    servers,
    user,
    password,
    kill: (i) => killNode(nodeAt(i), "SIGKILL"),
    restart: async (i) => {
      const node = nodeAt(i);
      await killNode(node, "SIGKILL");
      spawnNode(node);
      // The full health check: this node's meta state and its replicas of streams and consumers are current again
      // (caught up after the restart), so a fault test may kill another node next; then it serves JetStream requests.
      await waitReady([node], [`nats://127.0.0.1:${node.clientPort}`], "/healthz", Date.now() + READY_DEADLINE_MS);
    },
    stop,
  };
}
