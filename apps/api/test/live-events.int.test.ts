// Issue 9.12 through the real api: its LISTEN connection is terminated again and again (as a PostgreSQL
// restart would), and live events keep reaching subscribers; every socket open during the gap is closed
// with 1012 so its client reconnects and refetches what it missed.
import { ProjectEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { serviceDeskIssue } from "./fixtures.ts";
import { startTestApi, type TestApi, waitFor } from "./harness.ts";

let db: TestDatabase;
let api: TestApi;
beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db);
});
afterAll(async () => {
  await api.close();
  await db.drop();
});

const CREATED = `subscription($p: ID!) { issueCreated(projectPath: $p) { title } }`;

it("keeps delivering events after the api's LISTEN backend is terminated, and tells open sockets to resync", async () => {
  const cookie = await api.signIn("maintainer");
  const project = await db.dataSource.manager.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
  for (let round = 1; round <= 3; round++) {
    // A socket open across the outage is closed with 1012 once the listener is back.
    const closes: number[] = [];
    class Socket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { origin: new URL(api.config.PUBLIC_URL).origin, cookie } });
        this.on("close", (code) => closes.push(code));
      }
    }
    const open = createClient({ url: `ws://127.0.0.1:${api.port}/graphql`, webSocketImpl: Socket, retryAttempts: 0 });
    const stale = new Promise<void>((resolve) =>
      open.subscribe(
        { query: CREATED, variables: { p: "demo/app" } },
        { next: () => undefined, error: () => resolve(), complete: () => resolve() },
      ),
    );
    await waitFor(() => closes.length === 0 && api.subscriptionsOpened() > 0, 5000, "the open subscription");

    const [{ n }] = await db.dataSource.query(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'tidings-api-listen'`,
    );
    expect(n).toBeGreaterThanOrEqual(1);
    await waitFor(() => closes.length > 0, 15_000, `the resync close in round ${round}`);
    expect(closes).toEqual([1012]);
    await stale;
    await open.dispose();

    // A subscriber after the outage gets the next event.
    const sub = api.subscribe<{ issueCreated: { title: string } }>(CREATED, { p: "demo/app" }, { cookie });
    try {
      await sub.opened();
      await db.dataSource.transaction((m) =>
        serviceDeskIssue(m, {
          projectId: project.id,
          title: `After outage ${round}`,
          confidential: true,
          requester: "a@x.example",
        }),
      );
      await waitFor(() => sub.events.length > 0, 5000, `the event after outage ${round}`);
      expect(sub.events[0].issueCreated.title).toBe(`After outage ${round}`);
    } finally {
      await sub.close();
    }
  }
});
