// Issue 14.3: the processor tells the outbox runner when stored mail is waiting for it (the runner yields
// to that backlog), against real PostgreSQL and the real processing thread.
import { receiveEmails, routeSettingsOf } from "@tidings/core";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, expect, it } from "vitest";
import { simpleMessage, testWorkerContext } from "../../test/helpers.ts";
import { startProcessor } from "./processor.ts";

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => db.drop());

it("says when stored messages are being processed or wait for it, and when it is idle again", async () => {
  const { project, settings } = await createIngestWorld(db.dataSource, { ingest: { issuesPerSenderPerHour: 0 } });
  const stored = await receiveEmails(
    db.dataSource.manager,
    Array.from({ length: 250 }, (_, n) => ({
      raw: simpleMessage({ projectId: project.id, n, from: `Customer ${n} <c${n}@example.org>` }),
      transport: "webhook" as const,
      maxEmailBytes: settings.maxEmailBytes,
      route: routeSettingsOf(settings.mail),
    })),
  );
  const processor = startProcessor(testWorkerContext(db.dataSource, db.url), settings, {
    sweepIntervalMs: 60_000,
    batchSize: 100,
  });
  try {
    expect(processor.busy()).toBe(false);
    await processor.idle(60_000); // nothing to do: at once
    const done = Promise.all(stored.map((s) => processor.enqueue(s.id)));
    expect(processor.busy()).toBe(true);
    await processor.idle(60_000);
    // Idle means done: every message is applied.
    expect(processor.busy()).toBe(false);
    const [{ n }] = await db.dataSource.query(
      "SELECT count(*)::int AS n FROM inbound_emails WHERE status = 'issue' AND id = ANY($1::int[])",
      [stored.map((s) => s.id)],
    );
    expect(n).toBe(250);
    await done;
  } finally {
    await processor.stop();
  }
});

it("applies messages stored together (an IMAP chunk, one group commit) in one transaction", async () => {
  const { project, settings } = await createIngestWorld(db.dataSource, { ingest: { issuesPerSenderPerHour: 0 } });
  const stored = await receiveEmails(
    db.dataSource.manager,
    Array.from({ length: 7 }, (_, n) => ({
      raw: simpleMessage({ projectId: project.id, n: `together-${n}`, from: `Customer ${n} <t${n}@example.org>` }),
      transport: "webhook" as const,
      maxEmailBytes: settings.maxEmailBytes,
      route: routeSettingsOf(settings.mail),
    })),
  );
  const processor = startProcessor(testWorkerContext(db.dataSource, db.url), settings, { sweepIntervalMs: 60_000 });
  try {
    await Promise.all(stored.map((s) => processor.enqueue(s.id)));
    // One transaction stamps every row it applies with the same now(). Before, the first message went
    // alone, the second alone, and the five others together: three transactions.
    const rows: { status: string; processed_at: Date }[] = await db.dataSource.query(
      "SELECT status, processed_at FROM inbound_emails WHERE id = ANY($1::int[])",
      [stored.map((s) => s.id)],
    );
    expect(rows.map((r) => r.status)).toEqual(Array(7).fill("issue"));
    expect(new Set(rows.map((r) => r.processed_at.getTime())).size).toBe(1);
  } finally {
    await processor.stop();
  }
});
