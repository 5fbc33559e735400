// A real SMTP conversation with the listener: nodemailer for the happy path, a raw socket to see the
// exact replies at RCPT TO and at the end of DATA.
import fs from "node:fs";
import net from "node:net";
import { idempotencyKeyFor, routeSettingsOf, spoolDirOf } from "@tidings/core";
import { SPOOL_AFTER_BYTES } from "@tidings/core/src/ingest/spool.ts";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { type DataSource, freePort, InboundEmailEntity, IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Inbound, startInbound } from "../src/inbound/index.ts";
import { eventually, simpleMessage, testWorkerContext } from "./helpers.ts";

/** Sends SMTP commands one by one and returns each reply line. */
const conversation = async (port: number, steps: (string | Buffer)[]) => {
  const socket = net.connect(port, "127.0.0.1");
  const replies: string[] = [];
  let buffer = "";
  let waiter: (() => void) | null = null;
  socket.on("data", (d) => {
    buffer += d.toString();
    // A complete reply ends with a line "NNN text" (no dash after the code).
    if (/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buffer)) {
      replies.push(buffer.trim());
      buffer = "";
      waiter?.();
    }
  });
  const next = () => new Promise<void>((resolve) => (waiter = resolve));
  await next(); // greeting
  for (const step of steps) {
    const done = next();
    socket.write(step);
    await done;
  }
  socket.end();
  return replies.slice(1);
};

describe("SMTP listener", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let inbound: Inbound;
  let port: number;
  let projectId: number;
  let world: Awaited<ReturnType<typeof createIngestWorld>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    world = await createIngestWorld(ds);
    projectId = world.project.id;
    port = await freePort();
    // The test world's data directory: the spool is inside it.
    inbound = await startInbound(
      testWorkerContext(ds, db.url, { INBOUND_SMTP_PORT: String(port), DATA_DIR: world.settings.dataDir }),
    );
  });
  afterAll(async () => {
    await inbound.stop();
    await db.drop();
  });

  it("answers 250 only after the raw message is committed, then makes an issue", async () => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
    const raw = simpleMessage({ projectId, n: "smtp-1" });
    const info = await transport.sendMail({
      envelope: {
        from: "customer@example.org",
        to: [`incoming+email-test-${projectId}-issue-@appmail.adventuretime.ooo`],
      },
      raw,
    });
    expect(info.response).toMatch(/^250 /);
    // The 250 came after the commit: the row is there the moment sendMail resolves.
    const row = await ds
      .getRepository(InboundEmailEntity)
      .findOneByOrFail({ messageId: `msg-smtp-1-${projectId}@example.org` });
    expect(row.raw.equals(raw)).toBe(true);
    const issue = await eventually(() =>
      ds.getRepository(IssueEntity).findOneBy({ messageId: `msg-smtp-1-${projectId}@example.org` }),
    );
    expect(issue).toMatchObject({ title: "Help smtp-1", externalAuthor: "customer@example.org" });
    transport.close();
  });

  it("stores a message too large to hold through its spool file, byte for byte, and removes the file", async () => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
    // 3 MB of body: past SPOOL_AFTER_BYTES, so it goes to a spool file and to PostgreSQL in pieces.
    const body = Array.from({ length: 40_000 }, (_, i) => `Line ${i}: the log says nothing useful here.`).join("\r\n");
    const raw = simpleMessage({ projectId, n: "smtp-spooled", body: `${body}\r\n${body}` });
    expect(raw.length).toBeGreaterThan(SPOOL_AFTER_BYTES * 3);
    const envelope = {
      from: "customer@example.org",
      to: [`incoming+email-test-${projectId}-issue-@appmail.adventuretime.ooo`],
    };
    const info = await transport.sendMail({ envelope, raw });
    expect(info.response).toMatch(/^250 /);
    const row = await ds
      .getRepository(InboundEmailEntity)
      .findOneByOrFail({ messageId: `msg-smtp-spooled-${projectId}@example.org` });
    expect(row.raw.equals(raw)).toBe(true);
    // The key is the one the same bytes get in memory: sent again, it is the same message.
    expect(row.idempotencyKey).toBe(idempotencyKeyFor(raw, routeSettingsOf(world.settings.mail), envelope.to).key);
    const again = await transport.sendMail({ envelope, raw });
    expect(again.response).toBe(`250 2.0.0 Stored as ${row.id}`);
    const issue = await eventually(() =>
      ds.getRepository(IssueEntity).findOneBy({ messageId: `msg-smtp-spooled-${projectId}@example.org` }),
    );
    expect(issue?.description).toContain("Line 1: the log says nothing useful here.");
    // The spool file goes once the message is stored (the callback removes it just after the reply).
    await eventually(async () => (fs.readdirSync(spoolDirOf(world.settings.dataDir)).length === 0 ? true : null));
    transport.close();
  });

  it("refuses an address that is not ours with 550 at RCPT TO", async () => {
    const replies = await conversation(port, [
      "EHLO test\r\n",
      "MAIL FROM:<a@example.org>\r\n",
      "RCPT TO:<incoming+nobody-999-issue-@appmail.adventuretime.ooo>\r\n",
      "RCPT TO:<someone@elsewhere.example>\r\n",
      `RCPT TO:<incoming+email-test-${projectId}-issue-@appmail.adventuretime.ooo>\r\n`,
      "QUIT\r\n",
    ]);
    expect(replies[0]).toMatch(/^250[ -]/);
    expect(replies[1]).toMatch(/^250 /);
    expect(replies[2]).toMatch(/^550 /);
    expect(replies[3]).toMatch(/^550 /);
    expect(replies[4]).toMatch(/^250 /);
  });

  it("advertises SIZE and refuses a 30 MB message with 552 at the end of DATA, storing nothing", async () => {
    const before = await ds.getRepository(InboundEmailEntity).count();
    const line = `${"x".repeat(998)}\r\n`;
    const big = Buffer.from(line.repeat(Math.ceil((30 * 1024 * 1024) / line.length)));
    const replies = await conversation(port, [
      "EHLO test\r\n",
      "MAIL FROM:<a@example.org>\r\n",
      `RCPT TO:<incoming+email-test-${projectId}-issue-@appmail.adventuretime.ooo>\r\n`,
      "DATA\r\n",
      Buffer.concat([Buffer.from("Subject: big\r\nMessage-ID: <big@example.org>\r\n\r\n"), big, Buffer.from(".\r\n")]),
      "QUIT\r\n",
    ]);
    expect(replies[0]).toMatch(/SIZE 26214400/);
    expect(replies[3]).toMatch(/^354 /);
    expect(replies[4]).toMatch(/^552 /);
    expect(await ds.getRepository(InboundEmailEntity).count()).toBe(before);
  });

  it("treats a re-sent message as the same message: one row, one issue", async () => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
    const raw = simpleMessage({ projectId, n: "smtp-dup" });
    const envelope = {
      from: "customer@example.org",
      to: [`incoming+email-test-${projectId}-issue-@appmail.adventuretime.ooo`],
    };
    await transport.sendMail({ envelope, raw });
    await transport.sendMail({ envelope, raw });
    await eventually(() =>
      ds.getRepository(IssueEntity).findOneBy({ messageId: `msg-smtp-dup-${projectId}@example.org` }),
    );
    expect(
      await ds.getRepository(InboundEmailEntity).countBy({ messageId: `msg-smtp-dup-${projectId}@example.org` }),
    ).toBe(1);
    expect(await ds.getRepository(IssueEntity).countBy({ messageId: `msg-smtp-dup-${projectId}@example.org` })).toBe(1);
    transport.close();
  });
});
