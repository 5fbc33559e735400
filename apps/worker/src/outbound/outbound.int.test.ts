import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createNote, EVENTS_CHANNEL, listIssueEmails, unsubscribeByReplyKey } from "@tidings/core";
import { AttachmentEntity, type DataSource, freePort, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { simpleParser } from "mailparser";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SmtpCapture, startSmtpCapture } from "../../test/smtp-capture.ts";
import { addParticipant, seedTicket, TEST_EMAIL_FROM, testWorkerContext } from "../../test/service-desk-fixtures.ts";
import type { WorkerContext } from "../context.ts";
import { type OutboundOptions, startOutbound } from "./index.ts";

/** Deliveries are asynchronous; on a busy CI machine they can take a few seconds. */
const SLOW = { timeout: 10_000 };

const FAST: Partial<OutboundOptions> = {
  pollIntervalMs: 200,
  retry: { baseMs: 100, capMs: 400, maxAttempts: 100 },
  smtpTimeouts: { connectionTimeout: 2_000, greetingTimeout: 2_000, socketTimeout: 5_000 },
};

/** RFC 2047 decoding of a raw header value, by mailparser. */
const decodeWords = async (value: string) => (await simpleParser(`Subject: ${value}\r\n\r\n`)).subject;

const header = (m: { headers: Map<string, string[]> }, name: string) => m.headers.get(name.toLowerCase())?.[0];

describe("the outbox runner", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let dataDir: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-outbound-"));
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const setup = async (opts: { smtp?: SmtpCapture | null; smtpUrl?: string } = {}) => {
    const smtp = opts.smtp === undefined ? await startSmtpCapture() : opts.smtp;
    if (smtp && opts.smtp === undefined) cleanups.push(() => smtp.stop());
    const { ctx, mail } = testWorkerContext({
      databaseUrl: db.url,
      dataSource: ds,
      dataDir,
      smtpUrl: opts.smtpUrl ?? smtp?.url,
    });
    return { smtp, ctx, mail };
  };
  const run = async (ctx: WorkerContext, options: Partial<OutboundOptions> = FAST) => {
    const runner = await startOutbound(ctx, options);
    cleanups.push(() => runner.stop());
    return runner;
  };
  const outbox = () => ds.getRepository(OutboundEmailEntity).find({ order: { id: "ASC" } });

  it("sends the thank-you with the D1 headers, the display name and HTML + text parts", async () => {
    const { smtp, ctx, mail } = await setup();
    const t = await seedTicket(ds, mail, { title: "Printer on fire" });
    await run(ctx);
    await expect.poll(() => smtp!.messages.length, SLOW).toBe(1);
    const m = smtp!.messages[0];
    const [row] = await outbox();
    const key = row.replyKey!;
    expect(key).toMatch(/^[0-9a-f]{32}$/);

    expect(m.envelope).toEqual({ from: TEST_EMAIL_FROM, to: ["jane@customer.test"] });
    expect(header(m, "From")).toBe(`Acme Support <${TEST_EMAIL_FROM}>`);
    expect(m.parsed.from?.value[0]).toEqual({ name: "Acme Support", address: TEST_EMAIL_FROM });
    expect(header(m, "To")).toBe("jane@customer.test");
    expect(header(m, "Subject")).toBe(`Re: Printer on fire (#${t.iid})`);
    expect(header(m, "Message-ID")).toBe(`<issue_${t.issueId}@desk.example.com>`);
    expect(m.parsed.replyTo?.value[0].address).toBe(`incoming+${key}@tidings.localhost`);
    expect(header(m, "X-Tidings-Reply-Key")).toBe(key);
    expect(header(m, "List-Unsubscribe")).toBe(
      `<https://desk.example.com/-/unsubscribe/${key}>, <mailto:incoming+${key}-unsubscribe@tidings.localhost>`,
    );
    // Unfolded, on one line, as stored.
    expect(m.raw.toString()).toContain(
      `\r\nList-Unsubscribe: <https://desk.example.com/-/unsubscribe/${key}>, <mailto:incoming+${key}-unsubscribe@tidings.localhost>\r\n`,
    );
    expect(header(m, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(header(m, "Auto-Submitted")).toBe("auto-replied");
    expect(header(m, "X-Auto-Response-Suppress")).toBe("All");
    expect(header(m, "Thread-Topic")).toBe(`Printer on fire (#${t.iid})`);
    expect(Buffer.from(header(m, "Thread-Index")!, "base64")).toHaveLength(22);
    expect(header(m, "Content-Type")).toMatch(/^multipart\/alternative/);

    expect(m.parsed.text).toContain(`We are tracking your request as ticket #${t.iid}`);
    expect(m.parsed.text).toContain(`https://desk.example.com/-/unsubscribe/${key}`);
    expect(m.parsed.html).toContain(`We are tracking your request as ticket #${t.iid}`);
    expect(m.parsed.html).toContain(`href="https://desk.example.com/-/unsubscribe/${key}"`);
    // D1: the issue is confidential, the default text carries no link to it.
    expect(m.parsed.text).not.toContain("/-/issues/");
    expect(m.parsed.html).not.toContain("/-/issues/");

    // The server's 250 comes before the row is marked sent.
    await expect.poll(async () => (await outbox())[0].status, SLOW).toBe("sent");
    const [sent] = await outbox();
    expect(sent).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(sent.sentAt).toBeInstanceOf(Date);
  });

  it("threads new-note emails under the thank-you the way Gmail, Outlook and Thunderbird group them", async () => {
    const { smtp, ctx, mail } = await setup();
    const t = await seedTicket(ds, mail, { title: "Grüße & <Umlaute>" });
    for (const body of ["First answer: **restart** it.", "Second answer."]) {
      await ds.transaction((m) => createNote(m, mail, { issueId: t.issueId, authorId: t.agentId, body }));
    }
    await run(ctx);
    await expect.poll(() => smtp!.messages.length, SLOW).toBe(3);
    const [thanks, first, second] = [...smtp!.messages].sort(
      (a, b) => a.parsed.date!.getTime() - b.parsed.date!.getTime(),
    );
    const root = `<issue_${t.issueId}@desk.example.com>`;
    expect(thanks.parsed.messageId).toBe(root);
    const subject = `Re: Grüße & <Umlaute> (#${t.iid})`;
    const rootIndex = Buffer.from(header(thanks, "Thread-Index")!, "base64");
    const keys = new Set<string>();
    for (const m of [first, second]) {
      // Same subject (decoded), In-Reply-To the thread's first message, References ending with it.
      expect(m.parsed.subject).toBe(subject);
      expect(thanks.parsed.subject).toBe(subject);
      expect(header(m, "In-Reply-To")).toBe(root);
      const key = header(m, "X-Tidings-Reply-Key")!;
      keys.add(key);
      expect(header(m, "References")).toBe(`<reply-${key}@desk.example.com> ${root}`);
      expect(m.parsed.messageId).toMatch(/^<[0-9a-f]{32}@desk\.example\.com>$/);
      // Outlook: same Thread-Topic, Thread-Index = the root's 22 bytes + one 5-byte child block.
      expect(header(m, "Thread-Topic")).toBe(header(thanks, "Thread-Topic"));
      expect(await decodeWords(header(m, "Thread-Topic")!)).toBe(`Grüße & <Umlaute> (#${t.iid})`);
      const index = Buffer.from(header(m, "Thread-Index")!, "base64");
      expect(index).toHaveLength(27);
      expect(index.subarray(0, 22).equals(rootIndex)).toBe(true);
      // The note author is the display name; Auto-Submitted marks it as automated mail.
      expect(m.parsed.from?.value[0].address).toBe(TEST_EMAIL_FROM);
      expect(m.parsed.from?.value[0].name).toMatch(/^Sam Agent \(@sam[a-z0-9]+\)$/);
      expect(header(m, "Auto-Submitted")).toBe("auto-generated");
    }
    expect(keys.size).toBe(2);
    expect(first.parsed.html).toContain("<strong");
    expect(first.parsed.html).toContain("restart</strong>");
    expect(first.parsed.text).toContain("First answer: **restart** it.");
  });

  it("emails a public note to every subscribed participant but its author, and never internal or system notes", async () => {
    const { smtp, ctx, mail } = await setup();
    const t = await seedTicket(ds, mail);
    await addParticipant(ds, t.issueId, "bob@customer.test");
    await addParticipant(ds, t.issueId, "carol@customer.test");
    await ds.transaction(async (m) => {
      await createNote(m, mail, { issueId: t.issueId, authorId: t.agentId, body: "internal only", internal: true });
      await createNote(m, mail, { issueId: t.issueId, authorId: t.botId, body: "changed the title", system: true });
      // A reply from bob (through his reply key): everyone but bob hears about it.
      await createNote(m, mail, {
        issueId: t.issueId,
        authorId: t.botId,
        body: "From Bob",
        externalAuthor: "Bob@Customer.test",
      });
    });
    const bobNote = await ds.getRepository(OutboundEmailEntity).findBy({ kind: "new_note" });
    expect(bobNote.map((r) => r.toAddress).sort()).toEqual(["carol@customer.test", "jane@customer.test"]);

    // Carol unsubscribes (one-click link): she gets nothing more, the others still do.
    const carolKey = bobNote.find((r) => r.toAddress === "carol@customer.test")!.replyKey!;
    await ds.transaction((m) => unsubscribeByReplyKey(m, mail, { replyKey: carolKey }));
    await ds.transaction((m) => createNote(m, mail, { issueId: t.issueId, authorId: t.agentId, body: "Fixed." }));

    await run(ctx);
    await expect
      .poll(async () => (await outbox()).every((r) => r.status === "sent" || r.status === "failed"), SLOW)
      .toBe(true);
    expect(smtp!.messages).toHaveLength(4);
    // Bob's note says who wrote it (issue 12.5); his email has no display name: his address, obfuscated.
    const toJane = smtp!.to("jane@customer.test").map((m) => m.parsed.text!);
    expect(toJane).toHaveLength(3);
    expect(toJane).toContainEqual(expect.stringContaining("Thank you for your support request!"));
    expect(toJane).toContainEqual(expect.stringMatching(/^Bo\*{5}@C\*{5}\.t\*\* wrote:\n\nFrom Bob\n/));
    expect(toJane).toContainEqual(expect.stringMatching(/^Fixed\.\n/));
    expect(smtp!.to("bob@customer.test").map((m) => m.parsed.text?.split("\n")[0])).toEqual(["Fixed."]);
    const bobsNote = smtp!.to("jane@customer.test").find((m) => m.parsed.text?.includes("From Bob"))!;
    expect(bobsNote.parsed.from?.value[0].name).toBe("Bo*****@C*****.t** via Acme Support");
    // Carol's copy of Bob's note was still queued when she unsubscribed: it never leaves.
    expect(smtp!.to("carol@customer.test")).toEqual([]);
    const carolRow = (await outbox()).find((r) => r.toAddress === "carol@customer.test")!;
    expect(carolRow.status).toBe("failed");
    expect(carolRow.lastError).toMatch(/unsubscribed/);
    for (const m of smtp!.messages) {
      expect(m.raw.toString()).not.toMatch(/internal only|changed the title|unsubscribed carol/);
      if (m.envelope.to[0] !== "bob@customer.test") expect(m.raw.toString()).not.toMatch(/bob@customer\.test/i);
      // D3: no participant sees another's address.
      expect(m.envelope.to).toHaveLength(1);
      expect(header(m, "Cc")).toBeUndefined();
    }
  });

  it("does not send what was queued for a participant who unsubscribed before it went out", async () => {
    const { ctx, mail } = await setup({ smtp: null });
    const t = await seedTicket(ds, mail);
    await ds.transaction((m) => createNote(m, mail, { issueId: t.issueId, authorId: t.agentId, body: "Queued" }));
    const [thanks] = await outbox();
    // The unsubscribe link of the thank-you is used while the note email still waits in the outbox.
    await ds.transaction((m) => unsubscribeByReplyKey(m, mail, { replyKey: thanks.replyKey! }));
    await run(ctx);
    await expect.poll(async () => (await outbox()).every((r) => r.status === "failed"), SLOW).toBe(true);
    for (const row of await outbox()) {
      expect(row.lastError).toBe("Not sent: the recipient unsubscribed from this issue before the email went out.");
    }
    expect(fs.existsSync(path.join(dataDir, "outbox"))).toBe(false);
  });

  it("attaches a note's files when they total at most 10 MB and leaves bigger ones as links", async () => {
    const { smtp, ctx, mail } = await setup();
    const t = await seedTicket(ds, mail);
    const store = async (filename: string, content: Buffer, sizeBytes = content.length) => {
      const sha = createHash("sha256").update(content).digest("hex");
      const file = path.join(dataDir, "uploads", sha.slice(0, 2), sha);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      const row = await ds.getRepository(AttachmentEntity).save({
        projectId: t.projectId,
        secret: `s${Math.random().toString(36).slice(2)}`,
        filename,
        contentType: filename.endsWith(".png") ? "image/png" : "text/plain",
        sizeBytes,
        sha256: sha,
      });
      return row.id;
    };
    const small = [
      await store("log.txt", Buffer.from("line 1\nline 2\n")),
      await store("shot.png", Buffer.alloc(2048, 7)),
    ];
    await ds.transaction((m) =>
      createNote(m, mail, { issueId: t.issueId, authorId: t.agentId, body: "See the files.", attachmentIds: small }),
    );
    // 11 MB in total: stays a link.
    const big = [await store("huge.bin", Buffer.from("x"), 11 * 1024 * 1024)];
    await ds.transaction((m) =>
      createNote(m, mail, {
        issueId: t.issueId,
        authorId: t.agentId,
        body: "Too big: [huge.bin](/uploads/abc/huge.bin)",
        attachmentIds: big,
      }),
    );
    await run(ctx);
    await expect.poll(() => smtp!.messages.length, SLOW).toBe(3);
    const withFiles = smtp!.messages.find((m) => m.parsed.text?.startsWith("See the files."))!;
    expect(withFiles.parsed.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ["log.txt", "text/plain", 14],
      ["shot.png", "image/png", 2048],
    ]);
    expect(withFiles.parsed.attachments[0].content.toString()).toBe("line 1\nline 2\n");
    expect(header(withFiles, "Content-Type")).toMatch(/^multipart\/mixed/);
    const linked = smtp!.messages.find((m) => m.parsed.text?.startsWith("Too big"))!;
    expect(linked.parsed.attachments).toEqual([]);
    expect(linked.parsed.html).toContain('href="https://desk.example.com/uploads/abc/huge.bin"');
  });

  it("delivers every queued email exactly once when the SMTP server comes up after being down", async () => {
    const port = await freePort();
    const { ctx, mail } = await setup({ smtp: null, smtpUrl: `smtp://127.0.0.1:${port}` });
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(await seedTicket(ds, mail, { requester: `user${i}@customer.test` }));
    for (const t of tickets) {
      await ds.transaction((m) => createNote(m, mail, { issueId: t.issueId, authorId: t.agentId, body: "Update" }));
    }
    // Two runners, as on two worker nodes.
    await run(ctx);
    await run(ctx);
    await expect
      .poll(async () => (await outbox()).every((r) => r.status !== "sent" && r.attempts >= 2 && r.lastError), {
        timeout: 15_000,
      })
      .toBe(true);
    const waiting = await outbox();
    expect(waiting[0].lastError).toMatch(/ECONNREFUSED|connect/i);

    const smtp = await startSmtpCapture({ port });
    cleanups.push(() => smtp.stop());
    await expect.poll(async () => (await outbox()).every((r) => r.status === "sent"), { timeout: 15_000 }).toBe(true);
    expect(smtp.messages).toHaveLength(10);
    const ids = smtp.messages.map((m) => m.parsed.messageId);
    expect(new Set(ids).size).toBe(10);
    expect(new Set(ids)).toEqual(new Set(waiting.map((r) => `<${r.messageId}>`)));
  });

  it("retries a 4xx reply and marks a 550 failed with the server's reply, shown in the issue's email log", async () => {
    let greylisted = 0;
    const smtp = await startSmtpCapture({
      onRcpt: (address) =>
        address === "gone@customer.test"
          ? { code: 550, message: "5.1.1 <gone@customer.test>: Recipient address rejected" }
          : null,
      onMessage: () => (greylisted++ < 1 ? { code: 451, message: "4.7.1 Greylisted, try again later" } : null),
    });
    cleanups.push(() => smtp.stop());
    const { ctx, mail } = await setup({ smtp });
    const ok = await seedTicket(ds, mail, { requester: "jane@customer.test" });
    const gone = await seedTicket(ds, mail, { requester: "gone@customer.test" });
    await run(ctx, { ...FAST, concurrency: 1 });
    await expect
      .poll(async () => (await outbox()).every((r) => r.status === "sent" || r.status === "failed"), SLOW)
      .toBe(true);
    const [okRow, goneRow] = await outbox();
    expect(okRow).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect(goneRow).toMatchObject({ status: "failed", attempts: 1 });
    expect(goneRow.lastError).toContain("550 5.1.1 <gone@customer.test>: Recipient address rejected");
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual(["jane@customer.test"]);

    const log = await listIssueEmails(ds.manager, { issueId: gone.issueId });
    expect(log).toEqual([
      expect.objectContaining({
        to: "gone@customer.test",
        status: "failed",
        error: expect.stringContaining("Recipient address rejected"),
        sentAt: null,
      }),
    ]);
    expect(await listIssueEmails(ds.manager, { issueId: ok.issueId })).toEqual([
      expect.objectContaining({ status: "sent", error: null, sentAt: expect.any(Date) }),
    ]);
  });

  it("gives up after the last attempt and says so in the log", async () => {
    const smtp = await startSmtpCapture({ onMessage: () => ({ code: 421, message: "4.3.2 Service shutting down" }) });
    cleanups.push(() => smtp.stop());
    const { ctx, mail } = await setup({ smtp });
    await seedTicket(ds, mail);
    await run(ctx, { ...FAST, retry: { baseMs: 50, capMs: 50, maxAttempts: 3 } });
    await expect.poll(async () => (await outbox())[0].status, { timeout: 10_000 }).toBe("failed");
    const [row] = await outbox();
    expect(row.attempts).toBe(3);
    expect(row.lastError).toMatch(/^Gave up after 3 attempts .*421 4\.3\.2 Service shutting down/);
  });

  it("sends again, with the same Message-ID, an email whose runner died mid-send, and leaves live leases alone", async () => {
    const { smtp, ctx, mail } = await setup();
    const dead = await seedTicket(ds, mail, { requester: "dead@customer.test" });
    const live = await seedTicket(ds, mail, { requester: "live@customer.test" });
    const repo = ds.getRepository(OutboundEmailEntity);
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 60 * 60_000);
    await repo.update({ issueId: dead.issueId }, { status: "sending", attempts: 1, lockedUntil: past });
    await repo.update({ issueId: live.issueId }, { status: "sending", attempts: 1, lockedUntil: future });
    await run(ctx);
    await expect.poll(async () => (await repo.findOneByOrFail({ issueId: dead.issueId })).status, SLOW).toBe("sent");
    const row = await repo.findOneByOrFail({ issueId: dead.issueId });
    expect(row.attempts).toBe(2);
    expect(smtp!.messages.map((m) => m.parsed.messageId)).toEqual([`<${row.messageId}>`]);
    expect((await repo.findOneByOrFail({ issueId: live.issueId })).status).toBe("sending");
  });

  it("finishes the send in flight when stopped, and gives back the emails it had not started", async () => {
    const smtp = await startSmtpCapture({ replyDelayMs: 700 });
    cleanups.push(() => smtp.stop());
    const { ctx, mail } = await setup({ smtp });
    for (let i = 0; i < 3; i++) await seedTicket(ds, mail, { requester: `user${i}@customer.test` });
    const runner = await startOutbound(ctx, { ...FAST, concurrency: 1 });
    await expect.poll(async () => (await outbox()).filter((r) => r.status === "sending").length, SLOW).toBe(3);
    await runner.stop();
    const rows = await outbox();
    expect(rows.map((r) => r.status)).toEqual(["sent", "queued", "queued"]);
    expect(rows.map((r) => r.attempts)).toEqual([1, 0, 0]);
    expect(smtp.messages).toHaveLength(1);
  });

  it("marks an email failed with a clear reason when an attachment file is missing", async () => {
    const { smtp, ctx, mail } = await setup();
    const t = await seedTicket(ds, mail);
    const att = await ds.getRepository(AttachmentEntity).save({
      projectId: t.projectId,
      secret: "s-missing",
      filename: "gone.pdf",
      contentType: "application/pdf",
      sizeBytes: 100,
      sha256: "ab".repeat(32),
    });
    await ds.transaction((m) =>
      createNote(m, mail, { issueId: t.issueId, authorId: t.agentId, body: "File", attachmentIds: [att.id] }),
    );
    await run(ctx);
    await expect.poll(async () => (await outbox()).map((r) => r.status), SLOW).toEqual(["sent", "failed"]);
    expect((await outbox())[1].lastError).toMatch(/^The email could not be built: .*ENOENT/);
    expect(smtp!.messages).toHaveLength(1);
  });

  it("wakes on the outbox NOTIFY of the committing transaction, without waiting for the poll", async () => {
    const { smtp, ctx, mail } = await setup();
    await run(ctx, { ...FAST, pollIntervalMs: 600_000 });
    const t = await seedTicket(ds, mail);
    await expect.poll(() => smtp!.messages.length, { timeout: 5_000 }).toBe(1);
    expect(smtp!.messages[0].parsed.messageId).toBe(`<issue_${t.issueId}@desk.example.com>`);
  });

  it("listens again after its LISTEN connection is killed", async () => {
    const { smtp, ctx, mail } = await setup();
    await run(ctx, { ...FAST, pollIntervalMs: 600_000 });
    const listeners = `SELECT pid FROM pg_stat_activity
      WHERE application_name = 'tidings-outbox-listen' AND datname = current_database()`;
    await expect.poll(async () => (await ds.query(listeners)).length, SLOW).toBe(1);
    const [{ pid }] = await ds.query(listeners);
    await ds.query("SELECT pg_terminate_backend($1)", [pid]);
    // A new connection (a new backend pid) LISTENs again after the 2 s back-off.
    const others = async () =>
      (await ds.query(listeners)).map((r: { pid: number }) => r.pid).filter((p: number) => p !== pid);
    await expect.poll(others, { timeout: 10_000 }).toHaveLength(1);
    await seedTicket(ds, mail);
    await expect.poll(() => smtp!.messages.length, { timeout: 5_000 }).toBe(1);
  });

  it("tells the issue's viewers when an email's state changes (issue_updated), so the email log is live", async () => {
    const { smtp, ctx, mail } = await setup();
    const events: string[] = [];
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanups.push(() => client.end());
    client.on("notification", (n) => events.push(n.payload ?? ""));
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    const t = await seedTicket(ds, mail);
    events.length = 0;
    await run(ctx);
    await expect.poll(() => smtp!.messages.length, SLOW).toBe(1);
    await expect
      .poll(() => events.map((e) => JSON.parse(e)), SLOW)
      .toContainEqual({ type: "issue_updated", projectId: t.projectId, issueId: t.issueId });
  });

  it("writes .eml files under DATA_DIR/outbox without SMTP_URL and marks them sent", async () => {
    const { ctx, mail } = await setup({ smtp: null });
    const t = await seedTicket(ds, mail);
    await ds.transaction((m) =>
      createNote(m, mail, { issueId: t.issueId, authorId: t.agentId, body: "Hello **you**" }),
    );
    const runner = await run(ctx);
    expect(runner.delivery).toBe("eml");
    await expect.poll(async () => (await outbox()).every((r) => r.status === "sent"), SLOW).toBe(true);
    const rows = await outbox();
    const files = fs.readdirSync(path.join(dataDir, "outbox")).sort();
    expect(files).toEqual(rows.map((r) => `${r.id}-${r.messageId}.eml`).sort());
    const eml = await simpleParser(
      fs.readFileSync(path.join(dataDir, "outbox", `${rows[1].id}-${rows[1].messageId}.eml`)),
    );
    expect(eml.messageId).toBe(`<${rows[1].messageId}>`);
    expect(eml.subject).toBe(`Re: Printer on fire (#${t.iid})`);
    expect(eml.headers.get("x-tidings-reply-key")).toBe(rows[1].replyKey);
    expect(eml.text).toContain("Hello **you**");
    expect(eml.html).toContain("<strong");
    expect(await listIssueEmails(ds.manager, { issueId: t.issueId })).toHaveLength(2);
  });
});
