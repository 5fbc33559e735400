// Crash drills: a real worker process SIGKILLed after storing but before applying, and after applying
// but before the IMAP flag. On restart each message yields exactly one issue.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { childEnv } from "@tidings/config";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { type DataSource, InboundEmailEntity, IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { workerCommand } from "../../../scripts/bundle.ts";
import { PROCESSED_FLAG } from "../src/inbound/imap-consumer.ts";
import { type Dovecot, startDovecot } from "./dovecot.ts";
import { eventually, simpleMessage } from "./helpers.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "../../..");

describe("crash drills", () => {
  let dovecot: Dovecot;
  let db: TestDatabase;
  let ds: DataSource;
  let projectId: number;
  let user = "";
  let n = 0;
  const children: ChildProcess[] = [];
  const dataDirs: string[] = [];

  beforeAll(async () => {
    dovecot = await startDovecot(["crash0@test", "crash1@test"]);
  });
  afterAll(async () => dovecot.stop());
  beforeEach(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    projectId = (await createIngestWorld(ds)).project.id;
    user = `crash${n++}@test`;
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        await exited;
      }
    }
    await db.drop();
    for (const d of dataDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  // The worker runs bundled, as `npm start` runs it (scripts/bundle.ts): the drills cover that build too.
  const worker = async (stage: string) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-crash-data-"));
    dataDirs.push(dataDir);
    const child = spawn(process.execPath, await workerCommand("apps/worker/test/crash-worker.ts", stage), {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      env: childEnv({
        DATABASE_URL: db.url,
        IMAP_URL: dovecot.url(user),
        INBOUND_SMTP_PORT: "0",
        INCOMING_EMAIL_ADDRESS: "incoming+%{key}@appmail.adventuretime.ooo",
        SERVICE_DESK_EMAIL_ADDRESS: "support+%{key}@example.com",
        EMAIL_FROM: "support@tidings.test",
        DATA_DIR: dataDir,
        LOG_LEVEL: "silent",
        NODE_ENV: "test",
      }),
    });
    children.push(child);
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    return { child, exit };
  };
  const issues = () => ds.getRepository(IssueEntity).count();
  const appendThree = async (tag: string) => {
    for (let i = 0; i < 3; i++) await dovecot.append(simpleMessage({ projectId, n: `${tag}-${i}` }), { user });
  };

  it("SIGKILL after storing, before applying: the row stays received; the restart applies it once", async () => {
    await appendThree("store");
    const crashed = await worker("after-store");
    expect(await crashed.exit).toEqual({ code: null, signal: "SIGKILL" });
    const rows = await ds.getRepository(InboundEmailEntity).find();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.status === "received")).toBe(true);
    expect(await issues()).toBe(0);
    expect(await dovecot.list("INBOX", user)).toHaveLength(3);

    await worker("none");
    await eventually(async () => (await issues()) === 3, 30_000);
    await eventually(async () => (await dovecot.list("INBOX", user)).length === 0, 30_000);
    expect(await issues()).toBe(3);
    expect(await ds.getRepository(InboundEmailEntity).count()).toBe(3);
  });

  it("SIGKILL after applying, before the IMAP flag: the restart flags and moves, no second issue", async () => {
    await appendThree("apply");
    const crashed = await worker("after-apply");
    expect(await crashed.exit).toEqual({ code: null, signal: "SIGKILL" });
    expect(await issues()).toBe(3);
    const inbox = await dovecot.list("INBOX", user);
    expect(inbox).toHaveLength(3);
    expect(inbox.some((m) => m.flags.includes(PROCESSED_FLAG))).toBe(false);

    await worker("none");
    await eventually(async () => (await dovecot.list("INBOX", user)).length === 0, 30_000);
    expect(await dovecot.list("Archive", user)).toHaveLength(3);
    expect(await issues()).toBe(3);
    expect(await ds.getRepository(InboundEmailEntity).count()).toBe(3);
  });
});
