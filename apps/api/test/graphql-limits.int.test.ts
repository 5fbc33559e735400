// Issue 9.6 and 9.7 through the real server, over HTTP and WebSocket: the cost of each request with its
// own variables and aliases, introspection bounded (and off in production), operations per socket and
// sockets per user capped, and a revoked token or an expired session closing its socket on every node.
import { createPersonalAccessToken, revokePersonalAccessToken } from "@tidings/core";
import { SessionEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_REQUEST_BYTES } from "../src/graphql/limits.ts";
import { doublingFragments } from "../src/graphql/test-documents.ts";
import { startTestApi, type TestApi, waitFor } from "./harness.ts";
import { runOnce, wsClient } from "./ws-clients.ts";

const LIMITS = { maxOperationsPerSocket: 3, maxSocketsPerUser: 2, revalidateMs: 200 };

let db: TestDatabase;
let api: TestApi;
let cookie: string;
beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db, { webSocket: LIMITS });
  cookie = await api.signIn("maintainer");
});
afterAll(async () => {
  await api.close();
  await db.drop();
});

const ISSUES_WITH_NOTES = `query($n: Int) { project(fullPath: "demo/app") { issues(first: $n) {
  nodes { notes(first: 100) { nodes { id body author { username } } } } } } }`;
const tooComplex = /^The query is too complex \(cost \d+; the limit is 25000\)/;

describe("the cost of a request (issue 9.6)", () => {
  it("is computed with each request's variables: a costly page is refused after a cheap one of the same text", async () => {
    const cheap = await api.graphql(ISSUES_WITH_NOTES, { n: 1 }, { cookie });
    expect(cheap.errors).toBeUndefined();
    const costly = await api.graphql(ISSUES_WITH_NOTES, { n: 100 }, { cookie });
    expect(costly.errors?.[0]?.message).toMatch(tooComplex);
    const ws = wsClient(api.port, { origin: new URL(api.config.PUBLIC_URL).origin, cookie });
    try {
      expect((await runOnce(ws.client, ISSUES_WITH_NOTES, { n: 1 })).errors).toBeUndefined();
      expect((await runOnce(ws.client, ISSUES_WITH_NOTES, { n: 100 })).errors?.[0]?.message).toMatch(tooComplex);
    } finally {
      await ws.client.dispose();
    }
  });

  it("counts every alias", async () => {
    const one = `p0: project(fullPath: "demo/app") { issues(first: 100) { nodes { title iid } } }`;
    expect((await api.graphql(`{ ${one} }`, {}, { cookie })).errors).toBeUndefined();
    const many = Array.from({ length: 200 }, (_, i) => one.replace("p0", `p${i}`)).join("\n");
    expect((await api.graphql(`{ ${many} }`, {}, { cookie })).errors?.[0]?.message).toMatch(tooComplex);
  });

  it("refuses more than 10,000 fields, which were once let through uncounted", async () => {
    // The cost library gave up at its node limit by throwing, and the api read that as "variables that do
    // not coerce" and ran the query. A fragment counts at every use, so 200 pages reach the limit in a
    // document well under the token limit (and under the cost limit: only the field count refuses it).
    const wide = `fragment Wide on Issue { ${"title ".repeat(60)}}`;
    const page = (i: number) => `p${i}: project(fullPath: "demo/app") { issues(first: 1) { nodes { ...Wide } } }`;
    const res = await api.graphql(
      `{ ${Array.from({ length: 200 }, (_, i) => page(i)).join("\n")} }\n${wide}`,
      {},
      { cookie },
    );
    expect(res.errors?.[0]?.message).toBe(
      "The query has more than 10,000 fields and fragments (the limit). Ask for fewer items or fields.",
    );
    expect(res.data).toBeUndefined();
  });

  it("refuses a document of more than 10,000 tokens while parsing it, on HTTP and WebSocket", async () => {
    // 2,600 aliased pages of 100 issues, 217 KB: once run uncounted, then refused by the field limit
    // after validation and the cost walk; now refused as it is read.
    const page = (i: number) => `p${i}: project(fullPath: "demo/app") { issues(first: 100) { nodes { title iid } } }`;
    const huge = `{ ${Array.from({ length: 2600 }, (_, i) => page(i)).join("\n")} }`;
    const tooLong = /^Syntax Error: Document contains more tha[nt] 10000 tokens\. Parsing aborted\.$/;
    const res = await api.graphql(huge, {}, { cookie });
    expect(res.errors?.[0]?.message).toMatch(tooLong);
    expect(res.data).toBeUndefined();
    const ws = wsClient(api.port, { origin: new URL(api.config.PUBLIC_URL).origin, cookie });
    try {
      expect((await runOnce(ws.client, huge)).errors?.[0]?.message).toMatch(tooLong);
    } finally {
      await ws.client.dispose();
    }
  });

  it("reads a request of at most 1 MiB on both transports: 413 over HTTP, the socket closed (1009) over WebSocket, nothing printed", async () => {
    // Whitespace is no token: these pass the parser's limit, only their size is at stake.
    const padded = (bytes: number) => {
      const text = "{ __typename }";
      return `${text}${" ".repeat(bytes - text.length)}`;
    };
    const body = (query: string) => JSON.stringify({ query });
    const near = padded(MAX_REQUEST_BYTES - 1000);
    const over = padded(MAX_REQUEST_BYTES + 1);
    expect(Buffer.byteLength(body(near))).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    const post = (query: string) =>
      fetch(`${api.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: body(query),
      });
    const nearRes = await post(near);
    expect(await nearRes.json()).toEqual({ data: { __typename: "Query" } });
    expect((await post(over)).status).toBe(413);

    const origin = new URL(api.config.PUBLIC_URL).origin;
    const ws = wsClient(api.port, { origin });
    // graphql-ws printed a stack trace for it, outside the api's logs (websocket.ts).
    const printed = vi.spyOn(console, "error");
    try {
      expect(await runOnce(ws.client, near)).toEqual({ data: { __typename: "Query" } });
      const refused = await runOnce(ws.client, over);
      expect(refused.data).toBeUndefined();
      // Barrier: the api emits the socket's "error" in the tick it starts closing it.
      await waitFor(() => ws.closes.length > 0, 5000, "the socket to close");
      expect(ws.closes).toEqual([1009]);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
      await ws.client.dispose();
    }
  });

  it("answers a 1 KB document with 2^30 paths through its fragments, signed out, and keeps answering", async () => {
    // Each fragment spreads the next twice. The depth rule walked every path: 22 levels held the event
    // loop for 2 s, and these 30 for about nine minutes. Now the field limit refuses it, on both transports.
    const levels = 30;
    const bomb = `query { ...F0 }\n${doublingFragments(levels, "Query", "currentUser { id }")}`;
    expect(bomb.length).toBeLessThan(1300);
    const tooMany = "The query has more than 10,000 fields and fragments (the limit). Ask for fewer items or fields.";
    const res = await api.graphql(bomb);
    expect(res.errors?.[0]?.message).toBe(tooMany);
    expect(res.data).toBeUndefined();
    const ws = wsClient(api.port, { origin: new URL(api.config.PUBLIC_URL).origin });
    try {
      expect((await runOnce(ws.client, bomb)).errors?.[0]?.message).toBe(tooMany);
    } finally {
      await ws.client.dispose();
    }
    expect((await api.graphql("{ currentUser { username } }", {}, { cookie })).data).toEqual({
      currentUser: { username: "maintainer" },
    });
  });

  it("allows one introspection field per operation, never 1,000 aliased ones", async () => {
    expect((await api.graphql("{ __schema { queryType { name } } }")).errors).toBeUndefined();
    const aliased = Array.from({ length: 1000 }, (_, i) => `s${i}: __schema { types { name } }`).join("\n");
    const res = await api.graphql(`{ ${aliased} }`);
    expect(res.errors?.[0]?.message).toMatch(/introspection \(__schema or __type\) at most 1 time/);
    expect(res.data).toBeUndefined();
  });

  it("turns introspection off when NODE_ENV=production, over HTTP and WebSocket", async () => {
    const prod = await startTestApi(db, { seed: false, env: { NODE_ENV: "production" } });
    try {
      const http = await prod.graphql("{ __schema { queryType { name } } }");
      expect(http.errors?.[0]?.message).toMatch(/introspection/i);
      expect((await prod.graphql("{ currentUser { username } }")).errors).toBeUndefined();
      const ws = wsClient(prod.port, {});
      try {
        const res = await runOnce(ws.client, '{ __type(name: "Issue") { name } }');
        expect(res.errors?.[0]?.message).toMatch(/introspection/i);
      } finally {
        await ws.client.dispose();
      }
    } finally {
      await prod.close();
    }
  });
});

describe("sockets and operations (issue 9.6)", () => {
  it("caps the operations one socket may hold open", async () => {
    const ws = wsClient(api.port, { origin: new URL(api.config.PUBLIC_URL).origin, cookie });
    const errors: string[] = [];
    const disposers: (() => void)[] = [];
    try {
      for (let i = 0; i < LIMITS.maxOperationsPerSocket + 1; i++) {
        disposers.push(
          ws.client.subscribe(
            { query: `subscription { issueCreated(projectPath: "demo/app") { id } }` },
            {
              next: () => undefined,
              error: (e) => errors.push(JSON.stringify(e)),
              complete: () => undefined,
            },
          ),
        );
      }
      await waitFor(() => errors.length > 0, 5000, "the refused operation");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/Too many operations on one connection \(the limit is 3\)/);
    } finally {
      for (const d of disposers) d();
      await ws.client.dispose();
    }
  });

  it("caps the sockets one user may open", async () => {
    const origin = new URL(api.config.PUBLIC_URL).origin;
    const open = [wsClient(api.port, { origin, cookie }), wsClient(api.port, { origin, cookie })];
    try {
      for (const c of open) expect((await runOnce(c.client, "{ currentUser { username } }")).errors).toBeUndefined();
      const third = wsClient(api.port, { origin, cookie });
      await waitFor(() => third.closes.length > 0, 5000, "the third socket to be closed");
      expect(third.closes).toEqual([4403]);
      await third.client.dispose();
      // Another user is not affected.
      const other = wsClient(api.port, { origin, cookie: await api.signIn("developer") });
      expect((await runOnce(other.client, "{ currentUser { username } }")).data).toEqual({
        currentUser: { username: "developer" },
      });
      await other.client.dispose();
    } finally {
      for (const c of open) await c.client.dispose();
    }
  });

  it("counts a signed-out client's sockets by its own address behind a trusted proxy, as HTTP does", async () => {
    const proxied = await startTestApi(db, { seed: false, env: { TRUSTED_PROXIES: "127.0.0.1" }, webSocket: LIMITS });
    const origin = new URL(proxied.config.PUBLIC_URL).origin;
    const from = (address: string) => wsClient(proxied.port, { origin, "x-forwarded-for": address });
    const open = [from("203.0.113.1"), from("203.0.113.1")];
    try {
      for (const c of open) expect((await runOnce(c.client, "{ __typename }")).errors).toBeUndefined();
      const third = from("203.0.113.1");
      await waitFor(() => third.closes.length > 0, 5000, "the third socket from one address to be closed");
      expect(third.closes).toEqual([4403]);
      await third.client.dispose();
      // Another client behind the same proxy is not affected (all of them were one address before).
      const other = from("203.0.113.2");
      expect((await runOnce(other.client, "{ __typename }")).data).toEqual({ __typename: "Query" });
      await other.client.dispose();
    } finally {
      for (const c of open) await c.client.dispose();
      await proxied.close();
    }
  });
});

describe("revocation and expiry (issue 9.7)", () => {
  it("closes a revoked token's socket at once on every api node", async () => {
    const second = await startTestApi(db, { seed: false, webSocket: { ...LIMITS, revalidateMs: 3_600_000 } });
    const user = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: "reporter" });
    const { token, id } = await createPersonalAccessToken(db.dataSource.manager, { userId: user.id, name: "ws" });
    const here = wsClient(api.port, { authorization: `Bearer ${token}` });
    const there = wsClient(second.port, { authorization: `Bearer ${token}` });
    try {
      for (const c of [here, there]) {
        expect((await runOnce(c.client, "{ currentUser { username } }")).data).toEqual({
          currentUser: { username: "reporter" },
        });
      }
      await db.dataSource.transaction((m) => revokePersonalAccessToken(m, { tokenId: id, userId: user.id }));
      // The second node re-checks only hourly here: only the NOTIFY can close its socket in time.
      await waitFor(() => here.closes.length > 0 && there.closes.length > 0, 5000, "both sockets to close");
      expect([here.closes, there.closes]).toEqual([[4401], [4401]]);
    } finally {
      await here.client.dispose();
      await there.client.dispose();
      await second.close();
    }
  });

  it("closes the socket of a session that expired while it was open", async () => {
    const session = await api.signIn("guest");
    const ws = wsClient(api.port, { origin: new URL(api.config.PUBLIC_URL).origin, cookie: session });
    try {
      expect((await runOnce(ws.client, "{ currentUser { username } }")).data).toEqual({
        currentUser: { username: "guest" },
      });
      const guest = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: "guest" });
      await db.dataSource.manager.update(
        SessionEntity,
        { userId: guest.id },
        { expiresAt: new Date(Date.now() - 1000) },
      );
      await waitFor(() => ws.closes.length > 0, 5000, "the expired session's socket to close");
      expect(ws.closes).toEqual([4401]);
    } finally {
      await ws.client.dispose();
    }
  });
});
