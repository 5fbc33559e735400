// Issue 9.12: the shared LISTEN connection survives its backend being terminated, again and again, and
// says so loudly (a rejected start) when the database cannot be reached at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./embedded.ts";
import { type Listener, startListener } from "./listener.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const waitFor = async (condition: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("the reconnecting listener", () => {
  let db: TestDatabase;
  let listener: Listener;
  const received: string[] = [];
  const connects: boolean[] = [];
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    listener = await startListener({
      databaseUrl: db.url,
      channels: ["tidings_test_events"],
      applicationName: "tidings-listener-test",
      log: silent,
      onNotification: (_channel, payload) => received.push(payload),
      onConnect: ({ reconnect }) => connects.push(reconnect),
      onGiveUp: (err) => {
        throw err;
      },
      initialDelayMs: 20,
    });
  });
  afterAll(async () => {
    await listener.close();
    await db.drop();
  });

  it("gets every NOTIFY after its backend is terminated five times in a row", async () => {
    for (let round = 1; round <= 5; round++) {
      const [{ n }] = await db.dataSource.query(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'tidings-listener-test'`,
      );
      expect(n).toBe(1);
      await waitFor(() => listener.reconnects() === round && listener.connected(), 10_000, `reconnect ${round}`);
      await db.dataSource.query("SELECT pg_notify('tidings_test_events', $1)", [`after-${round}`]);
      await waitFor(() => received.includes(`after-${round}`), 5_000, `the NOTIFY after round ${round}`);
    }
    expect(connects).toEqual([false, true, true, true, true, true]);
  });
});

it("refuses to start, loudly, when the database cannot be reached within its patience", async () => {
  const port = await freePort();
  await expect(
    startListener({
      databaseUrl: `postgres://nobody:secret@127.0.0.1:${port}/none`,
      channels: ["tidings_test_events"],
      applicationName: "tidings-listener-unreachable",
      log: silent,
      onNotification: () => undefined,
      onGiveUp: () => undefined,
      giveUpAfterMs: 300,
      initialDelayMs: 20,
    }),
  ).rejects.toThrow(/ECONNREFUSED|connect/);
});
