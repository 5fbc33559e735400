// Every pooled session carries SESSION_OPTIONS, whatever the server's own configuration says.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

it("runs every pooled session without parallel workers per query", async () => {
  const sessions = await Promise.all(
    Array.from({ length: 3 }, () => db.dataSource.transaction((m) => m.query("SHOW max_parallel_workers_per_gather"))),
  );
  expect(sessions.map(([row]) => row.max_parallel_workers_per_gather)).toEqual(["0", "0", "0"]);
  // The server's own default is not 0, so the setting comes from the session.
  const [server] = await db.dataSource.query(
    "SELECT boot_val FROM pg_settings WHERE name = 'max_parallel_workers_per_gather'",
  );
  expect(server.boot_val).not.toBe("0");
});
