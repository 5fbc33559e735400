// C12 through the api: who may list, read, retry, release and delete quarantined messages.
import {
  ingestSettingsFromConfig,
  mailSettingsFromConfig,
  processInboundEmail,
  receiveEmail,
  routeSettingsOf,
} from "@tidings/core";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbound } from "../../worker/src/inbound/index.ts";
import { NOT_FOUND_OR_FORBIDDEN } from "../src/graphql/access.ts";
import { startTestApi, type TestApi } from "./harness.ts";
import { startWorkerBeside } from "./worker-beside.ts";

const LIST = `query($p: ID) { quarantine(projectPath: $p) { count nodes { id status reason from subject project { fullPath } } } }`;
type List = { quarantine: { count: number; nodes: { id: string; status: string; reason: string; subject: string }[] } };
const PAYLOAD = "inboundEmail { id status reason issue { title } } errors";

describe("quarantine (C12)", () => {
  let db: TestDatabase;
  let api: TestApi;
  let worker: Inbound;
  const cookies: Record<string, string> = {};
  const receive = async (to: string, subject: string) => {
    const raw = Buffer.from(
      `From: Jane <jane@customer.example>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, "")}@customer.example>\r\n\r\nHello\r\n`,
    );
    const mail = mailSettingsFromConfig(api.config);
    const { id } = await db.dataSource.transaction((m) =>
      receiveEmail(m, {
        raw,
        transport: "webhook",
        envelopeTo: [to],
        maxEmailBytes: 1_000_000,
        route: routeSettingsOf(mail),
      }),
    );
    await processInboundEmail(db.dataSource, ingestSettingsFromConfig(api.config), id);
    return `gid://tidings/InboundEmail/${id}`;
  };
  const gql = async <T>(viewer: string, query: string, variables: Record<string, unknown> = {}) => {
    const res = await api.graphql<T>(query, variables, { cookie: cookies[viewer] });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data as T;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi(db);
    // Retries are processed by the worker beside the api, as deployed.
    worker = await startWorkerBeside(db, api.config);
    for (const v of ["admin", "maintainer", "reporter", "guest"]) cookies[v] = await api.signIn(v);
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await db?.drop();
  });

  it("lists a project's quarantine for its Maintainers+, everything for admins, nothing for others", async () => {
    const [p] = await db.dataSource.query("SELECT id FROM projects WHERE full_path = 'demo/app'");
    await db.dataSource.query("UPDATE projects SET service_desk_enabled = false WHERE id = $1", [p.id]);
    await receive(`incoming+demo-app-${p.id}-issue-@tidings.localhost`, "Disabled desk");
    await receive("incoming+nothing-here-999-issue-@tidings.localhost", "Unknown address");
    const project = await gql<List>("maintainer", LIST, { p: "demo/app" });
    expect(project.quarantine.count).toBe(1);
    expect(project.quarantine.nodes[0]).toMatchObject({ status: "rejected", subject: "Disabled desk" });
    expect((await gql<List>("maintainer", LIST)).quarantine.count).toBe(0);
    expect((await gql<List>("reporter", LIST, { p: "demo/app" })).quarantine.count).toBe(0);
    expect((await gql<List>("guest", LIST, { p: "demo/app" })).quarantine.count).toBe(0);
    const all = await gql<List>("admin", LIST);
    expect(all.quarantine.nodes.map((n) => n.subject).sort()).toEqual(["Disabled desk", "Unknown address"]);
    const anonymous = await api.graphql<List>(LIST, {});
    expect(anonymous.data?.quarantine.count).toBe(0);
  });

  it("retries after the cause is fixed, releases into a project, deletes — each only for those allowed", async () => {
    const list = await gql<List>("admin", LIST);
    const disabled = list.quarantine.nodes.find((n) => n.subject === "Disabled desk")!;
    const unknown = list.quarantine.nodes.find((n) => n.subject === "Unknown address")!;
    const retry = `mutation($id: ID!) { inboundEmailRetry(input: { id: $id }) { ${PAYLOAD} } }`;
    const denied = await gql<{ inboundEmailRetry: { errors: string[] } }>("reporter", retry, { id: disabled.id });
    expect(denied.inboundEmailRetry.errors).toEqual([NOT_FOUND_OR_FORBIDDEN]);
    await db.dataSource.query("UPDATE projects SET service_desk_enabled = true WHERE full_path = 'demo/app'");
    const retried = await gql<{ inboundEmailRetry: { inboundEmail: { status: string; issue: { title: string } } } }>(
      "maintainer",
      retry,
      { id: disabled.id },
    );
    expect(retried.inboundEmailRetry.inboundEmail).toMatchObject({
      status: "issue",
      issue: { title: "Disabled desk" },
    });

    const release = `mutation($id: ID!, $p: ID!) { inboundEmailRelease(input: { id: $id, projectPath: $p }) { ${PAYLOAD} } }`;
    // The unknown-address message belongs to no project: only an admin may release it.
    const byMaintainer = await gql<{ inboundEmailRelease: { errors: string[] } }>("maintainer", release, {
      id: unknown.id,
      p: "demo/app",
    });
    expect(byMaintainer.inboundEmailRelease.errors).toEqual([NOT_FOUND_OR_FORBIDDEN]);
    const released = await gql<{ inboundEmailRelease: { inboundEmail: { status: string; issue: { title: string } } } }>(
      "admin",
      release,
      { id: unknown.id, p: "demo/other" },
    );
    expect(released.inboundEmailRelease.inboundEmail).toMatchObject({
      status: "issue",
      issue: { title: "Unknown address" },
    });

    const del = `mutation($id: ID!) { inboundEmailDelete(input: { id: $id }) { ${PAYLOAD} } }`;
    const again = await gql<{ inboundEmailDelete: { errors: string[] } }>("admin", del, { id: unknown.id });
    expect(again.inboundEmailDelete.errors).toEqual([
      "Only ignored, rejected or failed emails can be deleted (this one is issue).",
    ]);
    const id = await receive("incoming+nothing-here-999-issue-@tidings.localhost", "Spam");
    const deleted = await gql<{ inboundEmailDelete: { inboundEmail: { status: string } } }>("admin", del, { id });
    expect(deleted.inboundEmailDelete.inboundEmail.status).toBe("deleted");
  });

  it("an auto-reply to a project's address is in its quarantine with a badge count; bulk retry reports each outcome; bulk delete is all or nothing", async () => {
    const [p] = await db.dataSource.query("SELECT id FROM projects WHERE full_path = 'demo/app'");
    await db.dataSource.query("UPDATE projects SET service_desk_enabled = true WHERE id = $1", [p.id]);
    await db.dataSource.query("DELETE FROM inbound_emails");
    const address = `incoming+demo-app-${p.id}-issue-@tidings.localhost`;
    const raw = (subject: string, extra = "") =>
      Buffer.from(
        `From: Jane <jane@customer.example>\r\nTo: ${address}\r\nSubject: ${subject}\r\n${extra}Message-ID: <${subject.replace(/\W/g, "")}@customer.example>\r\n\r\nHello\r\n`,
      );
    const store = async (bytes: Buffer) => {
      const { id } = await db.dataSource.transaction((m) =>
        receiveEmail(m, {
          raw: bytes,
          transport: "webhook",
          envelopeTo: [address],
          maxEmailBytes: 1_000_000,
          route: routeSettingsOf(mailSettingsFromConfig(api.config)),
        }),
      );
      await processInboundEmail(db.dataSource, ingestSettingsFromConfig(api.config), id);
      return `gid://tidings/InboundEmail/${id}`;
    };
    const ooo = await store(raw("Out of office", "Auto-Submitted: auto-replied\r\n"));
    const COUNT = `query { project(fullPath: "demo/app") { quarantineCount } }`;
    // The maintainer sees the auto-reply sent to their project (issue 12.7), and its count for the badge.
    const mine = await gql<List>("maintainer", LIST, { p: "demo/app" });
    expect(mine.quarantine.nodes.map((n) => n.subject)).toEqual(["Out of office"]);
    expect(await gql("maintainer", COUNT)).toEqual({ project: { quarantineCount: 1 } });
    expect(await gql("reporter", COUNT)).toEqual({ project: { quarantineCount: null } });

    // A released auto-reply becomes an issue; a retried one is ignored again — and says so.
    await db.dataSource.query("UPDATE projects SET service_desk_enabled = false WHERE id = $1", [p.id]);
    const off = await store(raw("While the desk was off"));
    await db.dataSource.query("UPDATE projects SET service_desk_enabled = true WHERE id = $1", [p.id]);
    const RETRY = `mutation($ids: [ID!]!) { inboundEmailsRetry(input: { ids: $ids }) { inboundEmails { id status reason issue { iid } } errors } }`;
    type Bulk = {
      inboundEmailsRetry: {
        inboundEmails: { id: string; status: string; reason: string | null; issue: { iid: string } | null }[];
        errors: string[];
      };
    };
    const retried = await gql<Bulk>("maintainer", RETRY, { ids: [ooo, off] });
    expect(retried.inboundEmailsRetry.errors).toEqual([]);
    const [again, opened] = retried.inboundEmailsRetry.inboundEmails;
    expect(again).toMatchObject({ id: ooo, status: "ignored" });
    expect(again.reason).toMatch(/auto-generated/);
    expect(opened).toMatchObject({ id: off, status: "issue", issue: { iid: expect.any(String) } });

    // Someone else's message in the selection: nothing happens, and the answer says why.
    const unrouted = await store(
      Buffer.from(
        `From: x@y.example\r\nTo: incoming+nothing-here-999-issue-@tidings.localhost\r\nSubject: Unrouted\r\n\r\nHi\r\n`,
      ),
    );
    const DELETE = `mutation($ids: [ID!]!) { inboundEmailsDelete(input: { ids: $ids }) { inboundEmails { status } errors } }`;
    const refused = await gql<{ inboundEmailsDelete: { errors: string[] } }>("maintainer", DELETE, {
      ids: [ooo, unrouted],
    });
    expect(refused.inboundEmailsDelete.errors).toEqual([
      "One of the selected messages cannot be found or you don't have permission to manage it; nothing was changed.",
    ]);
    expect(await gql("maintainer", COUNT)).toEqual({ project: { quarantineCount: 1 } });
    const empty = await gql<{ inboundEmailsDelete: { errors: string[] } }>("maintainer", DELETE, { ids: [] });
    expect(empty.inboundEmailsDelete.errors).toEqual(["Select at least one message."]);
    const deleted = await gql<{ inboundEmailsDelete: { inboundEmails: { status: string }[] } }>("maintainer", DELETE, {
      ids: [ooo],
    });
    expect(deleted.inboundEmailsDelete.inboundEmails).toEqual([{ status: "deleted" }]);
    expect(await gql("maintainer", COUNT)).toEqual({ project: { quarantineCount: 0 } });
  });
});
