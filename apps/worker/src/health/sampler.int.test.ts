// Issue 14.3: the worker's sampler tick folds the kept counts by status, so a /metrics scrape sums at most
// a minute of changes whatever the ledger and the outbox hold.
import { readMailStatusCounts } from "@tidings/core";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { testWorkerContext } from "../../test/helpers.ts";
import { startHealthSampler } from "./sampler.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => db?.drop());

it("folds the counts kept since the last tick into one row per status, and they still say the same", async () => {
  const ds = db.dataSource;
  for (let i = 0; i < 5; i++) {
    await ds.query(
      `INSERT INTO inbound_emails (idempotency_key, transport, raw, size_bytes, sha256) VALUES ($1, 'webhook', '\\x00', 1, $1)`,
      [`key-${i}`],
    );
  }
  await ds.query(`UPDATE inbound_emails SET status = 'failed' WHERE id % 2 = 0`);
  const kept = async () => Number((await ds.query(`SELECT count(*)::int AS n FROM mail_status_counts`))[0].n);
  expect(await kept()).toBe(7); // five inserts, then −2 received and +2 failed
  const before = await readMailStatusCounts(ds, "inbound");
  expect(before).toEqual({ received: 3, failed: 2 });

  // The first tick runs at once; stop() waits for it.
  await startHealthSampler(testWorkerContext(ds, db.url), { everyMs: 60_000 }).stop();
  expect(await kept()).toBe(2);
  expect(await readMailStatusCounts(ds, "inbound")).toEqual(before);
});
