// Migration 1765001302000 on a database that already holds mail: it counts the rows there are, and from
// then on every change is kept; going down removes the table, its triggers and their functions.
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAndMigrate } from "../data-source.ts";
import { QUARANTINE_STATUSES } from "../entities/constants.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { undoMigrationsFrom } from "../testing/undo-migrations.ts";
import { QUARANTINED } from "./1765001302000-mail-status-counts.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

it("starts from the rows already there, keeps every change after, and goes down cleanly", async () => {
  const ds = db.dataSource;
  const storeInbound = (key: string, status: string) =>
    ds.query(
      `INSERT INTO inbound_emails (idempotency_key, transport, raw, size_bytes, sha256, status)
       VALUES ($1, 'webhook', '\\x00', 1, $1, $2)`,
      [key, status],
    );
  const queueOutbound = (status: string) =>
    ds.query(
      `INSERT INTO outbound_emails (kind, to_address, subject, message_id, text_body, status)
       VALUES ('thank_you', 'c@example.org', 'Hi', $1, 'Hello', $2)`,
      [`<${Math.random()}@tidings.test>`, status],
    );
  const undone = await undoMigrationsFrom(ds, "MailStatusCounts1765001302000");
  const [{ present }] = await ds.query(`SELECT to_regclass('mail_status_counts') IS NOT NULL AS present`);
  expect(present).toBe(false);
  await storeInbound("a", "issue");
  await storeInbound("b", "issue");
  await storeInbound("c", "rejected");
  await queueOutbound("sent");

  expect(await connectAndMigrate(ds)).toEqual(undone);
  const kept = async (direction: string) =>
    Object.fromEntries(
      (
        await ds.query(
          `SELECT status, sum(n)::int AS n FROM mail_status_counts WHERE direction = $1 GROUP BY status HAVING sum(n) <> 0`,
          [direction],
        )
      ).map((r: { status: string; n: number }) => [r.status, r.n]),
    );
  expect(await kept("inbound")).toEqual({ issue: 2, rejected: 1 });
  expect(await kept("outbound")).toEqual({ sent: 1 });
  await storeInbound("d", "received");
  await queueOutbound("queued");
  expect(await kept("inbound")).toEqual({ issue: 2, rejected: 1, received: 1 });
  expect(await kept("outbound")).toEqual({ sent: 1, queued: 1 });

  await undoMigrationsFrom(ds, "MailStatusCounts1765001302000");
  const [{ triggers }] = await ds.query(
    `SELECT count(*)::int AS triggers FROM pg_trigger WHERE tgname LIKE '%_count_%' AND NOT tgisinternal`,
  );
  const [{ functions }] = await ds.query(
    `SELECT count(*)::int AS functions FROM pg_proc WHERE proname LIKE 'tidings_count_%'`,
  );
  expect({ triggers, functions }).toEqual({ triggers: 0, functions: 0 });
  await storeInbound("e", "received"); // the ledger works without them
  await connectAndMigrate(ds);
  expect(await kept("inbound")).toEqual({ issue: 2, rejected: 1, received: 2 });
});

it("indexes exactly the quarantine's statuses (the migration's copy of QUARANTINE_STATUSES)", () => {
  expect([...QUARANTINED].sort()).toEqual([...QUARANTINE_STATUSES].sort());
});
