// Issue 14.5: one event, many subscribers. The permission checks of all subscribers of an event are
// batched (a handful of queries per event, however many subscribers), and authorisation stays exactly as
// strict: non-members, a blocked user, a guest on a confidential issue and a member removed after the
// previous event get nothing — proven with a barrier (every subscription has pulled the next event, and
// a round trip on each socket), not a sleep.
import { addMember, createPersonalAccessToken, createUser } from "@tidings/core";
import { AccessLevel, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import type { Logger as TypeOrmLogger } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtures } from "./fixtures.ts";
import { startTestApi, type TestApi, waitFor } from "./harness.ts";

/** What the web app's issue list subscribes to (IssueRow_issue): author, labels, assignees, address. */
const UPDATED = `subscription($p: ID!) {
  issueUpdated(projectPath: $p) {
    id title confidential externalAuthor author { username } labels { nodes { title } } assignees { nodes { username } }
  }
}`;
type Updated = { issueUpdated: { id: string; confidential: boolean; externalAuthor: string | null } };

const GUESTS = 12;
const REPORTERS = 12;
const GROUP_DEVELOPERS = 8;
const OUTSIDERS = 6;

describe("fan-out of one event to many subscribers (issue 14.5)", () => {
  let db: TestDatabase;
  let api: TestApi;
  let fixtures: Awaited<ReturnType<typeof createFixtures>>;
  const tokens = new Map<string, string>();
  let counting = false;
  const statements: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // No periodic credential re-check during the test: every query counted belongs to the event.
    api = await startTestApi(db, { webSocket: { revalidateMs: 3_600_000 } });
    fixtures = await createFixtures(db.dataSource);
    await db.dataSource.transaction(async (m) => {
      const people: [string, { level: AccessLevel; on: "project" | "group" } | null][] = [
        ...Array.from({ length: GUESTS }, (_, i) => [`fan-guest-${i}`, { level: AccessLevel.Guest, on: "project" }]),
        ...Array.from({ length: REPORTERS }, (_, i) => [
          `fan-reporter-${i}`,
          { level: AccessLevel.Reporter, on: "project" },
        ]),
        // Members through the project's group (A3), not the project itself.
        ...Array.from({ length: GROUP_DEVELOPERS }, (_, i) => [
          `fan-groupdev-${i}`,
          { level: AccessLevel.Developer, on: "group" },
        ]),
        ...Array.from({ length: OUTSIDERS }, (_, i) => [`fan-outsider-${i}`, null]),
        ["fan-blocked", { level: AccessLevel.Reporter, on: "project" }],
        ["fan-leaver", { level: AccessLevel.Reporter, on: "project" }],
      ] as [string, { level: AccessLevel; on: "project" | "group" } | null][];
      for (const [username, membership] of people) {
        const user = await createUser(m, { username, email: `${username}@example.com` });
        if (membership?.on === "project")
          await addMember(m, { username, accessLevel: membership.level, projectPath: "demo/app" });
        if (membership?.on === "group")
          await addMember(m, { username, accessLevel: membership.level, groupPath: "demo" });
        tokens.set(username, (await createPersonalAccessToken(m, { userId: user.id, name: "fan-out" })).token);
      }
    });
    // Count every statement the api runs through its DataSource (TypeORM hands each one to the logger).
    const original = db.dataSource.logger;
    const counter: TypeOrmLogger = {
      logQuery: (sql) => {
        if (counting && !sql.includes("pg_notify")) statements.push(sql);
      },
      logQueryError: (...a) => original.logQueryError(...a),
      logQuerySlow: (...a) => original.logQuerySlow(...a),
      logSchemaBuild: (...a) => original.logSchemaBuild(...a),
      logMigration: (...a) => original.logMigration(...a),
      log: (...a) => original.log(...a),
    };
    Object.defineProperty(db.dataSource, "logger", { value: counter, configurable: true });
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  /** NOTIFYs the event, waits until every subscription has finished with it, returns the queries the api ran. */
  const publishAndSettle = async (
    event: Record<string, unknown>,
    subs: Map<string, { flush: () => Promise<void> }>,
  ) => {
    const pulled = api.pulls();
    statements.length = 0;
    counting = true;
    await db.dataSource.query("SELECT pg_notify('tidings_events', $1)", [
      JSON.stringify({ projectId: fixtures["demo/app"].project.id, ...event }),
    ]);
    // Barrier: each subscription pulled its next event, so it has authorised, filtered or sent this one.
    await waitFor(() => api.pulls() >= pulled + subs.size, 5000, "every subscription to process the event");
    counting = false;
    await Promise.all([...subs.values()].map((s) => s.flush()));
    return [...statements];
  };
  const issueUpdated = (issueId: number) => ({ type: "issue_updated", issueId });

  /** One subscription per user; resolves once every one is listening and waiting for its first event. */
  const subscribeAll = async <T>(query: string, variables: Record<string, unknown>) => {
    const [opened, pulled] = [api.subscriptionsOpened(), api.pulls()];
    const subs = new Map([...tokens].map(([name, token]) => [name, api.subscribe<T>(query, variables, { token })]));
    await waitFor(() => api.subscriptionsOpened() >= opened + subs.size, 5000, "all subscriptions");
    await waitFor(() => api.pulls() >= pulled + subs.size, 5000, "all subscriptions waiting for an event");
    return subs;
  };
  const names = (prefix: string) => [...tokens.keys()].filter((n) => n.startsWith(prefix));
  const received = (subs: Map<string, { events: unknown[] }>) =>
    Object.fromEntries([...subs].map(([name, s]) => [name, s.events.length]));
  const only = (allowed: string[], count = 1) =>
    Object.fromEntries([...tokens.keys()].map((n) => [n, allowed.includes(n) ? count : 0]));

  it("authorises an event for every subscriber with a few queries, and only the allowed receive it", async () => {
    const jitted = api.jitStats.subscriptionsJitted;
    const subs = await subscribeAll<Updated>(UPDATED, { p: "demo/app" });
    try {
      // Each subscription's events run compiled (the harness compiles on the first run), so what follows
      // proves authorisation on that path.
      expect(api.jitStats.subscriptionsJitted - jitted).toBe(subs.size);
      await db.dataSource.query("UPDATE users SET blocked = true WHERE username = 'fan-blocked'");

      // A public issue: every member but the blocked one.
      const open = fixtures["demo/app"].open;
      const first = await publishAndSettle(issueUpdated(open.id), subs);
      const members = [...names("fan-guest-"), ...names("fan-reporter-"), ...names("fan-groupdev-"), "fan-leaver"];
      const expected = Object.fromEntries([...tokens.keys()].map((n) => [n, members.includes(n) ? 1 : 0]));
      expect(received(subs)).toEqual(expected);
      expect([...subs.values()].flatMap((s) => s.errors)).toEqual([]);
      // Before batching: 6–9 queries per subscriber (≈ 300 here). Now a few per event, whatever the audience.
      expect(first.length, first.join("\n")).toBeLessThanOrEqual(8);
      // The full addresses only to Reporter+ (the group developers and the reporters); guests get the obfuscated form.
      const address = (name: string) => subs.get(name)?.events[0]?.issueUpdated.externalAuthor;
      expect(address("fan-reporter-0")).toBe(fixtures["demo/app"].requester);
      expect(address("fan-groupdev-0")).toBe(fixtures["demo/app"].requester);
      expect(address("fan-guest-0")).not.toBe(fixtures["demo/app"].requester);

      // The leaver loses the membership; a confidential issue: Reporter+ only, and the one guest assigned to it.
      const leaver = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: "fan-leaver" });
      await db.dataSource.query("DELETE FROM project_members WHERE user_id = $1", [leaver.id]);
      const secret = fixtures["demo/app"].confidential;
      await db.dataSource.query(
        "INSERT INTO issue_assignees (issue_id, user_id) SELECT $1, id FROM users WHERE username = 'fan-guest-1'",
        [secret.id],
      );
      const second = await publishAndSettle(issueUpdated(secret.id), subs);
      const allowed = [...names("fan-reporter-"), ...names("fan-groupdev-"), "fan-guest-1"];
      expect(received(subs)).toEqual(
        Object.fromEntries([...tokens.keys()].map((n) => [n, expected[n] + (allowed.includes(n) ? 1 : 0)])),
      );
      expect(subs.get("fan-reporter-0")?.events[1]?.issueUpdated).toMatchObject({ confidential: true });
      expect(second.length, second.join("\n")).toBeLessThanOrEqual(8);
    } finally {
      await db.dataSource.query("UPDATE users SET blocked = false WHERE username = 'fan-blocked'");
      await Promise.all([...subs.values()].map((s) => s.close()));
    }
  });

  it("authorises a note for every subscriber of the issue with a few queries: internal notes to Reporter+ only", async () => {
    const issue = fixtures["demo/app"].open;
    const subs = await subscribeAll<{ noteCreated: { body: string; internal: boolean } }>(
      "subscription($id: ID!) { noteCreated(noteableId: $id) { body internal author { username } } }",
      { id: `gid://tidings/Issue/${issue.id}` },
    );
    try {
      const note = async (internal: boolean) => {
        const [row] = await db.dataSource.query(
          `INSERT INTO notes (issue_id, author_id, body, internal) SELECT $1, id, $2, $3 FROM users WHERE username = 'reporter' RETURNING id`,
          [issue.id, internal ? "internal remark" : "public reply", internal],
        );
        return { type: "note_created", issueId: issue.id, noteId: row.id };
      };
      const members = [...names("fan-guest-"), ...names("fan-reporter-"), ...names("fan-groupdev-"), "fan-blocked"];
      const reporters = [...names("fan-reporter-"), ...names("fan-groupdev-"), "fan-blocked"];
      const internal = await publishAndSettle(await note(true), subs);
      expect(received(subs)).toEqual(only(reporters));
      expect(internal.length, internal.join("\n")).toBeLessThanOrEqual(8);
      const reply = await publishAndSettle(await note(false), subs);
      expect(received(subs)).toEqual(
        Object.fromEntries(
          [...tokens.keys()].map((n) => [n, (reporters.includes(n) ? 1 : 0) + (members.includes(n) ? 1 : 0)]),
        ),
      );
      expect(subs.get("fan-guest-0")?.events).toEqual([
        { noteCreated: { body: "public reply", internal: false, author: { username: "reporter" } } },
      ]);
      expect(reply.length, reply.join("\n")).toBeLessThanOrEqual(8);
      expect([...subs.values()].flatMap((s) => s.errors)).toEqual([]);
    } finally {
      await Promise.all([...subs.values()].map((s) => s.close()));
    }
  });

  it("closes the socket of a subscription that falls more than 1,024 events behind (1012: reconnect and refetch)", async () => {
    const token = tokens.get("fan-reporter-0") ?? "";
    const sub = api.subscribe<Updated>(UPDATED, { p: "demo/app" }, { token });
    try {
      const pulled = api.pulls();
      await waitFor(() => api.pulls() > pulled, 5000, "the subscription to wait for an event");
      // One commit, 1,100 events (distinct payloads: PostgreSQL folds identical ones of a transaction): they
      // all arrive while the subscription is still authorising the first.
      await db.dataSource.query(
        `SELECT pg_notify('tidings_events', json_build_object('type', 'issue_updated', 'projectId', $1::int, 'issueId', $2::int, 'n', g)::text)
         FROM generate_series(1, 1100) g`,
        [fixtures["demo/app"].project.id, fixtures["demo/app"].open.id],
      );
      await waitFor(() => sub.errors.length > 0, 5000, "the socket to be closed");
      expect(String((sub.errors.at(-1) as { code?: number }).code)).toBe("1012");
    } finally {
      await sub.close();
    }
  });
});
