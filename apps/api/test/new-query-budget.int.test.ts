// Through the real server, over HTTP and WebSocket: a client that keeps sending query texts the api has not
// seen is refused once parsing and validating them has cost its budget, until its window ends; other
// clients, and texts the api already keeps, are not charged.
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createNewQueryBudget } from "../src/graphql/new-query-budget.ts";
import { doublingFragments } from "../src/graphql/test-documents.ts";
import { startTestApi, type TestApi } from "./harness.ts";
import { runOnce, wsClient } from "./ws-clients.ts";

const BUDGET_MS = 200;
let now = 0;
let db: TestDatabase;
let api: TestApi;
let cookie: string;
beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db, {
    newQueryBudget: createNewQueryBudget({ budgetMs: BUDGET_MS, windowMs: 60_000 }, () => now),
  });
  cookie = await api.signIn("maintainer");
});
afterAll(async () => {
  await api.close();
  await db.drop();
});

/** A new text each time: 500 copies of one field, which validation compares pair by pair (~150 ms). */
const costly = (i: number) => `query Costly${i} { ${"currentUser { username } ".repeat(500)}}`;

const post = (query: string, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });

it("refuses a client that spent its budget in new texts until its window ends, and no one else", async () => {
  // A signed-in user's kept text: charged once, then free, however often it is asked.
  const mine = "{ currentUser { username } }";
  for (let i = 0; i < 30; i++) expect((await api.graphql(mine, {}, { cookie })).errors).toBeUndefined();

  // Signed out, new costly texts from one address, until it is refused.
  const answered: number[] = [];
  let refused: Response | undefined;
  for (let i = 0; i < 20 && !refused; i++) {
    const res = await post(costly(i));
    if (res.status === 429) refused = res;
    else answered.push(res.status);
  }
  expect(answered.length).toBeGreaterThan(0);
  expect(refused, "no request was refused").toBeDefined();
  const body = (await refused?.json()) as { errors: { message: string; extensions: { code: string } }[] };
  expect(body.errors[0].extensions.code).toBe("RATE_LIMITED");
  expect(body.errors[0].message).toMatch(/^Too many new queries from this client: .* Try again in 60 s\.$/);
  expect(Number(refused?.headers.get("retry-after"))).toBe(60);

  // Everything this address asks is refused for now, a kept text too, and on a WebSocket.
  expect((await post("{ __typename }")).status).toBe(429);
  const ws = wsClient(api.port, { origin: new URL(api.config.PUBLIC_URL).origin });
  try {
    const res = await runOnce(ws.client, "{ __typename }");
    expect(res.errors?.[0]?.message).toMatch(/^Too many new queries from this client/);
  } finally {
    await ws.client.dispose();
  }

  // Another client is answered, new texts included.
  expect((await api.graphql("{ currentUser { name } }", {}, { cookie })).data).toEqual({
    currentUser: { name: expect.any(String) },
  });

  // The window ends: the address is answered again.
  now += 60_000;
  const again = await post("{ __typename }");
  expect(again.status).toBe(200);
  expect(await again.json()).toEqual({ data: { __typename: "Query" } });
});

/** A text that validates (under graphql-js's own abort) and costs ~20 ms to validate. */
const validCostly = (i: number) => `query Valid${i} { ${"currentUser { username } ".repeat(200)}}`;

it("keeps a text a WebSocket client sent before: charged once, however often it is sent again", async () => {
  const developer = await api.signIn("developer");
  const ws = wsClient(api.port, { origin: new URL(api.config.PUBLIC_URL).origin, cookie: developer });
  try {
    // Charged every time, forty of them would spend the 200 ms about four times over.
    for (let i = 0; i < 40; i++) {
      const res = await runOnce(ws.client, validCostly(0));
      expect(res.errors, `send ${i + 1}`).toBeUndefined();
    }
    // New texts are still charged, until the client is refused.
    let refused: string | undefined;
    for (let i = 1; i <= 40 && !refused; i++) refused = (await runOnce(ws.client, validCostly(i))).errors?.[0]?.message;
    expect(refused).toMatch(/^Too many new queries from this client/);
  } finally {
    await ws.client.dispose();
  }
});

it("charges a kept text's cost walk when a new value of a variable makes it walk again", async () => {
  // One text, kept after its first request: fragments that spread each other, a page size as variable. Each
  // new page size walks its 2,048 spreads again (~5–9 ms), which a client could repeat at will.
  const reporter = await api.signIn("reporter");
  const text = `query Walk($n: Int) { ...F0 }\n${doublingFragments(11, "Query", 'project(fullPath: "demo/app") { issues(first: $n) { nodes { id } } }')}`;
  let refused: string | undefined;
  let sent = 0;
  while (!refused && sent < 200) {
    const res = await api.graphql(text, { n: ++sent }, { cookie: reporter });
    refused = res.errors?.find((e) => e.extensions?.code === "RATE_LIMITED")?.message;
  }
  expect(refused, `not refused after ${sent} requests`).toMatch(/^Too many new queries from this client/);
});
