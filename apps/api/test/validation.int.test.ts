// B3–B5, B7, F3: validation sentences a person can act on, nothing changed when anything is invalid,
// and malformed, too deep or too costly requests answered with GraphQL errors, never stack traces.
import { addMember, createProject } from "@tidings/core";
import { AccessLevel, ServiceDeskSettingEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_QUERY_DEPTH } from "../src/graphql/limits.ts";
import { createFixtures } from "./fixtures.ts";
import { startTestApi, type TestApi } from "./harness.ts";

const UPDATE = `mutation($input: UpdateServiceDeskSettingsInput!) {
  updateServiceDeskSettings(input: $input) {
    serviceDeskSettings { enabled projectKey outgoingName thankYouTemplate issueTemplate ticketsConfidentialByDefault }
    errors
  }
}`;
type UpdateResult = {
  updateServiceDeskSettings: { serviceDeskSettings: Record<string, unknown> | null; errors: string[] };
};

describe("validation and malformed requests (B3–B5, F3)", () => {
  let db: TestDatabase;
  let api: TestApi;
  let cookie: string;
  let fixtures: Awaited<ReturnType<typeof createFixtures>>;
  const update = async (input: Record<string, unknown>) => {
    const res = await api.graphql<UpdateResult>(UPDATE, { input: { projectPath: "demo/app", ...input } }, { cookie });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.updateServiceDeskSettings;
  };
  const settingsRow = async (projectPath = "demo/app") => {
    const [p] = await db.dataSource.query("SELECT id FROM projects WHERE full_path = $1", [projectPath]);
    return db.dataSource.manager.findOneByOrFail(ServiceDeskSettingEntity, { projectId: p.id });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi(db);
    fixtures = await createFixtures(db.dataSource);
    await db.dataSource.transaction(async (m) => {
      // Same full_path_slug as demo/app ("demo-app"): the suffix must be unique among them (B3).
      await createProject(m, { groupPath: "demo", path: "App", name: "App twin", serviceDeskEnabled: true });
      await addMember(m, { username: "maintainer", accessLevel: AccessLevel.Maintainer, projectPath: "demo/App" });
      await createProject(m, { groupPath: "demo", path: "public", visibility: "public", serviceDeskEnabled: true });
      await addMember(m, { username: "maintainer", accessLevel: AccessLevel.Maintainer, projectPath: "demo/public" });
    });
    cookie = await api.signIn("maintainer");
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it("saves valid settings and shows the suffix in the address; a blank suffix clears it", async () => {
    const ok = await update({
      projectKey: "support_1",
      outgoingName: "ACME Support",
      thankYouTemplate: "Thanks! %{ ISSUE_ID }",
    });
    expect(ok).toEqual({
      serviceDeskSettings: {
        enabled: true,
        projectKey: "support_1",
        outgoingName: "ACME Support",
        thankYouTemplate: "Thanks! %{ ISSUE_ID }",
        issueTemplate: null,
        ticketsConfidentialByDefault: true,
      },
      errors: [],
    });
    expect((await settingsRow()).projectKeyAddressSlug).toBe("demo-app-support_1");
    const cleared = await update({ projectKey: "  " });
    expect(cleared.serviceDeskSettings?.projectKey).toBeNull();
    expect(await settingsRow()).toMatchObject({ projectKey: null, projectKeyAddressSlug: null });
    await update({ projectKey: "support_1" });
  });

  it("shows the alias address with the suffix when SERVICE_DESK_EMAIL_ADDRESS is configured (item 4)", async () => {
    const alias = await startTestApi(db, {
      seed: false,
      env: { SERVICE_DESK_EMAIL_ADDRESS: "contact+%{key}@example.com" },
    });
    try {
      const address = async () =>
        (
          await alias.graphql<{ project: { serviceDeskAddress: string } }>(
            `{ project(fullPath: "demo/app") { serviceDeskAddress } }`,
            {},
            { cookie: await alias.signIn("reporter") },
          )
        ).data?.project.serviceDeskAddress;
      expect(await address()).toBe("contact+demo-app-support_1@example.com");
      const configured = async (on: TestApi) =>
        (
          await on.graphql<{ project: { serviceDeskSettings: { aliasMailboxConfigured: boolean } } }>(
            `{ project(fullPath: "demo/app") { serviceDeskSettings { aliasMailboxConfigured } } }`,
            {},
            { cookie: await on.signIn("maintainer") },
          )
        ).data?.project.serviceDeskSettings.aliasMailboxConfigured;
      // The settings panel previews a suffix address only when the alias mailbox exists.
      expect(await configured(alias)).toBe(true);
      expect(await configured(api)).toBe(false);
      await update({ projectKey: "" });
      const [p] = await db.dataSource.query("SELECT id FROM projects WHERE full_path = 'demo/app'");
      expect(await address()).toBe(`contact+demo-app-${p.id}-issue-@example.com`);
      await update({ projectKey: "support_1" });
    } finally {
      await alias.close();
    }
  });

  it("refuses a suffix outside a-z 0-9 _, a long one, and one used by a project with the same slug", async () => {
    expect((await update({ projectKey: "Support-Desk" })).errors).toEqual([
      "Email address suffix can contain only lowercase letters, digits, and '_'.",
    ]);
    expect((await update({ projectKey: "a".repeat(256) })).errors).toEqual([
      "Email address suffix is too long (maximum is 255 characters).",
    ]);
    const twin = await api.graphql<UpdateResult>(
      UPDATE,
      { input: { projectPath: "demo/App", projectKey: "support_1" } },
      { cookie },
    );
    expect(twin.data?.updateServiceDeskSettings).toEqual({
      serviceDeskSettings: null,
      errors: ["Email address suffix is already in use for another service desk address."],
    });
    // A different slug may use the same suffix.
    const other = await api.graphql<UpdateResult>(
      UPDATE,
      { input: { projectPath: "demo/other", projectKey: "support_1" } },
      { cookie },
    );
    expect(other.data?.updateServiceDeskSettings.errors).toEqual([]);
  });

  it("lists every problem at once and changes nothing", async () => {
    const before = await settingsRow();
    const res = await update({
      projectKey: "UPPER",
      outgoingName: "x".repeat(256),
      thankYouTemplate: "Hi %{ISSUE_ID} %{ISSUE_TITLE} %{ NOTE_TXT }",
      issueTemplate: "y".repeat(10_001),
      enabled: false,
    });
    expect(res.serviceDeskSettings).toBeNull();
    expect(res.errors).toEqual([
      "Email address suffix can contain only lowercase letters, digits, and '_'.",
      "Email display name is too long (maximum is 255 characters).",
      expect.stringMatching(
        /^Thank-you email template: The placeholder %\{ISSUE_TITLE\} is unknown; use one of %\{ISSUE_ID\}/,
      ),
      expect.stringMatching(/^Thank-you email template: The placeholder %\{NOTE_TXT\} is unknown/),
      "Description template is too long (maximum is 10,000 characters).",
    ]);
    const after = await settingsRow();
    expect({ ...after, updatedAt: null }).toEqual({ ...before, updatedAt: null });
    const [project] = await db.dataSource.query(
      "SELECT service_desk_enabled FROM projects WHERE full_path = 'demo/app'",
    );
    expect(project.service_desk_enabled).toBe(true);
  });

  it("keeps tickets confidential in a public project (B7)", async () => {
    const res = await api.graphql<UpdateResult>(
      UPDATE,
      { input: { projectPath: "demo/public", ticketsConfidentialByDefault: false } },
      { cookie },
    );
    expect(res.data?.updateServiceDeskSettings.errors).toEqual([
      "New tickets are always confidential in a public project; this can't be turned off.",
    ]);
    const [p] = await db.dataSource.query("SELECT id FROM projects WHERE full_path = 'demo/public'");
    await db.dataSource.query(
      "UPDATE service_desk_settings SET tickets_confidential_by_default = false WHERE project_id = $1",
      [p.id],
    );
    const read = await api.graphql<{ project: { serviceDeskSettings: { ticketsConfidentialByDefault: boolean } } }>(
      `{ project(fullPath: "demo/public") { serviceDeskSettings { ticketsConfidentialByDefault } } }`,
      {},
      { cookie },
    );
    expect(read.data?.project.serviceDeskSettings.ticketsConfidentialByDefault).toBe(true);
  });

  it("explains issue and note mistakes in sentences", async () => {
    const iid = String(fixtures["demo/app"].open.iid);
    const res = await api.graphql<{ updateIssue: { issue: unknown; errors: string[] } }>(
      "mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { issue { id } errors } }",
      {
        input: {
          projectPath: "demo/app",
          iid,
          title: "  ",
          assigneeUsernames: ["nobody", "outsider"],
          stateEvent: "REOPEN",
        },
      },
      { cookie },
    );
    expect(res.data?.updateIssue).toEqual({
      issue: null,
      errors: [
        "Title can't be blank.",
        "nobody can't be assigned: there is no member of this project with that username.",
        "outsider can't be assigned: there is no member of this project with that username.",
        "The issue is already open.",
      ],
    });
    const note = await api.graphql<{ createNote: { errors: string[] } }>(
      "mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } errors } }",
      { input: { noteableId: `gid://tidings/Issue/${fixtures["demo/app"].open.id}`, body: "   " } },
      { cookie },
    );
    expect(note.data?.createNote.errors).toEqual(["Note can't be blank."]);
    const badId = await api.graphql<{ createNote: { errors: string[] } }>(
      "mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } errors } }",
      { input: { noteableId: "gid://tidings/Project/1", body: "hello" } },
      { cookie },
    );
    expect(badId.data?.createNote.errors).toEqual([
      "The resource that you are attempting to access does not exist or you don't have permission to perform this action.",
    ]);
  });

  it("refuses a search longer than 255 characters, in the issue list (pages and counts) and the project switcher", async () => {
    const LIST = `query($search: String) { project(fullPath: "demo/app") {
      issues(search: $search, first: 5) { nodes { iid } countCapped } } }`;
    const PROJECTS = "query($search: String) { projects(search: $search) { nodes { fullPath } } }";
    const longest = `printer ${"x".repeat(247)}`;
    expect(longest).toHaveLength(255);
    for (const query of [LIST, PROJECTS]) {
      const fine = await api.graphql(query, { search: longest }, { cookie });
      expect(fine.errors).toBeUndefined();
      // A megabyte was once resolved by PostgreSQL and kept with its tsquery, a thousand of them at a time.
      for (const search of [`${longest}y`, "word ".repeat(200_000)]) {
        const refused = await api.graphql(query, { search }, { cookie });
        expect(refused.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
          ["Search is too long (maximum is 255 characters).", "INVALID_INPUT"],
        ]);
      }
    }
  });

  it("answers malformed requests with GraphQL errors and never a stack trace", async () => {
    const raw = async (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) => {
      const res = await fetch(`${api.url}/graphql`, {
        method: "POST",
        headers: { cookie, ...headers },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      expect(text).not.toMatch(/stacktrace|\bat [\w.<>]+ \(|node_modules|\.ts:\d+/);
      return {
        status: res.status,
        json: JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[] },
      };
    };
    const syntax = await raw({ query: "{ project(fullPath: " });
    expect(syntax.status).toBe(400);
    expect(syntax.json.errors?.[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const unknown = await raw({ query: '{ project(fullPath: "demo/app") { secretField } }' });
    expect(unknown.json.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const badVar = await raw({
      query: 'query($n: Int) { project(fullPath: "demo/app") { issues(first: $n) { count } } }',
      variables: { n: "x" },
    });
    expect(badVar.json.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const noQuery = await raw({ nothing: true });
    expect(noQuery.status).toBe(400);
    const notJson = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ message: "The request body is not valid." });
  });

  it("refuses a query deeper than the limit before resolving anything", async () => {
    let selection = "id";
    for (let i = 0; i < MAX_QUERY_DEPTH; i++) selection = `movedTo { ${selection} }`;
    const res = await api.graphql(
      `{ project(fullPath: "demo/app") { issue(iid: "1") { ${selection} } } }`,
      {},
      { cookie },
    );
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^The query is too deep \(\d+ levels; the limit is 12\)\.$/),
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    expect(res.data?.project ?? null).toBeNull();
  });

  it("accepts enum values passed as variables (the cost check sees their input form)", async () => {
    const res = await api.graphql<{ previewServiceDeskTemplate: { unknownPlaceholders: string[] } }>(
      `query($p: ID!, $kind: ServiceDeskTemplateKind!) { previewServiceDeskTemplate(projectPath: $p, kind: $kind, template: "Hi %{ISSUE_ID} %{NOPE}") { unknownPlaceholders } }`,
      { p: "demo/app", kind: "THANK_YOU" },
      { cookie },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.previewServiceDeskTemplate.unknownPlaceholders).toEqual(["NOPE"]);
  });

  it("applies the depth limit to introspection too", async () => {
    let selection = "name";
    for (let i = 0; i < MAX_QUERY_DEPTH; i++) selection = `ofType { ${selection} }`;
    const res = await api.graphql(`{ __schema { types { fields { type { ${selection} } } } } }`, {}, { cookie });
    expect(res.errors?.[0]?.message).toMatch(/^The query is too deep/);
    expect(res.data).toBeUndefined();
  });

  it("refuses a query costlier than the limit; ordinary operations pass", async () => {
    const costly = `{ project(fullPath: "demo/app") { issues(first: 100) { nodes { notes(first: 100) { nodes { id body author { username } } } } } } }`;
    const res = await api.graphql(costly, {}, { cookie });
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringMatching(
        /^The query is too complex \(cost \d+; the limit is 25000\)\. Ask for fewer items or fields\.$/,
      ),
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    const cheap = await api.graphql<{ updateServiceDeskSettings: { errors: string[] } }>(
      `mutation { updateServiceDeskSettings(input: { projectPath: "demo/app", outgoingName: "Cheap" }) { errors } }`,
      {},
      { cookie },
    );
    expect(cheap.data?.updateServiceDeskSettings.errors).toEqual([]);
    expect((await settingsRow()).outgoingName).toBe("Cheap");
  });

  it("has Apollo's CSRF prevention on: a simple cross-site POST or GET is refused", async () => {
    const form = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "text/plain", cookie },
      body: JSON.stringify({ query: "{ currentUser { username } }" }),
    });
    expect(form.status).toBe(400);
    const get = await fetch(`${api.url}/graphql?query=${encodeURIComponent("{ currentUser { username } }")}`, {
      headers: { cookie },
    });
    expect(get.status).toBe(400);
  });
});
