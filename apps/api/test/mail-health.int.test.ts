// Issue 13.4 through the api: what the mail-health cockpit shows to whom, and that its live readings follow
// a mailbox that fails and recovers — and stop for a viewer who loses the right to read them.
import { createLogger, startHeartbeat } from "@tidings/core";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, waitFor } from "./harness.ts";

const QUERY = `query($p: ID) { mailHealth(projectPath: $p) {
  channels { id kind role name state detail lastError lastSuccessAt }
  inbound { backlog received24h rejected24h quarantined24h bounces24h rejectionRate }
  outbound { backlog sent24h bounceRate } } }`;

type Channel = {
  id: string;
  kind: string;
  role: string | null;
  name: string;
  state: string;
  detail: string | null;
  lastError: string | null;
};
type Health = {
  mailHealth: {
    channels: Channel[];
    inbound: {
      backlog: number;
      received24h: number;
      rejected24h: number;
      quarantined24h: number;
      bounces24h: number;
      rejectionRate: number | null;
    };
    outbound: { backlog: number; sent24h: number; bounceRate: number | null };
  } | null;
};

const IMAP_KEY = "incoming:support@acme.test@imap.acme.test:993/INBOX";
const GRAPH_KEY = "graph:service_desk:desk@contoso.test@graph.microsoft.com";

describe("mail-health cockpit (13.4)", () => {
  let db: TestDatabase;
  let api: TestApi;
  let projectId: number;
  const cookies: Record<string, string> = {};
  const gql = async (viewer: string, variables: Record<string, unknown> = {}) => {
    const res = await api.graphql<Health>(QUERY, variables, { cookie: cookies[viewer] });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data?.mailHealth ?? null;
  };
  const inbound = (status: string, reason: string | null, project: number | null, transport = "smtp") =>
    db.dataSource.query(
      `INSERT INTO inbound_emails (idempotency_key, transport, raw, size_bytes, sha256, status, reason, project_id)
       VALUES (md5(random()::text), $1, '\\x00', 1, 'x', $2, $3, $4)`,
      [transport, status, reason, project],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi(db);
    for (const v of ["admin", "maintainer", "reporter"]) cookies[v] = await api.signIn(v);
    [{ id: projectId }] = await db.dataSource.query(`SELECT id FROM projects WHERE full_path = 'demo/app'`);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.dataSource.query(`DELETE FROM imap_cursors`);
    await db.dataSource.query(
      `INSERT INTO imap_cursors (mailbox_key, uid_validity, last_uid, last_sync_at, last_error, updated_at) VALUES
         ($1, '1', 0, now() - interval '1 hour', 'AUTHENTICATE failed: invalid credentials', now()),
         ($2, '', 0, now(), NULL, now())`,
      [IMAP_KEY, GRAPH_KEY],
    );
  });

  it("shows admins every mailbox by name with its error, a maintainer the project's figures and the roles only", async () => {
    await inbound("issue", null, projectId);
    await inbound("rejected", "Unknown address", projectId);
    await inbound("ignored", "Ignored: delivery status report (bounce) — multipart/report.", projectId);
    await inbound("received", null, null, "webhook");

    const admin = await gql("admin");
    const imap = admin?.channels.find((c) => c.kind === "IMAP");
    expect(imap).toMatchObject({
      role: "incoming",
      name: "incoming:support@acme.test@imap.acme.test:993/INBOX",
      state: "FAILING",
      lastError: "AUTHENTICATE failed: invalid credentials",
    });
    expect(imap?.detail).toMatch(/last attempt to read the mailbox failed/);
    // The worker is not running in this test: nothing reads the Graph mailbox, and nothing is sent.
    expect(admin?.channels.find((c) => c.kind === "GRAPH")).toMatchObject({ role: "service_desk", state: "STALE" });
    expect(admin?.channels.find((c) => c.kind === "OUTBOUND")?.state).toBe("FAILING");
    expect(admin?.channels.find((c) => c.kind === "WEBHOOK")?.state).toBe("OFF");
    expect(admin?.inbound).toMatchObject({ backlog: 1, received24h: 4, rejected24h: 1, bounces24h: 1 });

    const maintainer = await gql("maintainer", { p: "demo/app" });
    const theirs = maintainer?.channels.find((c) => c.kind === "IMAP");
    expect(theirs).toMatchObject({ name: "incoming (IMAP)", state: "FAILING" });
    expect(JSON.stringify(maintainer)).not.toContain("acme.test");
    expect(JSON.stringify(maintainer)).not.toContain("AUTHENTICATE");
    // The project's own figures: the webhook message reached no project.
    expect(maintainer?.inbound).toMatchObject({ backlog: 0, received24h: 3, rejected24h: 1, quarantined24h: 1 });
    expect(maintainer?.inbound.rejectionRate).toBeCloseTo(1 / 3);

    expect(await gql("reporter", { p: "demo/app" })).toBeNull();
    expect(await gql("maintainer")).toBeNull();
  });

  it("charts: the history is of the reading's scope (the project's own buckets for a maintainer)", async () => {
    await db.dataSource.query(
      `INSERT INTO mail_health_samples (bucket, project_id, received, rejected) VALUES
         (date_trunc('hour', now()), 0, 9, 2), (date_trunc('hour', now()), $1, 4, 1)
       ON CONFLICT DO NOTHING`,
      [projectId],
    );
    const HISTORY = `query($p: ID) { mailHealth(projectPath: $p) {
      day: history(range: DAY) { received rejected } month: history(range: MONTH) { received } } }`;
    type History = {
      mailHealth: { day: { received: number; rejected: number }[]; month: { received: number }[] } | null;
    };
    const read = async (viewer: string, p?: string) =>
      (await api.graphql<History>(HISTORY, { p }, { cookie: cookies[viewer] })).data?.mailHealth ?? null;
    expect((await read("admin"))?.day).toEqual([{ received: 9, rejected: 2 }]);
    expect((await read("maintainer", "demo/app"))?.day).toEqual([{ received: 4, rejected: 1 }]);
    expect((await read("maintainer", "demo/app"))?.month).toEqual([{ received: 4 }]);
    expect(await read("reporter", "demo/app")).toBeNull();
  });

  it("live: a failing mailbox shows as recovered in the next reading; a reporter's stream ends with nothing", async () => {
    const SUB = "subscription($p: ID) { mailHealthUpdated(projectPath: $p) { channels { kind state } } }";
    type Reading = { mailHealthUpdated: { channels: { kind: string; state: string }[] } };
    const admin = api.subscribe<Reading>(SUB, {}, { cookie: cookies.admin });
    const reporter = api.subscribe<Reading>(SUB, { p: "demo/app" }, { cookie: cookies.reporter });
    // A worker beats (as apps/worker does): a mailbox that is read again is ok, not stale.
    const worker = await startHeartbeat(db.dataSource.manager, "worker", createLogger("silent"));
    try {
      const imapState = (r: Reading) => r.mailHealthUpdated.channels.find((c) => c.kind === "IMAP")?.state;
      await waitFor(() => admin.events.length > 0, 5000, "a first reading");
      expect(imapState(admin.events[0])).toBe("FAILING");
      await db.dataSource.query(
        `UPDATE imap_cursors SET last_error = NULL, last_sync_at = now() WHERE mailbox_key = $1`,
        [IMAP_KEY],
      );
      await waitFor(() => admin.events.some((e) => imapState(e) === "OK"), 10_000, "the recovery");
      await waitFor(() => reporter.completed(), 5000, "the reporter's stream to end");
      expect(reporter.events).toEqual([]);
      expect(reporter.errors).toEqual([]);
    } finally {
      await worker.stop();
      await admin.close();
      await reporter.close();
    }
  });

  it("live: a maintainer demoted while watching gets no further reading", async () => {
    const SUB = "subscription($p: ID) { mailHealthUpdated(projectPath: $p) { checkedAt } }";
    const [{ id: userId }] = await db.dataSource.query(`SELECT id FROM users WHERE username = 'maintainer'`);
    const watching = api.subscribe(SUB, { p: "demo/app" }, { cookie: cookies.maintainer });
    try {
      await waitFor(() => watching.events.length > 0, 5000, "a first reading");
      await db.dataSource.query(`UPDATE project_members SET access_level = 20 WHERE user_id = $1 AND project_id = $2`, [
        userId,
        projectId,
      ]);
      await waitFor(() => watching.completed(), 10_000, "the stream to end");
      const seen = watching.events.length;
      await watching.flush();
      expect(watching.events.length).toBe(seen);
    } finally {
      await db.dataSource.query(`UPDATE project_members SET access_level = 40 WHERE user_id = $1 AND project_id = $2`, [
        userId,
        projectId,
      ]);
      await watching.close();
    }
  });
});
