// `npm start` as a person runs it: a real launcher process, embedded PostgreSQL, api and worker.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { childEnv } from "@tidings/config";
import { freePort } from "@tidings/db";
import { afterAll, describe, expect, it } from "vitest";
import { API_NODE_FLAGS, WORKER_NODE_FLAGS } from "./launch.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-start-"));
fs.chmodSync(dataDir, 0o755);
const isRoot = process.getuid?.() === 0;
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
let port = 0;
const METRICS_TOKEN = "start-test-metrics-token";

type Run = { proc: ChildProcess; output: () => string; exited: Promise<number | null> };

/** The pid of the launcher's child running `script` (from /proc), or null while there is none. */
const childPid = (launcherPid: number, script: string) => {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== launcherPid) continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(script)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return null;
};
const readiness = async () => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/-/readiness`);
    return (await res.json()) as Record<string, string>;
  } catch {
    return { status: "unreachable" };
  }
};

const start = async (): Promise<Run> => {
  port ||= await freePort();
  const proc = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env: childEnv({
      DATA_DIR: dataDir,
      PORT: String(port),
      INBOUND_SMTP_PORT: "0",
      DATABASE_URL: "",
      LOG_LEVEL: "info",
      METRICS_TOKEN,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  await expect.poll(() => out, { timeout: 110_000, interval: 200 }).toMatch(/ready in [\d.]+ s/);
  return { proc, output: () => out, exited };
};

const postmasterPid = () => {
  const file = path.join(dataDir, "postgres/cluster/postmaster.pid");
  return fs.existsSync(file) ? Number(fs.readFileSync(file, "utf8").split("\n")[0]) : null;
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const signInStatus = async (password: string) =>
  (
    await fetch(`http://127.0.0.1:${port}/auth/sign_in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "maintainer", password }),
    })
  ).status;

describe("npm start", { timeout: 240_000 }, () => {
  let password = "";
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("starts from nothing, seeds the demo once, prints the URL and the sign-in hint", async () => {
    // An outbox left readable by an earlier version is closed on start.
    fs.mkdirSync(path.join(dataDir, "outbox"), { mode: 0o755 });
    fs.chmodSync(path.join(dataDir, "outbox"), 0o755);
    const run = await start();
    const out = run.output();
    expect(out).toContain(`open http://127.0.0.1:${port}`);
    password = /with password: (\S+)/.exec(out)?.[1] ?? "";
    expect(password).not.toBe("");
    expect(fs.readFileSync(path.join(dataDir, "demo-password"), "utf8").trim()).toBe(password);
    expect((fs.statSync(path.join(dataDir, "demo-password")).mode & 0o777).toString(8)).toBe("600");
    // Issue 9 item 5: DATA_DIR is private (as root the postgres user may only pass through), the generated
    // database password is 0600, and the outbox is closed.
    expect(mode(dataDir)).toBe(isRoot ? "711" : "700");
    expect(mode(path.join(dataDir, "postgres"))).toBe(isRoot ? "711" : "700");
    expect(mode(path.join(dataDir, "postgres/password"))).toBe("600");
    expect(mode(path.join(dataDir, "outbox"))).toBe("700");
    expect(run.output()).not.toContain(fs.readFileSync(path.join(dataDir, "postgres/password"), "utf8").trim());
    expect(await signInStatus(password)).toBe(200);
    // The worker runs with its allocator settings and the processes with their node flags (scripts/launch.ts,
    // issue 14: the worker's memory under large mail, the api's list latency).
    const workerPid = childPid(run.proc.pid as number, ".build/worker-");
    const environ = fs.readFileSync(`/proc/${workerPid}/environ`, "utf8").split("\0");
    expect(environ).toEqual(expect.arrayContaining(["MALLOC_MMAP_THRESHOLD_=4194304", "MALLOC_ARENA_MAX=2"]));
    const argsOf = (pid: number | null) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    expect(argsOf(workerPid)).toEqual(expect.arrayContaining([...WORKER_NODE_FLAGS]));
    expect(argsOf(childPid(run.proc.pid as number, "apps/api/src/main.ts"))).toEqual(
      expect.arrayContaining([...API_NODE_FLAGS]),
    );
    const pgPid = postmasterPid();
    expect(pgPid && alive(pgPid)).toBe(true);

    run.proc.kill("SIGINT");
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toContain("embedded PostgreSQL stopped");
    expect(alive(pgPid as number)).toBe(false);
  });

  it("keeps the data on the next start and does not seed again", async () => {
    const run = await start();
    expect(run.output()).not.toContain("demo seed created");
    expect(run.output()).toContain("demo-password");
    expect(await signInStatus(password)).toBe(200);
    run.proc.kill("SIGTERM");
    expect(await run.exited, run.output()).toBe(0);
  });

  it("recovers on the same data after the launcher is killed outright (SIGKILL)", async () => {
    const run = await start();
    const pgPid = postmasterPid() as number;
    run.proc.kill("SIGKILL");
    await run.exited;
    // The api lets go of its port when the launcher's IPC channel closes; PostgreSQL is orphaned (G13).
    await expect
      .poll(
        async () =>
          fetch(`http://127.0.0.1:${port}/-/health`).then(
            () => "up",
            () => "down",
          ),
        {
          timeout: 20_000,
        },
      )
      .toBe("down");
    const again = await start();
    expect(alive(pgPid)).toBe(false); // the orphan was stopped before the new cluster started
    expect(await signInStatus(password)).toBe(200);
    again.proc.kill("SIGINT");
    expect(await again.exited, again.output()).toBe(0);
  });

  it("restarts a killed embedded postmaster; the product serves again", async () => {
    const run = await start();
    try {
      const pgPid = postmasterPid() as number;
      expect(alive(pgPid)).toBe(true);
      process.kill(pgPid, "SIGKILL");
      await expect
        .poll(() => run.output(), { timeout: 30_000 })
        .toMatch(/embedded PostgreSQL stopped unexpectedly[\s\S]*embedded PostgreSQL restarted/);
      const again = postmasterPid() as number;
      expect(again).not.toBe(pgPid);
      expect(alive(again)).toBe(true);
      await expect.poll(() => signInStatus(password), { timeout: 60_000, interval: 500 }).toBe(200);
      expect((await readiness()).database).toBe("ok");
    } finally {
      run.proc.kill("SIGINT");
      expect(await run.exited, run.output()).toBe(0);
    }
  });

  it("a crash-looping worker never takes the api down: restarted with backoff, readiness names it", async () => {
    const run = await start();
    const launcher = run.proc.pid as number;
    try {
      await expect.poll(readiness, { timeout: 20_000 }).toMatchObject({ status: "ok", worker: "ok" });
      // Kill every worker the launcher starts, seven times (more than six exits within a minute).
      let last: number | null = null;
      for (let kills = 0; kills < 7; kills++) {
        let pid: number | null = null;
        await expect
          .poll(
            () => {
              // npm start runs the worker's bundle (scripts/bundle.ts), not its TypeScript.
              pid = childPid(launcher, ".build/worker-");
              return pid !== null && pid !== last;
            },
            { timeout: 60_000, interval: 50 },
          )
          .toBe(true);
        last = pid;
        process.kill(pid as unknown as number, "SIGKILL");
        expect(await fetch(`http://127.0.0.1:${port}/-/health`).then((r) => r.status)).toBe(200);
      }
      // The api keeps serving, and says the worker is down while it is.
      expect(await signInStatus(password)).toBe(200);
      await expect
        .poll(readiness, { timeout: 20_000 })
        .toMatchObject({ status: "degraded", database: "ok", worker: "down" });
      const metrics = await fetch(`http://127.0.0.1:${port}/-/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      }).then((r) => r.text());
      expect(metrics).toMatch(/tidings_process_up\{kind="worker"\} 0/);
      // Backoff: each restart waited longer than the one before; the launcher never gave up.
      const delays = [...run.output().matchAll(/worker exited \(SIGKILL\); restarting in ([\d.]+) s/g)].map((m) =>
        Number(m[1]),
      );
      expect(delays).toHaveLength(7);
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
      expect(run.output()).not.toContain("will not be restarted");
      // Left alone, the worker comes back and readiness says so.
      await expect.poll(readiness, { timeout: 60_000, interval: 500 }).toMatchObject({ status: "ok", worker: "ok" });
    } finally {
      run.proc.kill("SIGINT");
      expect(await run.exited, run.output()).toBe(0);
    }
  });
});
