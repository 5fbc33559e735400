// Issue 15.7 (storage errors are not the message's fault; parser limits end in the quarantine with a
// reason) and the per-message time budget of issue 15.1, against the real worker, SMTP and PostgreSQL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { type DataSource, freePort, InboundEmailEntity, IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Inbound, type InboundOptions, startInbound } from "../src/inbound/index.ts";
import { eventually, testWorkerContext } from "./helpers.ts";

let db: TestDatabase;
let ds: DataSource;
let projectId: number;
let to: string;
beforeAll(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
  projectId = (await createIngestWorld(ds)).project.id;
  to = `incoming+email-test-${projectId}-issue-@appmail.adventuretime.ooo`;
});
afterAll(async () => {
  await db.drop();
});

const head = (subject: string, contentType: string) =>
  [
    "From: Customer <customer@example.org>",
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W/g, "-")}@example.org>`,
    "MIME-Version: 1.0",
    `Content-Type: ${contentType}`,
    "",
    "",
  ].join("\r\n");

const withAttachment = (subject: string) =>
  Buffer.from(
    `${head(subject, "multipart/mixed; boundary=xx")}--xx\r\nContent-Type: text/plain\r\n\r\nSee the log.\r\n` +
      "--xx\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=log.bin\r\n" +
      "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--xx--\r\n",
  );

/** One worker with its SMTP listener on a fresh port for a describe block. */
const worker = (env: Record<string, string>, opts: InboundOptions = {}) => {
  const w = { inbound: null as Inbound | null, port: 0 };
  beforeAll(async () => {
    w.port = await freePort();
    w.inbound = await startInbound(testWorkerContext(ds, db.url, { INBOUND_SMTP_PORT: String(w.port), ...env }), opts);
  });
  afterAll(async () => {
    await w.inbound?.stop();
  });
  const send = (raw: Buffer) => {
    const t = nodemailer.createTransport({ host: "127.0.0.1", port: w.port, secure: false, ignoreTLS: true });
    return t.sendMail({ envelope: { from: "customer@example.org", to: [to] }, raw }).finally(() => t.close());
  };
  return { send };
};

const settled = (subject: string) =>
  eventually(async () => {
    const row = await ds.getRepository(InboundEmailEntity).findOneBy({ subject });
    return row && row.status !== "received" ? row : null;
  }, 30_000);

describe("an uploads directory that cannot take the attachment (15.7)", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-full-"));
  // A file where the uploads directory should be: every write fails as on a full or read-only disk.
  fs.writeFileSync(path.join(dataDir, "uploads"), "not a directory");
  const { send } = worker({ DATA_DIR: dataDir });

  it("still makes the issue, saying the attachment was not stored", async () => {
    await send(withAttachment("Attachment on a full disk"));
    const row = await settled("Attachment on a full disk");
    expect(row.status).toBe("issue");
    const issue = await ds.getRepository(IssueEntity).findOneByOrFail({ id: row.issueId! });
    expect(issue.description).toContain("See the log.");
    expect(issue.description).toMatch(/“log\.bin” .* could not be stored \(E[A-Z]+: /);
    expect(issue.description).toContain(`inbound email #${row.id}`);
  });
});

describe("parser limits (15.7)", () => {
  const { send } = worker({});

  it("a multipart nested 1,000 deep and 1,001 attachments end in the quarantine with the reason, not failed", async () => {
    let deep = head("Nested 1000 deep", "multipart/mixed; boundary=b0");
    for (let i = 1; i <= 1000; i++) deep += `--b${i - 1}\r\nContent-Type: multipart/mixed; boundary=b${i}\r\n\r\n`;
    deep += "--b1000\r\nContent-Type: text/plain\r\n\r\nhi\r\n";
    let many = `${head("Many attachments", "multipart/mixed; boundary=xx")}--xx\r\nContent-Type: text/plain\r\n\r\nbody\r\n`;
    for (let i = 0; i < 1001; i++) {
      many += `--xx\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=f${i}.bin\r\n\r\nabc${i}\r\n`;
    }
    many += "--xx--\r\n";
    for (const [subject, raw] of [
      ["Nested 1000 deep", deep],
      ["Many attachments", many],
    ]) {
      await send(Buffer.from(raw));
      const row = await settled(subject);
      expect(row.status).toBe("ignored");
      expect(row.reason).toMatch(/parser's limit/);
    }
  });
});

describe("the per-message time budget (15.1)", () => {
  // A budget no message can meet: the mechanism (stop the thread, quarantine with the reason) is what is tested.
  const { send } = worker({}, { processBudgetMs: 1 });

  it("quarantines a message over the budget as failed, with the reason, and the listener keeps answering", async () => {
    await send(withAttachment("Over budget"));
    const row = await settled("Over budget");
    expect(row.status).toBe("failed");
    expect(row.reason).toMatch(/took longer than .* time budget/);
    const info = await send(withAttachment("After the budget"));
    expect(info.response).toMatch(/^250 /);
  });

  it("with several batches in one thread, each message over the budget is quarantined and none is left behind", async () => {
    // Sent at once: the thread holds two batches (one deciding, one waiting to), and stopping it for one
    // message hands the other batch's messages back, to be decided (and stopped) on their own.
    const subjects = Array.from({ length: 6 }, (_, i) => `Over budget together ${i}`);
    await Promise.all(subjects.map((s) => send(withAttachment(s))));
    for (const subject of subjects) {
      const row = await settled(subject);
      expect(row.status, subject).toBe("failed");
      expect(row.reason, subject).toMatch(/took longer than .* time budget/);
    }
  });
});
