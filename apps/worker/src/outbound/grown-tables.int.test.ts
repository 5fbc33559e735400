// Issue 14.3: the outbox runner claims due emails every few hundred milliseconds for as long as the worker
// runs. After a year of mail the outbox holds every email ever sent; a claim that reads it from end to end
// costs a scan of all of them on each poll. Grown to 30,000 rows, with a few emails due, every statement of
// a claim, its lease, its send and its outcome is EXPLAINed, before autovacuum has looked and after.
import { GROWN_TABLES, growTables } from "@tidings/core/src/ingest/testing/grown-tables.ts";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { ensureSupportBot } from "@tidings/core/src/users/support-bot.ts";
import { rowsOf } from "@tidings/db";
import {
  captureStatements,
  createTestDatabase,
  fullScansOf,
  pollAfterBurst,
  type TestDatabase,
} from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SessionQuery } from "./claim-session.ts";
import { claimDueEmails, holdClaims, markFailed, markRetry, markSendStarted, markSent } from "./outbox-store.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => db?.drop());

it("claiming, holding and settling due emails reads no grown table from end to end", async () => {
  const w = await createIngestWorld(db.dataSource);
  const bot = await db.dataSource.transaction((m) => ensureSupportBot(m));
  await growTables(db.dataSource, { projectId: w.project.id, botId: bot.id });
  // Three emails due now, as ingest queues them.
  await db.dataSource.query(
    `INSERT INTO outbound_emails (kind, project_id, issue_id, to_address, subject, text_body, message_id)
     SELECT 'thank_you', $1, i.id, i.external_author, 'Re: ' || i.title, 'Thanks', 'due-' || i.id || '@tidings.test'
       FROM issues i WHERE i.project_id = $1 ORDER BY i.id DESC LIMIT 3`,
    [w.project.id],
  );
  // As the claim session runs them (claim-session.ts): the rows, whatever the statement.
  const q: SessionQuery = async (sql, params) => rowsOf(await db.dataSource.query(sql, params));
  const owner = 7;
  const { result, statements } = await captureStatements(db.dataSource, async () => {
    const claimed = await claimDueEmails(q, owner, 16, 60_000);
    const held = await holdClaims(q, owner, claimed, 60_000);
    const [a, b, c] = claimed;
    const started = await markSendStarted(q, owner, a);
    return {
      claimed: claimed.length,
      held: held.size,
      started,
      settled: [await markSent(db.dataSource, a, "250 OK"), await markRetry(db.dataSource, b, 1000, "451 later")],
      failed: await markFailed(db.dataSource, c, "550 no such user"),
    };
  });
  expect(result).toEqual({ claimed: 3, held: 3, started: true, settled: [true, true], failed: true });
  expect(await fullScansOf(db.dataSource, statements, GROWN_TABLES), "before autovacuum has looked").toEqual([]);
  await db.dataSource.query(`VACUUM ANALYZE ${GROWN_TABLES.join(", ")}`);
  expect(
    await fullScansOf(db.dataSource, statements, GROWN_TABLES, { walks: false }),
    "after autovacuum's pass",
  ).toEqual([]);
}, 120_000);

it("a claim after a burst reads what it can take, not the row versions the burst left behind", async () => {
  const ds = db.dataSource;
  await ds.query(`ALTER TABLE outbound_emails SET (autovacuum_enabled = off)`);
  // The test above's retried email settled, so that nothing is due.
  await ds.query(`UPDATE outbound_emails SET status = 'sent' WHERE status IN ('queued', 'sending')`);
  // A burst of 20,000 thank-yous queued faster than they were sent: the statistics are taken while they are
  // all `queued`. Then each is claimed and sent, as the runner does (two updates), and autovacuum has not
  // come by: every `queued` and `sending` version is still there.
  await ds.query(
    `INSERT INTO outbound_emails (kind, to_address, subject, text_body, message_id)
     SELECT 'thank_you', 'burst' || g || '@customer.example', 'Thanks', repeat('Thank you for writing. ', 30),
            'burst-' || g || '@tidings.test'
       FROM generate_series(1, 20000) g`,
  );
  await ds.query("ANALYZE outbound_emails");
  const burst = `message_id LIKE 'burst-%'`;
  await ds.query(
    `UPDATE outbound_emails SET status = 'sending', claimed_by = 7, locked_until = now() + interval '1 minute',
            attempts = attempts + 1, updated_at = now() WHERE ${burst}`,
  );
  await ds.query(`UPDATE outbound_emails SET status = 'sent', sent_at = now(), updated_at = now() WHERE ${burst}`);

  const q: SessionQuery = async (sql, params) => rowsOf(await ds.query(sql, params));
  const { result, fullScans, tablePages, read } = await pollAfterBurst(ds, "outbound_emails", () =>
    claimDueEmails(q, 8, 16, 60_000),
  );
  expect(result).toEqual([]);
  // Not the outbox read from end to end, nor an index of every email walked.
  expect(fullScans).toEqual([]);
  // And what it reads: run twice (the first marks the dead versions it meets), the second reads a few pages,
  // against the thousands the table spans. Nothing is due, so running the claim changes nothing.
  expect(tablePages).toBeGreaterThan(3_000);
  expect(read).toBeLessThan(tablePages / 20);
}, 120_000);
