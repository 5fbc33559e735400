// Issue 9 items 1, 8 and 10 through the real server: the WebSocket's Origin rule, the browser security
// headers on every kind of response, and who may read /-/metrics.
import { createPersonalAccessToken } from "@tidings/core";
import { UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./harness.ts";
import { runOnce, upgradeStatus, wsClient } from "./ws-clients.ts";

const METRICS_TOKEN = "a-metrics-token-for-the-scraper";

let db: TestDatabase;
let api: TestApi;
let cookie: string;
beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db, { env: { METRICS_TOKEN } });
  cookie = await api.signIn("maintainer");
});
afterAll(async () => {
  await api.close();
  await db.drop();
});

/** `{ currentUser { username } }` over graphql-ws with exactly these upgrade headers. */
const whoAmIOverWebSocket = async (headers: Record<string, string>) => {
  const { client } = wsClient(api.port, headers);
  try {
    const res = await runOnce(client, "{ currentUser { username } }");
    return (res.data as { currentUser: { username: string } | null } | undefined)?.currentUser?.username ?? null;
  } finally {
    await client.dispose();
  }
};

describe("cross-site WebSocket hijacking (issue 9.1)", () => {
  it("refuses an upgrade from a page on another origin, even with the responder's cookie", async () => {
    const own = new URL(api.config.PUBLIC_URL).origin;
    expect(await upgradeStatus(api.port, { origin: own, cookie })).toBe(101);
    expect(await upgradeStatus(api.port, { origin: "http://127.0.0.1:9", cookie })).toBe(403);
    expect(await upgradeStatus(api.port, { origin: "https://evil.example", cookie })).toBe(403);
  });

  it("authenticates by cookie only on a socket from our own origin; bearer tokens work without one", async () => {
    const own = new URL(api.config.PUBLIC_URL).origin;
    expect(await whoAmIOverWebSocket({ origin: own, cookie })).toBe("maintainer");
    expect(await whoAmIOverWebSocket({ cookie })).toBeNull();
    const user = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: "developer" });
    const { token } = await createPersonalAccessToken(db.dataSource.manager, { userId: user.id, name: "ws" });
    expect(await whoAmIOverWebSocket({ authorization: `Bearer ${token}` })).toBe("developer");
  });

  it("accepts the other loopback spellings of a loopback PUBLIC_URL on the same port, and ALLOWED_ORIGINS", async () => {
    const other = await startTestApi(db, {
      seed: false,
      env: { PUBLIC_URL: "http://127.0.0.1:4000", ALLOWED_ORIGINS: "https://desk.example.com" },
    });
    try {
      const status = (origin: string) => upgradeStatus(other.port, { origin });
      expect(await status("http://localhost:4000")).toBe(101);
      expect(await status("https://desk.example.com")).toBe(101);
      expect(await status("http://localhost:4001")).toBe(403);
      expect(await status("http://desk.example.com")).toBe(403);
    } finally {
      await other.close();
    }
  });
});

describe("browser security headers (issue 9.8)", () => {
  const expectStrictHeaders = (res: Response) => {
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBeTruthy();
    expect(res.headers.get("x-powered-by")).toBeNull();
  };

  it("sets them on the app, GraphQL, health and error responses; no HSTS over http", async () => {
    for (const res of [
      await fetch(`${api.url}/`),
      await fetch(`${api.url}/-/health`),
      await fetch(`${api.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ currentUser { username } }" }),
      }),
      await fetch(`${api.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
    ]) {
      expectStrictHeaders(res);
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("keeps the narrower policy of the unsubscribe pages and attachment downloads", async () => {
    const res = await fetch(`${api.url}/uploads/0123456789abcdef0123456789abcdef/x.txt`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("adds HSTS when PUBLIC_URL is https", async () => {
    const tls = await startTestApi(db, { seed: false, env: { PUBLIC_URL: "https://desk.example.com" } });
    try {
      const res = await fetch(`${tls.url}/-/health`);
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=31536000/);
      expect(res.headers.get("content-security-policy")).toContain("wss://desk.example.com");
    } finally {
      await tls.close();
    }
  });
});

describe("/-/metrics (issue 9.10)", () => {
  it("is not served to an anonymous client, even on loopback (behind a proxy everyone is loopback)", async () => {
    expect((await fetch(`${api.url}/-/metrics`)).status).toBe(404);
    const wrong = await fetch(`${api.url}/-/metrics`, { headers: { authorization: "Bearer not-the-metrics-token" } });
    expect(wrong.status).toBe(404);
    expect((await fetch(`${api.url}/-/metrics`, { headers: { cookie } })).status).toBe(404);
  });

  it("is served to METRICS_TOKEN and to instance admins, with no mailbox credentials in its labels", async () => {
    await db.dataSource.query(
      `INSERT INTO imap_cursors (mailbox_key, uid_validity, last_uid, last_sync_at, updated_at)
       VALUES ('incoming:agent.secret@mail.example.com:993/INBOX', 1, 0, now(), now())`,
    );
    const scraped = await fetch(`${api.url}/-/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toMatch(/tidings_mailbox_failing\{mailbox="incoming",transport="imap",mailbox_id="[0-9a-f]{12}"\} 0/);
    expect(text).not.toContain("agent.secret");
    expect(text).not.toContain("mail.example.com");
    const admin = await fetch(`${api.url}/-/metrics`, { headers: { cookie: await api.signIn("admin") } });
    expect(admin.status).toBe(200);
  });
});
