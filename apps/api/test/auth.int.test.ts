import { createPersonalAccessToken } from "@tidings/core";
import { UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, startTestApi, type TestApi } from "./harness.ts";

const signInRequest = (api: TestApi, login: string, password: string) =>
  fetch(`${api.url}/auth/sign_in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login, password }),
  });

describe("sign-in (A1)", () => {
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

  it("signs in by username or email and sets an HttpOnly, SameSite=Lax session cookie", async () => {
    const res = await signInRequest(api, "maintainer", DEMO_PASSWORD);
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^tidings_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http on loopback
    const byEmail = await signInRequest(api, "Maintainer@Example.com", DEMO_PASSWORD);
    expect(byEmail.status).toBe(200);
    const me = await api.graphql<{ currentUser: { username: string } }>(
      "{ currentUser { username name } }",
      {},
      {
        cookie: cookie.split(";")[0],
      },
    );
    expect(me.data?.currentUser.username).toBe("maintainer");
  });

  it("answers a wrong password with 401 and a message, and never says which part was wrong", async () => {
    const res = await signInRequest(api, "developer", "wrong-password");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Invalid login or password." });
    const unknown = await signInRequest(api, "nobody-here", "wrong-password");
    expect(await unknown.json()).toEqual({ message: "Invalid login or password." });
  });

  it("limits failed attempts per login: the right password is refused after five failures", async () => {
    for (let i = 0; i < 5; i++) expect((await signInRequest(api, "reporter", "nope-nope")).status).toBe(401);
    const blocked = await signInRequest(api, "reporter", DEMO_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { message: string }).message).toMatch(/Too many failed sign-in attempts/);
  });

  it("tells the signed-in user whether they are an instance admin, and nobody else", async () => {
    const q = "{ currentUser { username admin } }";
    expect((await api.graphql(q, {}, { cookie: await api.signIn("admin") })).data?.currentUser).toEqual({
      username: "admin",
      admin: true,
    });
    expect((await api.graphql(q, {}, { cookie: await api.signIn("owner") })).data?.currentUser).toEqual({
      username: "owner",
      admin: false,
    });
    // Other users appear as UserCore, which has no admin field at all.
    const other = await api.graphql(
      '{ project(fullPath: "demo/app") { projectMembers { nodes { user { admin } } } } }',
      {},
      {
        cookie: await api.signIn("owner"),
      },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("never lets the Support Bot sign in", async () => {
    expect((await signInRequest(api, "support-bot", DEMO_PASSWORD)).status).toBe(401);
  });

  it("signs out: the old cookie no longer authenticates", async () => {
    const cookie = await api.signIn("guest");
    const out = await fetch(`${api.url}/auth/sign_out`, { method: "POST", headers: { cookie } });
    expect(out.status).toBe(204);
    const me = await api.graphql("{ currentUser { username } }", {}, { cookie });
    expect(me.data?.currentUser).toBeNull();
  });

  it("accepts a personal access token as a bearer token, and refuses an unknown one", async () => {
    const user = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: "developer" });
    const { token } = await createPersonalAccessToken(db.dataSource.manager, { userId: user.id, name: "ci" });
    const me = await api.graphql<{ currentUser: { username: string } }>("{ currentUser { username } }", {}, { token });
    expect(me.data?.currentUser.username).toBe("developer");
    const bad = await api.graphql("{ currentUser { username } }", {}, { token: `${token}x` });
    expect(bad.data?.currentUser).toBeNull();
  });

  it("shows demo/app to a member and answers null to an outsider and to anonymous", async () => {
    const q = `query($p: ID!) { project(fullPath: $p) { fullPath name } }`;
    const member = await api.graphql<{ project: { fullPath: string } | null }>(
      q,
      { p: "demo/app" },
      {
        cookie: await api.signIn("maintainer"),
      },
    );
    expect(member.data?.project?.fullPath).toBe("demo/app");
    const outsider = await api.graphql(q, { p: "demo/app" }, { cookie: await api.signIn("outsider") });
    expect(outsider.data?.project).toBeNull();
    expect((await api.graphql(q, { p: "demo/app" })).data?.project).toBeNull();
    const developerOnOther = await api.graphql(q, { p: "demo/other" }, { cookie: await api.signIn("developer") });
    expect(developerOnOther.data?.project).toBeNull();
  });

  it("answers health and readiness", async () => {
    expect((await fetch(`${api.url}/-/health`)).status).toBe(200);
    const ready = await fetch(`${api.url}/-/readiness`);
    expect(await ready.json()).toEqual({ status: "ok", database: "ok" });
  });
});
