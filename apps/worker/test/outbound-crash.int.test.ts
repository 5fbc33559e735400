// Outbound crash drills (issue 15.6): a real worker process SIGKILLed mid-send, and between the server's
// 250 and the commit of `sent`. Another worker must send the dead one's claimed emails within seconds
// (the lease keeps its 5 minutes), each exactly once except the ones in the 250→commit window, and
// those are counted (tidings_outbound_interrupted_sends).
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { childEnv } from "@tidings/config";
import { readMailMetrics } from "@tidings/core";
import { type DataSource, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOutbound } from "../src/outbound/index.ts";
import { eventually } from "./helpers.ts";
import { seedTicket, TEST_EMAIL_FROM, TEST_PUBLIC_URL, testWorkerContext } from "./service-desk-fixtures.ts";
import { type SmtpCapture, startSmtpCapture } from "./smtp-capture.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "../../..");
const LOCK_CLASS = 7_100_005;

/** Fails unless `p` settles within `ms` (a liveness bound, not a timing measurement). */
const within = <T>(ms: number, what: string, p: Promise<T>) => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
};

describe("outbound crash drills", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let dataDir: string;
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const gates: (() => void)[] = [];
  /** Holds the SMTP server's replies until open() (opened in any case when the test ends). */
  const makeGate = () => {
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    gates.push(open);
    return { gate, open };
  };

  beforeEach(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-outbound-crash-"));
  });
  afterEach(async () => {
    for (const open of gates.splice(0)) open();
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGKILL");
        await exited;
      }
    }
    for (const c of cleanups.splice(0).reverse()) await c();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const capture = async (opts: Parameters<typeof startSmtpCapture>[0] = {}) => {
    const smtp = await startSmtpCapture(opts);
    cleanups.push(() => smtp.stop());
    return smtp;
  };
  const context = (smtp: SmtpCapture) =>
    testWorkerContext({ databaseUrl: db.url, dataSource: ds, dataDir, smtpUrl: smtp.url });
  const queue = async (smtp: SmtpCapture, n: number) => {
    const { mail } = context(smtp);
    for (let i = 0; i < n; i++) await seedTicket(ds, mail, { requester: `user${i}@customer.test` });
  };
  const worker = (stage: string, smtp: SmtpCapture) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "outbound-crash-worker.ts"), stage], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: childEnv({
        DATABASE_URL: db.url,
        SMTP_URL: smtp.url,
        EMAIL_FROM: TEST_EMAIL_FROM,
        PUBLIC_URL: TEST_PUBLIC_URL,
        DATA_DIR: dataDir,
        INBOUND_SMTP_PORT: "0",
        LOG_LEVEL: "silent",
        NODE_ENV: "test",
      }),
    });
    children.push(child);
    return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
  };
  /** A second worker, in this process, with the production lease (5 min). */
  const takeOver = async (smtp: SmtpCapture) => {
    const runner = await startOutbound(context(smtp).ctx, { pollIntervalMs: 200 });
    cleanups.push(() => runner.stop());
    return runner;
  };
  const outbox = () => ds.getRepository(OutboundEmailEntity).find({ order: { id: "ASC" } });
  const count = async (status: string) => (await outbox()).filter((r) => r.status === status).length;
  /** How many times the server accepted each queued email (by Message-ID). */
  const copies = async (smtp: SmtpCapture) => {
    const byId = new Map((await outbox()).map((r) => [`<${r.messageId}>`, 0]));
    for (const m of smtp.messages) {
      const id = m.parsed.messageId ?? "";
      byId.set(id, (byId.get(id) ?? 0) + 1);
    }
    return byId;
  };

  it("SIGKILL mid-send: another worker sends every claimed email within seconds, each exactly once", async () => {
    const { gate, open } = makeGate();
    const smtp = await capture({ hold: () => gate });
    await queue(smtp, 20);

    const exited = worker("none", smtp);
    // 16 claimed in one batch, 4 of them in flight: read by the server, not answered yet.
    await eventually(async () => smtp.held() === 4 && (await count("sending")) === 16, 30_000);
    children[0].kill("SIGKILL");
    expect(await exited).toEqual({ code: null, signal: "SIGKILL" });
    await eventually(async () => smtp.connections() === 0, 10_000);
    open();

    await takeOver(smtp);
    await within(
      20_000,
      "every email sent by the second worker",
      eventually(async () => (await count("sent")) === 20, 25_000),
    );
    // The 4 in flight never got their 250: the server discarded them, the second worker sent them once.
    expect(smtp.discarded()).toBe(4);
    expect([...(await copies(smtp)).values()]).toEqual(new Array(20).fill(1));
    // Their sends had begun, so they are counted as possibly doubled (an upper bound: here none was).
    const rows = await outbox();
    expect(rows.filter((r) => r.interruptedSends === 1)).toHaveLength(4);
    expect(rows.filter((r) => r.interruptedSends === 0)).toHaveLength(16);
    expect((await readMailMetrics(ds.manager)).outboundInterruptedSends).toBe(4);
  });

  it("SIGKILL between the server's 250 and the commit: only those emails go out twice, and each is counted", async () => {
    const smtp = await capture();
    await queue(smtp, 6);
    const exited = worker("after-250", smtp);
    expect(await exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(smtp.messages.length).toBeGreaterThanOrEqual(1);

    await takeOver(smtp);
    await within(
      20_000,
      "every email sent by the second worker",
      eventually(async () => (await count("sent")) === 6, 25_000),
    );
    const perEmail = await copies(smtp);
    const rows = await outbox();
    const doubled = rows.filter((r) => perEmail.get(`<${r.messageId}>`) === 2);
    expect(doubled.length).toBeGreaterThanOrEqual(1);
    expect([...perEmail.values()].every((n) => n === 1 || n === 2)).toBe(true);
    // Every email that arrived twice is counted as interrupted; every other one arrived exactly once.
    for (const r of doubled) expect(r.interruptedSends).toBe(1);
    for (const r of rows.filter((x) => x.interruptedSends === 0)) expect(perEmail.get(`<${r.messageId}>`)).toBe(1);
    const counted = rows.reduce((n, r) => n + r.interruptedSends, 0);
    expect((await readMailMetrics(ds.manager)).outboundInterruptedSends).toBe(counted);
    expect(counted).toBeGreaterThanOrEqual(doubled.length);
  });

  it("keeps its claims through a lost session: a second runner takes none of them, nothing goes out twice", async () => {
    const { gate, open } = makeGate();
    const smtp = await capture({ hold: () => gate });
    await queue(smtp, 8);
    const first = await startOutbound(context(smtp).ctx, { pollIntervalMs: 200 });
    cleanups.push(() => first.stop());
    await eventually(async () => smtp.held() === 4 && (await count("sending")) === 8, 15_000);

    const sessions = async () =>
      (await ds.query(
        `SELECT l.pid, l.objid::int AS owner FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND l.classid = $1::oid AND d.datname = current_database()`,
        [LOCK_CLASS],
      )) as { pid: number; owner: number }[];
    const [before] = await sessions();
    await ds.query("SELECT pg_terminate_backend($1)", [before.pid]);
    // The runner opens a new session and takes its 8 claims back under the new key.
    const after = await eventually(async () => {
      const [s] = await sessions();
      if (!s || s.pid === before.pid) return null;
      const owners = new Set((await outbox()).map((r) => r.claimedBy));
      return owners.size === 1 && owners.has(s.owner) ? s : null;
    }, 15_000);
    expect(after.owner).not.toBe(before.owner);

    await takeOver(smtp);
    open();
    await eventually(async () => (await count("sent")) === 8, 15_000);
    expect([...(await copies(smtp)).values()]).toEqual(new Array(8).fill(1));
    expect(smtp.discarded()).toBe(0);
    expect((await readMailMetrics(ds.manager)).outboundInterruptedSends).toBe(0);
  });
});
