// Issue 14.3: the processor tells the outbox runner when stored mail is waiting for it (the runner yields
// to that backlog), against real PostgreSQL and the real processing thread.
import { receiveEmails, routeSettingsOf } from "@tidings/core";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { simpleMessage, testWorkerContext } from "../../test/helpers.ts";
import { startProcessor } from "./processor.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

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
