// F1/G4: subscriptions end to end over graphql-ws: authenticated like HTTP, filtered per subscriber,
// and fed by events committed in other processes (PostgreSQL LISTEN/NOTIFY).
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPersonalAccessToken } from "@tidings/core";
import { UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtures, serviceDeskIssue } from "./fixtures.ts";
import { startTestApi, type TestApi, waitFor } from "./harness.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CREATED = "subscription($p: ID!) { issueCreated(projectPath: $p) { id title externalAuthor } }";
type Created = { issueCreated: { id: string; title: string; externalAuthor: string | null } | null };

describe("subscriptions across processes (G4)", () => {
  let db: TestDatabase;
  let api: TestApi;
  let second: TestApi;
  let fixtures: Awaited<ReturnType<typeof createFixtures>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi(db);
    // A second api node on the same database: its own PubSub, its own LISTEN connection.
    second = await startTestApi(db, { seed: false });
    fixtures = await createFixtures(db.dataSource);
  });
  afterAll(async () => {
    await second?.close();
    await api?.close();
    await db?.drop();
  });

  it("delivers an issue created by another OS process to a subscriber here, within a second", async () => {
    const sub = api.subscribe<Created>(CREATED, { p: "demo/app" }, { cookie: await api.signIn("reporter") });
    try {
      await sub.opened();
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "apps/api/test/support/create-issue-process.ts", db.url, "demo/app", "From the worker"],
        { cwd: ROOT },
      );
      const { id } = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { id: number };
      // The other process has committed and exited: the event must be here within a second.
      await waitFor(() => sub.events.length > 0, 1000, "the event from the other process");
      expect(sub.events).toEqual([
        {
          issueCreated: {
            id: `gid://tidings/Issue/${id}`,
            title: "From the worker",
            externalAuthor: "far@away.example",
          },
        },
      ]);
    } finally {
      await sub.close();
    }
  });

  it("delivers a note created through a second api node's mutation to a subscriber on this node", async () => {
    const issueGid = `gid://tidings/Issue/${fixtures["demo/app"].open.id}`;
    const sub = api.subscribe<{ noteCreated: { body: string } }>(
      "subscription($id: ID!) { noteCreated(noteableId: $id) { body author { username } } }",
      { id: issueGid },
      { cookie: await api.signIn("guest") },
    );
    try {
      await sub.opened();
      const res = await second.graphql<{ createNote: { errors: string[] } }>(
        "mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } errors } }",
        { input: { noteableId: issueGid, body: "Hello from node two" } },
        { cookie: await second.signIn("developer") },
      );
      expect(res.data?.createNote.errors).toEqual([]);
      // The deadline is the assertion: the note from the other node arrives within a second.
      await waitFor(() => sub.events.length > 0, 1000, "the note from the second node");
      expect(sub.events).toEqual([{ noteCreated: { body: "Hello from node two", author: { username: "developer" } } }]);
    } finally {
      await sub.close();
    }
  });

  it("authenticates the WebSocket with a bearer token, like HTTP", async () => {
    const user = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: "maintainer" });
    const { token } = await createPersonalAccessToken(db.dataSource.manager, { userId: user.id, name: "ws" });
    const sub = api.subscribe<Created>(CREATED, { p: "demo/other" }, { token });
    try {
      await sub.opened();
      const issue = await db.dataSource.transaction((m) =>
        serviceDeskIssue(m, {
          projectId: fixtures["demo/other"].project.id,
          title: "Token",
          confidential: true,
          requester: "t@x.example",
        }),
      );
      await waitFor(() => sub.events.length > 0, 1000, "the event for the token holder");
      expect(sub.events[0].issueCreated?.id).toBe(`gid://tidings/Issue/${issue.id}`);
    } finally {
      await sub.close();
    }
  });

  it("re-checks abilities on every event: a guest assigned to a confidential issue sees it; removed from the project, nothing more", async () => {
    const guest = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: "guest" });
    const project = fixtures["demo/app"].project;
    const cookie = await api.signIn("guest");
    const sub = api.subscribe<{ issueUpdated: { id: string; confidential: boolean } }>(
      "subscription($p: ID!) { issueUpdated(projectPath: $p) { id confidential } }",
      { p: "demo/app" },
      { cookie },
    );
    const issue = fixtures["demo/app"].confidential;
    try {
      await sub.opened();
      await db.dataSource.query("INSERT INTO issue_assignees (issue_id, user_id) VALUES ($1, $2)", [
        issue.id,
        guest.id,
      ]);
      await db.dataSource.query("SELECT pg_notify('tidings_events', $1)", [
        JSON.stringify({ type: "issue_updated", projectId: project.id, issueId: issue.id }),
      ]);
      await waitFor(() => sub.events.length === 1, 1000, "the assignee's event");
      expect(sub.events[0].issueUpdated).toEqual({ id: `gid://tidings/Issue/${issue.id}`, confidential: true });
      // The guest leaves the project; the next event is filtered out.
      await db.dataSource.query("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2", [
        project.id,
        guest.id,
      ]);
      const reporter = api.subscribe<{ issueUpdated: { id: string } }>(
        "subscription($p: ID!) { issueUpdated(projectPath: $p) { id } }",
        { p: "demo/app" },
        { cookie: await api.signIn("reporter") },
      );
      try {
        await reporter.opened();
        const pulled = api.pulls();
        await db.dataSource.query("SELECT pg_notify('tidings_events', $1)", [
          JSON.stringify({ type: "issue_updated", projectId: project.id, issueId: issue.id }),
        ]);
        // Barrier: both subscriptions have finished with the event (each pulled the next one).
        await waitFor(() => api.pulls() >= pulled + 2, 2000, "both subscriptions to process the event");
        await sub.flush();
        expect(reporter.events).toHaveLength(1);
        expect(sub.events).toHaveLength(1);
      } finally {
        await reporter.close();
      }
    } finally {
      await sub.close();
    }
  });

  it("stops delivering to a subscriber blocked after connecting", async () => {
    const sub = api.subscribe<Created>(CREATED, { p: "demo/app" }, { cookie: await api.signIn("developer") });
    try {
      await sub.opened();
      await db.dataSource.query("UPDATE users SET blocked = true WHERE username = 'developer'");
      const watcher = api.subscribe<Created>(CREATED, { p: "demo/app" }, { cookie: await api.signIn("owner") });
      try {
        await watcher.opened();
        const pulled = api.pulls();
        await db.dataSource.transaction((m) =>
          serviceDeskIssue(m, {
            projectId: fixtures["demo/app"].project.id,
            title: "After block",
            confidential: false,
            requester: "b@x.example",
          }),
        );
        await waitFor(() => api.pulls() >= pulled + 2, 2000, "both subscriptions to process the event");
        await sub.flush();
        expect(watcher.events).toHaveLength(1);
        expect(sub.events).toEqual([]);
      } finally {
        await watcher.close();
      }
    } finally {
      await db.dataSource.query("UPDATE users SET blocked = false WHERE username = 'developer'");
      await sub.close();
    }
  });

  it("closes a signed-out session's WebSocket, so it receives nothing after sign-out", async () => {
    const cookie = await api.signIn("reporter");
    const sub = api.subscribe<Created>(CREATED, { p: "demo/app" }, { cookie });
    try {
      await sub.opened();
      const out = await fetch(`${api.url}/auth/sign_out`, { method: "POST", headers: { cookie } });
      expect(out.status).toBe(204);
      await waitFor(() => sub.errors.length > 0, 2000, "the socket to be closed");
      expect(String((sub.errors[0] as { code?: number }).code)).toBe("4401");
      const watcher = api.subscribe<Created>(CREATED, { p: "demo/app" }, { cookie: await api.signIn("owner") });
      try {
        await watcher.opened();
        await db.dataSource.transaction((m) =>
          serviceDeskIssue(m, {
            projectId: fixtures["demo/app"].project.id,
            title: "After sign-out",
            confidential: true,
            requester: "s@x.example",
          }),
        );
        await waitFor(() => watcher.events.length === 1, 1000, "the owner's event");
        expect(sub.events).toEqual([]);
      } finally {
        await watcher.close();
      }
    } finally {
      await sub.close();
    }
  });

  it("answers a subscription to a project the viewer can't see exactly like one to a project that does not exist", async () => {
    const cookie = await api.signIn("outsider");
    const hidden = api.subscribe<Created>(CREATED, { p: "demo/app" }, { cookie });
    const missing = api.subscribe<Created>(CREATED, { p: "demo/nope" }, { cookie });
    try {
      await hidden.opened();
      await missing.opened();
      const pulled = api.pulls();
      await db.dataSource.transaction((m) =>
        serviceDeskIssue(m, {
          projectId: fixtures["demo/app"].project.id,
          title: "Public",
          confidential: false,
          requester: "p@x.example",
        }),
      );
      await waitFor(() => api.pulls() >= pulled + 2, 2000, "both subscriptions to process the event");
      await Promise.all([hidden.flush(), missing.flush()]);
      expect({ events: hidden.events, errors: hidden.errors }).toEqual({ events: [], errors: [] });
      expect({ events: missing.events, errors: missing.errors }).toEqual({ events: [], errors: [] });
    } finally {
      await hidden.close();
      await missing.close();
    }
  });
});
