// Issue 10.6: a `read_api` personal access token reads what its user may and changes nothing — over HTTP
// and over the WebSocket alike — while an `api` token does both.
import { createToken } from "@tidings/core";
import { UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { READ_ONLY_TOKEN } from "../src/graphql/limits.ts";
import { startTestApi, type TestApi, waitFor } from "./harness.ts";

let db: TestDatabase;
let api: TestApi;
let reader: string;
let writer: string;
beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db);
  const dev = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: "developer" });
  reader = (
    await db.dataSource.transaction((t) =>
      createToken(t, { userId: dev.id, name: "r", scopes: ["read_api"], expiresAt: null }),
    )
  ).token;
  writer = (
    await db.dataSource.transaction((t) =>
      createToken(t, { userId: dev.id, name: "w", scopes: ["api"], expiresAt: null }),
    )
  ).token;
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const MUTATION = 'mutation { savedReplyCreate(input: { name: "From a script", content: "Hi" }) { errors } }';

it("reads with read_api, is refused a mutation over HTTP in words, and api may write", async () => {
  expect((await api.graphql("{ currentUser { username } }", {}, { token: reader })).data).toEqual({
    currentUser: { username: "developer" },
  });
  const refused = await api.graphql(MUTATION, {}, { token: reader });
  expect(refused.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([[READ_ONLY_TOKEN, "FORBIDDEN"]]);
  expect(await db.dataSource.query("SELECT name FROM saved_replies")).toEqual([]);
  expect((await api.graphql(MUTATION, {}, { token: writer })).data).toEqual({ savedReplyCreate: { errors: [] } });
});

it("is refused a mutation over the WebSocket too", async () => {
  const sub = api.subscribe(MUTATION.replace("From a script", "Over a socket"), {}, { token: reader });
  try {
    await waitFor(() => sub.errors.length > 0, 5000, "the refusal");
    expect(JSON.stringify(sub.errors)).toContain("read_api scope");
    expect(await db.dataSource.query("SELECT name FROM saved_replies WHERE name = 'Over a socket'")).toEqual([]);
  } finally {
    await sub.close();
  }
});
