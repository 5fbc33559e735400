// Issue 15.1–15.4 and 15.7 against the real worker: real SMTP conversations (nodemailer → smtp-server),
// processing threads, a real PostgreSQL.
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import {
  type DataSource,
  freePort,
  InboundEmailEntity,
  IssueEntity,
  NoteEntity,
  OutboundEmailEntity,
} from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Inbound, startInbound } from "../src/inbound/index.ts";
import { eventually, testWorkerContext } from "./helpers.ts";

const HOST = "appmail.adventuretime.ooo";

type Msg = { from?: string; subject?: string; messageId?: string; body?: string | Buffer; contentType?: string };
const message = (to: string, m: Msg) =>
  Buffer.concat([
    Buffer.from(
      [
        `From: ${m.from ?? "Customer <customer@example.org>"}`,
        `To: ${to}`,
        `Subject: ${m.subject ?? "Help"}`,
        `Message-ID: <${m.messageId ?? `${Math.random().toString(36).slice(2)}@example.org`}>`,
        "Date: Sat, 21 Nov 2026 12:00:00 +0000",
        "MIME-Version: 1.0",
        `Content-Type: ${m.contentType ?? "text/plain; charset=utf-8"}`,
        "",
        "",
      ].join("\r\n"),
    ),
    Buffer.isBuffer(m.body) ? m.body : Buffer.from(m.body ?? "Printer is on fire."),
    Buffer.from("\r\n"),
  ]);

/** Fails when the promise has not settled within ms (a liveness bound, not a speed measurement). */
const within = <T>(ms: number, what: string, p: Promise<T>) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)),
  ]);

describe("ingestion that no email can stall, drop or double", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let inbound: Inbound;
  let port: number;
  let projectId: number;
  let slugAddress: string;
  const legacyAddress = `incoming+email/test@${HOST}`;
  const send = (raw: Buffer, to: string[] = [slugAddress]) => {
    const t = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
    return t.sendMail({ envelope: { from: "customer@example.org", to }, raw }).finally(() => t.close());
  };
  const issuesWithTitle = (title: string) => ds.getRepository(IssueEntity).findBy({ projectId, title });
  const ledgerBySubject = (subject: string) => ds.getRepository(InboundEmailEntity).findBy({ subject });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    projectId = (await createIngestWorld(ds)).project.id;
    slugAddress = `incoming+email-test-${projectId}-issue-@${HOST}`;
    port = await freePort();
    inbound = await startInbound(
      testWorkerContext(ds, db.url, { INBOUND_SMTP_PORT: String(port), INBOUND_ISSUES_PER_SENDER_PER_HOUR: "0" }),
    );
  });
  afterAll(async () => {
    await inbound.stop();
    await db.drop();
  });

  const hostile: [string, Msg][] = [
    ["200 KB of spaces then one letter", { body: `${" ".repeat(200_000)}x` }],
    ["50,000 unclosed <b><i><a>", { contentType: "text/html; charset=utf-8", body: `${"<b><i><a>".repeat(50_000)}x` }],
    [
      "tables nested 1,000 deep",
      { contentType: "text/html; charset=utf-8", body: `${"<table><tr><td>".repeat(1_000)}deep` },
    ],
  ];
  for (const [name, m] of hostile) {
    it(`15.1: ${name} becomes an issue while a normal client gets its 250 within 2 s`, async () => {
      const subject = `Hostile: ${name}`;
      await send(message(slugAddress, { ...m, subject }));
      // Several normal clients while the hostile message is being processed: each answered in time.
      for (let i = 0; i < 3; i++) {
        const info = await within(
          2_000,
          "a normal client's 250",
          send(message(slugAddress, { subject: `Normal ${name} ${i}` })),
        );
        expect(info.response).toMatch(/^250 /);
      }
      const [issue] = await eventually(async () => {
        const found = await issuesWithTitle(subject);
        return found.length ? found : null;
      }, 60_000);
      expect(issue.confidential).toBe(true);
    });
  }

  it("15.1: a reply whose 'On … wrote:' line has 100k '>' becomes a note while a normal client gets its 250 within 2 s", async () => {
    await send(message(slugAddress, { subject: "Will be replied to" }));
    const [issue] = await eventually(async () => {
      const found = await issuesWithTitle("Will be replied to");
      return found.length ? found : null;
    });
    const thankYou = await eventually(() =>
      ds.getRepository(OutboundEmailEntity).findOneBy({ issueId: issue.id, kind: "thank_you" }),
    );
    const replyTo = `incoming+${thankYou.replyKey}@${HOST}`;
    await send(
      message(replyTo, {
        subject: "Re: Will be replied to",
        body: `Thanks, that helped.\n\nOn Mon, 1 Jan 2026, Support wrote:${">".repeat(100_000)}\n`,
      }),
      [replyTo],
    );
    for (let i = 0; i < 3; i++) {
      const info = await within(
        2_000,
        "a normal client's 250",
        send(message(slugAddress, { subject: `Normal reply ${i}` })),
      );
      expect(info.response).toMatch(/^250 /);
    }
    const note = await eventually(
      async () =>
        (await ds.getRepository(NoteEntity).findBy({ issueId: issue.id })).find((n) => n.body.includes("that helped")),
      60_000,
    );
    expect(note.body).toContain("Thanks, that helped.");
  });

  it("15.2: a NUL byte in Subject, From, Message-ID or body is stored raw and becomes an issue", async () => {
    const cases: Msg[] = [
      { subject: "Nul\0 in subject" },
      { subject: "Nul in from", from: "Cust\0omer <nul-from@example.org>" },
      { subject: "Nul in message id", messageId: "nul\0id@example.org" },
      { subject: "Nul in body", body: "before\0after" },
      {
        subject: "Nul in a part header",
        contentType: "multipart/mixed; boundary=zz",
        body: "--zz\r\nContent-Type:\0text/plain\r\n\r\nLog attached.\r\n--zz--",
      },
      // Found by npm run fuzz: labelled UTF-8, really Shift_JIS (0x82 0xA0 is あ), so the body is re-decoded
      // from its raw bytes (C11), NUL and all.
      { subject: "Nul in a mislabelled body", body: Buffer.from([0x48, 0x69, 0x00, 0x20, 0x82, 0xa0]) },
    ];
    for (const m of cases) {
      const raw = message(slugAddress, m);
      const info = await send(raw);
      expect(info.response).toMatch(/^250 /);
      const title = m.subject!.replace("\0", "");
      const [issue] = await eventually(async () => {
        const found = await issuesWithTitle(title);
        return found.length ? found : null;
      });
      expect(issue.description).not.toContain("\0");
      const [row] = await ledgerBySubject(title);
      expect(row.raw.equals(raw)).toBe(true);
      expect(row.status).toBe("issue");
    }
    const [body] = await issuesWithTitle("Nul in body");
    expect(body.description).toContain("beforeafter");
    const [mislabelled] = await issuesWithTitle("Nul in a mislabelled body");
    expect(mislabelled.description).toContain("Hi あ");
  });

  it("15.3: the same bytes to the slug and the legacy address in two concurrent transactions make one issue", async () => {
    for (let trial = 0; trial < 10; trial++) {
      const subject = `Bcc twice ${trial}`;
      // Bcc: neither address is in the headers; each delivery's envelope names one.
      const raw = message("Team <team@example.org>", { subject });
      const [a, b] = await Promise.all([send(raw, [slugAddress]), send(raw, [legacyAddress])]);
      expect([a.response, b.response]).toEqual([expect.stringMatching(/^250 /), expect.stringMatching(/^250 /)]);
      // Both ledger rows processed (the barrier), then exactly one issue.
      const rows = await eventually(async () => {
        const found = await ledgerBySubject(subject);
        return found.length === 2 && found.every((r) => r.status !== "received") ? found : null;
      });
      expect(rows.map((r) => r.status).sort()).toEqual(["duplicate", "issue"]);
      expect(await issuesWithTitle(subject)).toHaveLength(1);
    }
  });

  it("15.4: a different message reusing a Message-ID is stored and processed; a re-delivery still dedupes", async () => {
    const messageId = "reused-id@example.org";
    const alice = message(slugAddress, { messageId, from: "Alice <alice@example.org>", subject: "From Alice" });
    const bob = message(slugAddress, {
      messageId,
      from: "Bob <bob@example.org>",
      subject: "From Bob",
      body: "Bob's own problem.",
    });
    const first = await send(alice);
    const second = await send(bob);
    expect(first.response).not.toBe(second.response);
    const [bobIssue] = await eventually(async () => {
      const found = await issuesWithTitle("From Bob");
      return found.length ? found : null;
    });
    expect(bobIssue).toMatchObject({ externalAuthor: "bob@example.org", description: "Bob's own problem." });
    expect(await issuesWithTitle("From Alice")).toHaveLength(1);
    const [bobRow] = await ledgerBySubject("From Bob");
    expect(bobRow.reason).toMatch(/Reused Message-ID/);
    // Alice's message again through another hop (extra Received / Delivered-To): the same ledger row.
    const hop = Buffer.concat([
      Buffer.from(
        `Received: from relay.example.net by mx.example.com; Sat, 21 Nov 2026 12:01:00 +0000\r\nDelivered-To: ${slugAddress}\r\n`,
      ),
      alice,
    ]);
    const again = await send(hop);
    expect(again.response).toBe(first.response);
    expect(await ledgerBySubject("From Alice")).toHaveLength(1);
  });
});
