// Issue 14.3: what ingesting a message costs must not grow with what was ingested before. A statement that
// reads the ledger or the project's issues from end to end is invisible on a test's ten rows and takes
// seconds per batch after a year of mail. So the tables are grown first (set-based, 30,000 rows each), a
// batch of every kind of message is received and applied, and every statement sent (and the processor's
// sweep) is EXPLAINed twice: before autovacuum has looked at the tables (a new install's first minutes of a
// flood: in the benchmark the ledger grew by 8,000 messages in 40 s, and the Message-ID check read all of
// them for every batch), and after its pass.
import { OutboundEmailEntity } from "@tidings/db";
import {
  captureStatements,
  createTestDatabase,
  fullScansOf,
  pollAfterBurst,
  type TestDatabase,
} from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureSupportBot } from "../users/support-bot.ts";
import { pendingInboundIds, processBatch } from "./process-inbound-email.ts";
import { GROWN_TABLES, growTables } from "./testing/grown-tables.ts";
import { createIngestWorld, storeRaw } from "./testing/world.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => db?.drop());

it("receiving and applying a batch of every kind of message reads no grown table from end to end", async () => {
  const w = await createIngestWorld(db.dataSource);
  const bot = await db.dataSource.transaction((m) => ensureSupportBot(m));
  // One message the ordinary way first: a real reply key to answer in the batch.
  const desk = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
  const mail = (o: { id: string; from?: string; to?: string; subject?: string; extra?: string[] }) =>
    Buffer.from(
      [
        `From: ${o.from ?? "New Customer <new@customer.example>"}`,
        `To: ${o.to ?? desk}`,
        `Subject: ${o.subject ?? "Printer on fire"}`,
        `Message-ID: <${o.id}>`,
        ...(o.extra ?? []),
        "Content-Type: text/plain; charset=utf-8",
        "",
        `A body for ${o.id}.`,
        "",
      ].join("\r\n"),
    );
  const first = await w.ingest(mail({ id: "first@customer.example" }));
  const issueId = first.result?.issueId;
  if (!issueId) throw new Error("the first message opens an issue");
  const [thanks] = await db.dataSource.getRepository(OutboundEmailEntity).findBy({ issueId });
  await growTables(db.dataSource, { projectId: w.project.id, botId: bot.id });

  const batch = [
    mail({ id: "new-1@customer.example", from: "Someone New <someone@new.example>" }),
    // A sender with issues in the project (the per-sender limit counts them).
    mail({ id: "new-2@customer.example", from: "old7@customer.example" }),
    // Replies to old issues' opening emails: by In-Reply-To, and by References (after a message unknown here).
    mail({
      id: "re-1@customer.example",
      subject: "Re: Old ticket 17",
      extra: ["In-Reply-To: <old-17@customer.example>"],
    }),
    mail({
      id: "re-2@customer.example",
      subject: "Re: Old ticket 18",
      extra: ["References: <old-18@customer.example> <elsewhere@x.example>"],
    }),
    // A reply to a thank-you's reply key.
    mail({ id: "re-3@customer.example", to: `incoming+${thanks.replyKey}@appmail.adventuretime.ooo` }),
    // A different message reusing an old Message-ID (issue 15.4).
    mail({ id: "old-19@customer.example", subject: "Something else entirely" }),
    // The same message twice (the second is the ledger's duplicate), and an auto-reply (never answered).
    mail({ id: "new-3@customer.example" }),
    mail({ id: "new-3@customer.example" }),
    mail({ id: "ooo@customer.example", extra: ["Auto-Submitted: auto-replied"] }),
  ];
  const { result, statements } = await captureStatements(db.dataSource, async () => {
    const stored = await storeRaw(db.dataSource, w.settings, batch, { transport: "smtp" });
    const ids = stored.filter((s) => !s.duplicate).map((s) => s.id);
    const applied = await processBatch(db.dataSource, w.settings, ids);
    // And the processor's sweep for messages left behind, which runs every few seconds for ever.
    return { ids, batch: applied, pending: await pendingInboundIds(db.dataSource, 500) };
  });
  // The batch did what each message asks, so the plans below are of the statements that real work sends.
  expect(result.batch.failures).toEqual([]);
  expect(result.pending).toEqual([]);
  const status = new Map(result.batch.results.map((r) => [r.id, r.status]));
  expect(result.ids.map((id) => status.get(id))).toEqual([
    "issue",
    "issue",
    "note",
    "note",
    "note",
    "issue",
    "issue",
    "ignored",
  ]);
  expect(statements.length).toBeGreaterThan(20);
  expect(await fullScansOf(db.dataSource, statements, GROWN_TABLES), "before autovacuum has looked").toEqual([]);
  await db.dataSource.query(`VACUUM ANALYZE ${GROWN_TABLES.join(", ")}`);
  expect(await fullScansOf(db.dataSource, statements, GROWN_TABLES), "after autovacuum's pass").toEqual([]);
}, 120_000);

it("the sweep for messages left behind reads what is pending, not the row versions a flood left behind", async () => {
  const ds = db.dataSource;
  await ds.query(`ALTER TABLE inbound_emails SET (autovacuum_enabled = off)`);
  // A backlog of 20,000 messages stored faster than they were processed (an IMAP backlog, a flood): the
  // statistics are taken while they are all `received`. Then each is claimed and applied, as the pipeline
  // does (two updates), and autovacuum has not come by: every `received` version is still there.
  const flood = 20_000;
  await ds.query(
    `INSERT INTO inbound_emails (idempotency_key, transport, message_id, raw, size_bytes, sha256, status, received_at)
     SELECT 'flood:' || g, 'smtp', 'flood-' || g || '@customer.example',
            (SELECT decode(string_agg(md5(g || '.' || k), ''), 'hex') FROM generate_series(1, 100) k), 1600,
            md5(g::text), 'received', now() - interval '1 hour'
       FROM generate_series(1, $1) g`,
    [flood],
  );
  await ds.query("ANALYZE inbound_emails");
  const floodRows = `idempotency_key LIKE 'flood:%'`;
  await ds.query(`UPDATE inbound_emails SET attempts = attempts + 1, updated_at = now() WHERE ${floodRows}`);
  await ds.query(`UPDATE inbound_emails SET status = 'issue', processed_at = now() WHERE ${floodRows}`);

  const { result, fullScans, tablePages, read } = await pollAfterBurst(ds, "inbound_emails", () =>
    pendingInboundIds(ds, 500),
  );
  expect(result).toEqual([]);
  // Not the primary key walked from end to end, nor the table read.
  expect(fullScans).toEqual([]);
  // And what it reads: run twice (the first marks the dead versions it meets), the second reads a few
  // pages, against the thousands the table spans.
  expect(tablePages).toBeGreaterThan(5_000);
  expect(read).toBeLessThan(tablePages / 20);
}, 120_000);
