// Issue 14.3: the counts by status (/metrics) and by project and status (the quarantine's badge and total)
// are kept by the database (migration 1765001302000), not counted on each read. A kept count is a copy of
// `count(*) … GROUP BY status`: these tests hold it equal to the original through every kind of statement
// that changes the ledger or the outbox, through folds, and through transactions that are still open or
// roll back while a fold runs.
import type { DataSource } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createIngestWorld } from "../ingest/testing/world.ts";
import { foldMailStatusCounts, type MailDirection, readKeptCount, readMailStatusCounts } from "./mail-status-counts.ts";

// A database of its own for each test (each creates its project).
let db: TestDatabase;
let ds: DataSource;
beforeEach(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
}, 60_000);
afterEach(async () => db?.drop());

const TABLE: Record<MailDirection, string> = { inbound: "inbound_emails", outbound: "outbound_emails" };

/** The original: the rows counted. */
const counted = async (direction: MailDirection) => {
  const rows: { status: string; n: number }[] = await ds.query(
    `SELECT status, count(*)::int AS n FROM ${TABLE[direction]} GROUP BY status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

/** The original, per project (null: mail of no project) and status. */
const countedByProject = async (direction: MailDirection) =>
  (await ds.query(
    `SELECT project_id, status, count(*)::int AS n FROM ${TABLE[direction]} GROUP BY project_id, status`,
  )) as { project_id: number | null; status: string; n: number }[];

const expectKeptAsCounted = async (when: string) => {
  for (const direction of ["inbound", "outbound"] as const) {
    expect(await readMailStatusCounts(ds, direction), `${direction}, ${when}`).toEqual(await counted(direction));
    for (const { project_id, status, n } of await countedByProject(direction)) {
      if (project_id === null) continue;
      expect(await readKeptCount(ds, direction, [status], project_id), `${direction}, ${status}, ${when}`).toBe(n);
    }
  }
};

const keptRows = async () => Number((await ds.query(`SELECT count(*)::int AS n FROM mail_status_counts`))[0].n);

const mail = (to: string, id: string, extra: string[] = []) =>
  Buffer.from(
    [`From: Customer <c-${id}@example.org>`, `To: ${to}`, `Subject: Ticket ${id}`, `Message-ID: <${id}@example.org>`]
      .concat(extra, ["Content-Type: text/plain", "", `Body ${id}.`, ""])
      .join("\r\n"),
  );

it("keeps each status's count as counting the rows says, through every kind of change and through folds", async () => {
  const w = await createIngestWorld(ds);
  const to = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
  await expectKeptAsCounted("before any mail");

  // Real mail through the real paths: new issues (each queues a thank-you), a duplicate, an auto-reply,
  // mail for nobody.
  for (const id of ["a1", "a2", "a3"]) await w.ingest(mail(to, id));
  await w.ingest(mail(to, "a1"));
  await w.ingest(mail(to, "auto", ["Auto-Submitted: auto-replied"]));
  await w.ingest(mail("nobody@elsewhere.example", "lost"));
  const inbound = await counted("inbound");
  expect(Object.keys(inbound).length, "more than one outcome").toBeGreaterThan(1);
  expect((await counted("outbound")).queued, "thank-yous queued").toBeGreaterThan(0);
  await expectKeptAsCounted("after ingesting");

  // The outbox's steps, one email at a time and many at once; an update that changes no status.
  await ds.query(`UPDATE outbound_emails SET status = 'sending' WHERE id = (SELECT min(id) FROM outbound_emails)`);
  await ds.query(`UPDATE outbound_emails SET status = CASE WHEN id % 2 = 0 THEN 'sent' ELSE 'failed' END`);
  await ds.query(`UPDATE outbound_emails SET attempts = attempts + 1`);
  await expectKeptAsCounted("after the outbox's updates");

  // A fold in the middle, then more changes on top of the folded rows: a mixed update, a delete.
  const before = await keptRows();
  const folded = await foldMailStatusCounts(ds);
  expect(folded).toBe(before);
  const [{ groups }] = await ds.query(
    `SELECT (SELECT count(*) FROM (SELECT DISTINCT project_id, status FROM inbound_emails) i)
          + (SELECT count(*) FROM (SELECT DISTINCT project_id, status FROM outbound_emails) o) AS groups`,
  );
  expect(await keptRows(), "one row per project and status after a fold").toBe(Number(groups));
  await expectKeptAsCounted("after a fold");
  await ds.query(
    `UPDATE inbound_emails SET status = CASE WHEN id % 2 = 0 THEN 'deleted' ELSE status END WHERE status <> 'received'`,
  );
  // A message moved out of its project (its status unchanged), as the quarantine's "move" does.
  await ds.query(`UPDATE inbound_emails SET project_id = NULL WHERE id = (SELECT min(id) FROM inbound_emails)`);
  await ds.query(`DELETE FROM outbound_emails WHERE status = 'failed'`);
  await ds.query(`DELETE FROM inbound_emails WHERE id = (SELECT max(id) FROM inbound_emails)`);
  await expectKeptAsCounted("after updates and deletes on folded counts");
  await foldMailStatusCounts(ds);
  await expectKeptAsCounted("after a second fold");

  // A status no row holds any longer is absent, as from counting; a table emptied at once counts nothing.
  await ds.query(`DELETE FROM outbound_emails`);
  await foldMailStatusCounts(ds);
  expect(await readMailStatusCounts(ds, "outbound")).toEqual({});
  await expectKeptAsCounted("after the outbox was emptied");
  expect(Object.keys(await readMailStatusCounts(ds, "inbound")).length).toBeGreaterThan(0);
  await ds.query(`TRUNCATE inbound_emails`);
  expect(await readMailStatusCounts(ds, "inbound")).toEqual({});
  await expectKeptAsCounted("after the ledger was truncated");
});

it("a fold leaves the changes of open transactions for later; a rollback takes its change with it", async () => {
  const w = await createIngestWorld(ds);
  const to = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
  for (const id of ["b1", "b2"]) await w.ingest(mail(to, id));
  const [{ id }] = await ds.query(`SELECT max(id) AS id FROM inbound_emails`);

  const open = async (sql: string) => {
    const qr = ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    await qr.query(sql, [id]);
    return qr;
  };
  const committing = await open(`UPDATE inbound_emails SET status = 'failed' WHERE id = $1`);
  const rollingBack = await open(`DELETE FROM inbound_emails WHERE id = $1 - 1`);
  // Two folds at once, beside both open transactions: neither waits on them, neither loses a row.
  await Promise.all([foldMailStatusCounts(ds), foldMailStatusCounts(ds)]);
  await expectKeptAsCounted("while two transactions are open");
  await committing.commitTransaction();
  await rollingBack.rollbackTransaction();
  await committing.release();
  await rollingBack.release();
  await expectKeptAsCounted("after one committed and one rolled back");
  await foldMailStatusCounts(ds);
  await expectKeptAsCounted("after the next fold");
});
