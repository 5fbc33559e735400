// `npm start` as a person runs it: a real launcher process, embedded PostgreSQL, api and worker.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { childEnv } from "@tidings/config";
import { freePort } from "@tidings/db";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-start-"));
fs.chmodSync(dataDir, 0o755);
let port = 0;

type Run = { proc: ChildProcess; output: () => string; exited: Promise<number | null> };

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
    const run = await start();
    const out = run.output();
    expect(out).toContain(`open http://127.0.0.1:${port}`);
    password = /with password: (\S+)/.exec(out)?.[1] ?? "";
    expect(password).not.toBe("");
    expect(fs.readFileSync(path.join(dataDir, "demo-password"), "utf8").trim()).toBe(password);
    expect((fs.statSync(path.join(dataDir, "demo-password")).mode & 0o777).toString(8)).toBe("600");
    expect(await signInStatus(password)).toBe(200);
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
});
