// Issue 9 item 5: the embedded PostgreSQL is no local root shell — a generated superuser password,
// kept 0600; postgres/postgres refused (also on clusters created before); a killed postmaster restarts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { embeddedSharedBuffersMb, runningEmbeddedUrl, startEmbeddedPostgres } from "./embedded.ts";

const isRoot = process.getuid?.() === 0;
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

/** "ok", or the SQLSTATE of the refusal. */
const tryConnect = async (port: number, password: string) => {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
};

describe("embedded PostgreSQL credentials and supervision", { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-embedded-"));
    dirs.push(dir);
    return path.join(dir, "postgres");
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("generates a superuser password kept 0600, refuses postgres/postgres and accepts the generated one", async () => {
    const dataDir = tempDir();
    const db = await startEmbeddedPostgres({ dataDir, throwaway: true });
    try {
      const file = path.join(dataDir, "password");
      const password = fs.readFileSync(file, "utf8").trim();
      expect(password.length).toBeGreaterThanOrEqual(32);
      expect(mode(file)).toBe("600");
      expect(mode(dataDir)).toBe(isRoot ? "711" : "700"); // root: the postgres user must pass through
      expect(new URL(db.url).password).toBe(password);
      expect(await tryConnect(db.port, "postgres")).toBe("28P01");
      expect(await tryConnect(db.port, password)).toBe("ok");
    } finally {
      await db.stop();
    }
  });

  it("replaces the old default password of a cluster created before, and keeps its data", async () => {
    const dataDir = tempDir();
    // A cluster as earlier versions left it: superuser password "postgres", no password file.
    const first = await startEmbeddedPostgres({ dataDir, throwaway: true });
    const old = new pg.Client({ connectionString: first.url });
    await old.connect();
    await old.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    await old.query("ALTER ROLE postgres PASSWORD 'postgres'");
    await old.end();
    await first.stop();
    fs.rmSync(path.join(dataDir, "password"));

    const db = await startEmbeddedPostgres({ dataDir, throwaway: true });
    try {
      const password = fs.readFileSync(path.join(dataDir, "password"), "utf8").trim();
      expect(await tryConnect(db.port, "postgres")).toBe("28P01");
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      expect((await client.query("SELECT v FROM kept")).rows).toEqual([{ v: "still here" }]);
      await client.end();
      expect(new URL(db.url).password).toBe(password);
    } finally {
      await db.stop();
    }
  });

  it("lets a second process (the admin CLI) use the running cluster without stopping it (10.6)", async () => {
    const dataDir = tempDir();
    expect(await runningEmbeddedUrl(dataDir)).toBeNull();
    const db = await startEmbeddedPostgres({ dataDir, throwaway: true });
    try {
      const pid = db.pid();
      const url = await runningEmbeddedUrl(dataDir);
      expect(url).toBe(db.url);
      const client = new pg.Client({ connectionString: url ?? "" });
      await client.connect();
      expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await client.end();
      expect(db.pid()).toBe(pid);
    } finally {
      await db.stop();
    }
    expect(await runningEmbeddedUrl(dataDir)).toBeNull();
  }, 120_000);

  it("reports a killed postmaster and starts it again on the same data", async () => {
    const dataDir = tempDir();
    let died: (why: string) => void = () => {};
    const exited = new Promise<string>((resolve) => {
      died = resolve;
    });
    const db = await startEmbeddedPostgres({ dataDir, throwaway: true, onUnexpectedExit: (why) => died(why) });
    try {
      const pid = db.pid() as number;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, "SIGKILL");
      expect(await exited).toMatch(/SIGKILL/);
      expect(db.pid()).toBeUndefined();
      await expect
        .poll(
          () =>
            db.restart().then(
              () => "up",
              () => "retry",
            ),
          { timeout: 30_000 },
        )
        .toBe("up");
      expect(db.pid()).not.toBe(pid);
      expect(await tryConnect(db.port, new URL(db.url).password)).toBe("ok");
    } finally {
      await db.stop();
    }
  });
  /** The running cluster's shared_buffers in MB (pg_settings counts 8 kB blocks). */
  const sharedBuffersMb = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT setting::bigint * 8 / 1024 AS mb FROM pg_settings WHERE name = 'shared_buffers'",
      );
      return Number(rows[0].mb);
    } finally {
      await client.end();
    }
  };

  it("sizes the buffer cache to a quarter of the machine's memory unless told (issue 14.4)", async () => {
    const db = await startEmbeddedPostgres({ dataDir: tempDir() });
    try {
      expect(await sharedBuffersMb(db.url)).toBe(embeddedSharedBuffersMb(os.totalmem(), process.constrainedMemory?.()));
    } finally {
      await db.stop();
    }
    const told = await startEmbeddedPostgres({ dataDir: tempDir(), throwaway: true, sharedBuffersMb: 160 });
    try {
      expect(await sharedBuffersMb(told.url)).toBe(160);
    } finally {
      await told.stop();
    }
  });
});
