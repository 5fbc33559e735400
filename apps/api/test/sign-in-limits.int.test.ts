// Issue 9 item 2: sign-in throttling that parallel guesses, a second login name and a forged
// X-Forwarded-For cannot get around, and failed attempts that never put the typed login in the logs.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { childEnv } from "@tidings/config";
import { SIGN_IN_LIMITS } from "@tidings/core";
import { freePort } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, startTestApi, type TestApi } from "./harness.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

const signIn = (url: string, login: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/auth/sign_in`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ login, password }),
  }).then((r) => r.status);

const tally = (statuses: number[]) => ({
  401: statuses.filter((s) => s === 401).length,
  429: statuses.filter((s) => s === 429).length,
  other: statuses.filter((s) => s !== 401 && s !== 429).length,
});

describe("sign-in limits (issue 9 item 2)", () => {
  let db: TestDatabase;
  let api: TestApi;
  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi(db);
  });
  afterAll(async () => {
    await api.close();
    await db.drop();
  });
  beforeEach(async () => {
    await db.dataSource.query("DELETE FROM failed_sign_ins");
  });

  it("checks at most the limit of 30 parallel wrong guesses; the rest get 429 without a password check", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(api.url, "developer", `wrong-${i}`)),
    );
    const counts = tally(statuses);
    expect(counts.other).toBe(0);
    expect(counts[401]).toBeLessThanOrEqual(SIGN_IN_LIMITS.perLogin);
    expect(counts[429]).toBeGreaterThanOrEqual(30 - SIGN_IN_LIMITS.perLogin);
    // The attempts recorded are the ones whose password was checked.
    const [{ n }] = await db.dataSource.query("SELECT count(*)::int AS n FROM failed_sign_ins");
    expect(n).toBe(counts[401]);
    // A burst may leave some of the limit unused (attempts that counted each other are refused), never more:
    // the guesses that follow are checked only up to the limit in all, then even the right password waits.
    for (let i = counts[401]; i < SIGN_IN_LIMITS.perLogin; i++) {
      expect(await signIn(api.url, "developer", `wrong-again-${i}`)).toBe(401);
    }
    expect(await signIn(api.url, "developer", DEMO_PASSWORD)).toBe(429);
  });

  it("counts per account: a username locked by wrong guesses is locked through its email address too", async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.perLogin; i++) expect(await signIn(api.url, "reporter", "nope-nope")).toBe(401);
    expect(await signIn(api.url, "Reporter@Example.com", DEMO_PASSWORD)).toBe(429);
    expect(await signIn(api.url, "reporter", DEMO_PASSWORD)).toBe(429);
    // Another account is not affected.
    expect(await signIn(api.url, "guest", DEMO_PASSWORD)).toBe(200);
  });

  it("ignores X-Forwarded-For from a loopback client when TRUSTED_PROXIES is unset", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_LIMITS.perIp + 1; i++) {
      statuses.push(await signIn(api.url, `nobody-${i}`, "wrong", { "x-forwarded-for": `203.0.113.${i + 1}` }));
    }
    expect(statuses.slice(0, SIGN_IN_LIMITS.perIp).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429); // all from 127.0.0.1, whatever the header says
    const ips = await db.dataSource.query("SELECT DISTINCT ip FROM failed_sign_ins");
    expect(ips).toHaveLength(1);
    expect(ips[0].ip).toMatch(/127\.0\.0\.1/);
  });

  it("answers unknown logins, blocked users and bots exactly like a wrong password", async () => {
    expect(await signIn(api.url, "nobody-at-all", "wrong")).toBe(401);
    expect(await signIn(api.url, "support-bot", DEMO_PASSWORD)).toBe(401);
  });
});

type ApiProcess = { url: string; output: () => string; stop: () => Promise<void> };

/** The real api process (apps/api/src/main.ts) on its own database, its stdout kept. */
const startApiProcess = async (db: TestDatabase, env: Record<string, string> = {}): Promise<ApiProcess> => {
  const port = await freePort();
  const proc: ChildProcess = spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
    cwd: ROOT,
    env: childEnv({
      DATABASE_URL: db.url,
      PORT: String(port),
      DEMO_PASSWORD,
      LOG_LEVEL: "info",
      INBOUND_SMTP_PORT: "0",
      ...env,
    }),
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  await expect.poll(() => out, { timeout: 60_000, interval: 100 }).toMatch(/"msg":"api.ready"/);
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      proc.kill("SIGTERM");
      await exited;
    },
  };
};

describe("sign-in limits in the real api process", { timeout: 120_000 }, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("never logs the typed login of a failed attempt", async () => {
    const api = await startApiProcess(db);
    try {
      const typed = "Hunter2-typed-into-the-login-field";
      expect(await signIn(api.url, typed, "wrong")).toBe(401);
      expect(await signIn(api.url, "maintainer", "wrong")).toBe(401);
      // Barrier: a later sign-in that did log, so every earlier line is in the output.
      expect(await signIn(api.url, "maintainer", DEMO_PASSWORD)).toBe(200);
      await expect.poll(api.output, { timeout: 10_000 }).toMatch(/"msg":"auth.sign_in"/);
      const failed = api
        .output()
        .split("\n")
        .filter((l) => l.includes("auth.sign_in_failed"));
      expect(failed).toHaveLength(2);
      expect(api.output().toLowerCase()).not.toContain(typed.toLowerCase());
      expect(failed.join("\n")).not.toContain("maintainer");
    } finally {
      await api.stop();
    }
  });

  it("believes X-Forwarded-For only from the proxies TRUSTED_PROXIES lists", async () => {
    await db.dataSource.query("DELETE FROM failed_sign_ins");
    const api = await startApiProcess(db, { TRUSTED_PROXIES: "loopback" });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < SIGN_IN_LIMITS.perIp + 1; i++) {
        statuses.push(await signIn(api.url, `nobody-${i}`, "wrong", { "x-forwarded-for": `203.0.113.${i + 1}` }));
      }
      expect(statuses.every((s) => s === 401)).toBe(true);
      const [{ n }] = await db.dataSource.query("SELECT count(DISTINCT ip)::int AS n FROM failed_sign_ins");
      expect(n).toBe(SIGN_IN_LIMITS.perIp + 1);
    } finally {
      await api.stop();
    }
  });
});
