// `npm start`: the whole product with zero configuration.
// Embedded PostgreSQL under DATA_DIR (unless DATABASE_URL is set) → migrations → the demo seed on first
// start → the SPA build if missing → api and worker as child processes. Ctrl-C stops everything,
// the embedded database last. Children watch an IPC channel, so they exit even if this process is killed.
// Supervision: the api, the worker and the embedded PostgreSQL are each restarted with a growing delay,
// forever; one crash-looping part never takes the others down (readiness says which part is down).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { childEnv, type Config, loadConfigOrExit } from "@tidings/config";
import { randomToken, seedDemo } from "@tidings/core";
import {
  connectAndMigrate,
  createDataSource,
  type EmbeddedDatabase,
  embeddedOptionsFrom,
  startEmbeddedPostgres,
} from "@tidings/db";
import { WORKER_MAIN, workerCommand } from "./bundle.ts";
import { API_NODE_FLAGS, WORKER_ENV_DEFAULTS, WORKER_NODE_FLAGS } from "./launch.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();
const say = (line: string) => process.stdout.write(`[tidings] ${line}\n`);

const ensureWebBuilt = () => {
  if (fs.existsSync(path.join(ROOT, "apps/web/dist/index.html"))) return;
  if (!fs.existsSync(path.join(ROOT, "apps/web/index.html"))) return;
  say("building the web app (first start only)…");
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"],
    {
      cwd: path.join(ROOT, "apps/web"),
      stdio: "inherit",
    },
  );
  if (r.status !== 0) say("the web app did not build; the api still runs. See the output above.");
};

/** First start: generate the demo password (unless DEMO_PASSWORD is set), print it once, keep a 0600 copy. */
const seed = async (config: Config, databaseUrl: string) => {
  const ds = createDataSource({ url: databaseUrl, poolSize: 2, applicationName: "tidings-start" });
  try {
    const applied = await connectAndMigrate(ds);
    if (applied.length) say(`database migrated: ${applied.join(", ")}`);
    if (!config.SEED_DEMO) return null;
    const password = config.DEMO_PASSWORD ?? randomToken(9);
    const seeded = await ds.transaction((m) => seedDemo(m, { password }));
    if (!seeded) return null;
    if (!config.DEMO_PASSWORD) {
      fs.mkdirSync(config.DATA_DIR, { recursive: true });
      fs.writeFileSync(path.join(config.DATA_DIR, "demo-password"), `${password}\n`, { mode: 0o600 });
    }
    return password;
  } finally {
    await ds.destroy();
  }
};

const LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** Children log pino JSON (for machines); the terminal gets one short readable line per entry. */
const humanLine = (line: string) => {
  if (!line.startsWith("{")) return line;
  try {
    const { level, msg, time: _t, pid: _p, hostname: _h, name: _n, err, ...rest } = JSON.parse(line);
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    const error = err?.message ? ` error="${err.message}"` : "";
    return `${LEVELS[level] ?? level} ${msg ?? ""}${fields ? ` ${fields}` : ""}${error}`;
  } catch {
    return line;
  }
};

/**
 * The worker runs bundled (scripts/bundle.ts: plain JavaScript, ~25 MB less per isolate than through tsx);
 * if bundling fails, it runs through tsx as the api does, and says so.
 */
const workerArgs = async (): Promise<string[]> => {
  try {
    return await workerCommand();
  } catch (err) {
    say(`could not bundle the worker (${(err as Error).message}); running it through tsx`);
    return [...WORKER_NODE_FLAGS, "--import", "tsx", path.join(ROOT, WORKER_MAIN)];
  }
};

/** `failures`: exits in a row, each after less than a minute up (a child that ran a minute starts afresh). */
type Child = {
  name: string;
  args: string[];
  /** Environment defaults (the worker's allocator settings, scripts/bundle.ts). */
  envDefaults?: Record<string, string>;
  proc: ChildProcess | null;
  failures: number;
  startedAt: number;
};

/** 0.25 s after the first failure, doubling with each further one in a row, at most 30 s; never giving up. */
const restartDelayMs = (failures: number) => Math.min(30_000, 250 * 2 ** Math.max(0, failures - 1));

/**
 * DATA_DIR holds the database password, the demo password, stored attachments and the .eml outbox: only
 * this user may read it (as root, the postgres user may pass through to its cluster, nothing more).
 * Files the api and worker create there are private too (umask 077, set before they are spawned).
 */
const securePermissions = (dataDir: string) => {
  fs.mkdirSync(dataDir, { recursive: true });
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  fs.chmodSync(dataDir, asRoot ? 0o711 : 0o700);
  for (const sub of ["outbox", "uploads"]) {
    const dir = path.join(dataDir, sub);
    if (fs.existsSync(dir)) fs.chmodSync(dir, 0o700);
  }
  const demo = path.join(dataDir, "demo-password");
  if (fs.existsSync(demo)) fs.chmodSync(demo, 0o600);
};

const main = async () => {
  const config = loadConfigOrExit();
  securePermissions(config.DATA_DIR);
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.DATABASE_URL;
  let stopping = false;
  /** A killed or crashed postmaster is started again on the same data, with the same backoff as the children. */
  const reviveDatabase = async (why: string) => {
    say(`embedded PostgreSQL stopped unexpectedly: ${why}; restarting it`);
    for (let attempt = 1; !stopping && embedded; attempt++) {
      await new Promise((r) => setTimeout(r, restartDelayMs(attempt)));
      if (stopping) return;
      try {
        await embedded.restart();
        say("embedded PostgreSQL restarted");
        return;
      } catch (err) {
        say(`embedded PostgreSQL did not restart (${(err as Error)?.message ?? err}); trying again`);
      }
    }
  };
  if (!databaseUrl) {
    const options = embeddedOptionsFrom(config);
    say(`starting the embedded PostgreSQL in ${options.dataDir}…`);
    embedded = await startEmbeddedPostgres({
      ...options,
      onUnexpectedExit: (why) => void reviveDatabase(why),
    });
    databaseUrl = embedded.url;
  }
  const children: Child[] = [
    {
      name: "api",
      args: [...API_NODE_FLAGS, "--import", "tsx", path.join(ROOT, "apps/api/src/main.ts")],
      proc: null,
      failures: 0,
      startedAt: 0,
    },
    {
      name: "worker",
      args: await workerArgs(),
      envDefaults: WORKER_ENV_DEFAULTS,
      proc: null,
      failures: 0,
      startedAt: 0,
    },
  ];

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            const p = c.proc;
            if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
            const kill = setTimeout(() => p.kill("SIGKILL"), 15_000);
            p.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            p.kill("SIGTERM");
          }),
      ),
    );
    if (embedded) {
      await embedded.stop().catch((err) => say(`embedded PostgreSQL did not stop cleanly: ${err}`));
      say("embedded PostgreSQL stopped");
    }
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  let password: string | null;
  try {
    password = await seed(config, databaseUrl);
  } catch (err) {
    say(`could not prepare the database: ${(err as Error).message}`);
    return stopAll(1);
  }
  ensureWebBuilt();

  let ready = 0;
  const onReady = () => {
    if (++ready !== children.length) return;
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    say(`ready in ${secs} s`);
    say(`open ${config.PUBLIC_URL}`);
    if (config.INBOUND_SMTP_PORT) {
      say(`inbound SMTP listening on ${config.INBOUND_SMTP_HOST}:${config.INBOUND_SMTP_PORT}`);
    }
    if (password) {
      say(
        `demo seed created: sign in as "maintainer" (or admin, owner, developer, reporter, guest, outsider) with password: ${password}`,
      );
      if (!config.DEMO_PASSWORD) say(`(shown once; a copy is in ${path.join(config.DATA_DIR, "demo-password")})`);
    } else if (config.SEED_DEMO) {
      const saved = path.join(config.DATA_DIR, "demo-password");
      say(
        `sign in as "maintainer" with ${config.DEMO_PASSWORD ? "DEMO_PASSWORD" : fs.existsSync(saved) ? `the password in ${saved}` : "your password"}`,
      );
    }
    say("press Ctrl-C to stop");
  };

  const launch = (child: Child) => {
    const proc = spawn(process.execPath, child.args, {
      cwd: ROOT,
      env: childEnv({ DATABASE_URL: databaseUrl, DATA_DIR: config.DATA_DIR }, child.envDefaults),
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    child.proc = proc;
    child.startedAt = Date.now();
    let buffer = "";
    let announced = false;
    proc.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let i = buffer.indexOf("\n");
      while (i >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        process.stdout.write(`[${child.name}] ${humanLine(line)}\n`);
        if (!announced && line.includes(`"msg":"${child.name}.ready"`)) {
          announced = true;
          onReady();
        }
        i = buffer.indexOf("\n");
      }
    });
    proc.on("exit", (code, signal) => {
      if (stopping) return;
      if (code === 78) {
        // Invalid configuration: a restart would fail the same way.
        say(`${child.name} exited (configuration error, see above) and will not be restarted`);
        void stopAll(1);
        return;
      }
      child.failures = Date.now() - child.startedAt >= 60_000 ? 1 : child.failures + 1;
      const delay = restartDelayMs(child.failures);
      say(
        `${child.name} exited (${signal ?? code}); restarting in ${delay / 1000} s (failure ${child.failures} in a row)`,
      );
      setTimeout(() => !stopping && launch(child), delay);
    });
  };
  process.umask(0o077); // inherited by the api and worker: uploads and .eml files are 0600, their dirs 0700
  for (const child of children) launch(child);
};

await main();
