// Issue 9.12 against a real Dovecot: a mailbox the server refuses is an error — logged, retried with
// backoff, shown as failing in the metrics — never "no new mail"; once it works, its mail arrives.
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { readMailMetrics } from "@tidings/core";
import { type DataSource, IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startInbound } from "../src/inbound/index.ts";
import { type Dovecot, startDovecot } from "./dovecot.ts";
import { eventually, simpleMessage, testWorkerContext } from "./helpers.ts";

let dovecot: Dovecot;
let db: TestDatabase;
let ds: DataSource;
let projectId: number;
beforeAll(async () => {
  dovecot = await startDovecot(["failing@test"]);
  db = await createTestDatabase();
  ds = db.dataSource;
  projectId = (await createIngestWorld(ds)).project.id;
});
afterAll(async () => {
  await dovecot.stop();
  await db.drop();
});

it("marks a refused mailbox as failing, keeps retrying, and delivers its mail once it can be read", async () => {
  const inbound = await startInbound(
    testWorkerContext(ds, db.url, { IMAP_URL: dovecot.url("failing@test", "Support") }),
    { imapPollMs: 60_000, leaseRetryMs: 200 },
  );
  try {
    // The folder does not exist yet: every session fails, and the metrics say so.
    await eventually(async () => (await readMailMetrics(ds.manager)).mailboxes.some((m) => m.failing), 20_000);

    const admin = await dovecot.client("failing@test");
    await admin.mailboxCreate("Support");
    await dovecot.append(simpleMessage({ projectId, n: "after-failure" }), {
      user: "failing@test",
      mailbox: "Support",
    });
    await admin.logout();

    const issue = await eventually(
      () => ds.getRepository(IssueEntity).findOneBy({ messageId: `msg-after-failure-${projectId}@example.org` }),
      30_000,
    );
    expect(issue.title).toBe("Help after-failure");
    await eventually(async () => !(await readMailMetrics(ds.manager)).mailboxes.some((m) => m.failing), 10_000);
  } finally {
    await inbound.stop();
  }
});
