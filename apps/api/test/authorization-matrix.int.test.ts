// F2/A3/B2: every demo user and anonymous × every query, field, mutation and subscription of the
// contract, on a confidential (and a public) Service Desk issue of demo/app and of demo/other.
// Each cell states the exact expected outcome; a forbidden object reads as null / "not found".
import {
  createNote,
  editNote,
  mailSettingsFromConfig,
  obfuscateEmail,
  publishEvents,
  publishPresence,
  QUICK_ACTION_DENIED,
  updateIssue,
} from "@tidings/core";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND_OR_FORBIDDEN } from "../src/graphql/access.ts";
import { MOVE_FORBIDDEN } from "../src/graphql/resolvers/issue-mutations.resolver.ts";
import {
  createFixtures,
  levelOf,
  type ProjectFixture,
  serviceDeskIssue,
  VIEWERS,
  type ViewerName,
} from "./fixtures.ts";
import { startTestApi, type TestApi, waitFor } from "./harness.ts";

type ProjectPath = "demo/app" | "demo/other";
const PROJECTS: ProjectPath[] = ["demo/app", "demo/other"];
const otherOf = (p: ProjectPath): ProjectPath => (p === "demo/app" ? "demo/other" : "demo/app");
const gid = (type: string, id: number) => `gid://tidings/${type}/${id}`;
const INTERNAL_FORBIDDEN = "You don't have permission to add internal notes to this issue.";

/** Who the cell is about: the viewer's role on the project, in the terms of the rules. */
type Who = {
  viewer: ViewerName;
  signedIn: boolean;
  read: boolean;
  reporter: boolean;
  maintainer: boolean;
  targetReporter: boolean;
};
const whoOf = (viewer: ViewerName, p: ProjectPath): Who => {
  const level = levelOf(p, viewer);
  const target = levelOf(otherOf(p), viewer);
  return {
    viewer,
    signedIn: viewer !== "anonymous",
    read: level !== null,
    reporter: level !== null && level >= 20,
    maintainer: level !== null && level >= 40,
    targetReporter: target !== null && target >= 20,
  };
};

type Env = { api: TestApi; db: TestDatabase; fx: ProjectFixture; path: ProjectPath; auth: Record<ViewerName, Auth> };
type Auth = { cookie?: string };
type Probe = {
  name: string;
  kind: "query" | "field" | "mutation";
  run: (env: Env, who: Who) => Promise<unknown>;
  expect: (env: Env, who: Who) => unknown;
};

let cells = 0;

const q = async <T = Record<string, unknown>>(env: Env, who: Who, query: string, variables = {}) => {
  const res = await env.api.graphql<T>(query, { p: env.path, ...variables }, env.auth[who.viewer]);
  if (res.errors) throw new Error(`${who.viewer}: ${JSON.stringify(res.errors)}`);
  return res.data as T;
};

type ProjectData = { project: Record<string, unknown> | null };
const projectField = async (env: Env, who: Who, selection: string) =>
  (await q<ProjectData>(env, who, `query($p: ID!) { project(fullPath: $p) { ${selection} } }`)).project;

type IssueData = { project: { issue: Record<string, unknown> | null } | null };
const issueField = async (env: Env, who: Who, iid: number, selection: string) =>
  (
    await q<IssueData>(
      env,
      who,
      `query($p: ID!, $iid: String!) { project(fullPath: $p) { issue(iid: $iid) { ${selection} } } }`,
      {
        iid: String(iid),
      },
    )
  ).project?.issue ?? null;

const mutate = async (env: Env, who: Who, query: string, input: Record<string, unknown>, key: string) => {
  const data = await q<Record<string, { errors: string[] } & Record<string, unknown>>>(env, who, query, { input });
  const payload = data[key];
  return payload.errors.length ? payload.errors : "ok";
};

const addressOf = (env: Env) => `incoming+${env.fx.project.fullPathSlug}-${env.fx.project.id}-issue-@tidings.localhost`;
const MEMBERS: Record<ProjectPath, string[]> = {
  "demo/app": ["developer", "guest", "maintainer", "owner", "reporter"],
  "demo/other": ["maintainer", "owner"],
};

const PROBES: Probe[] = [
  {
    name: "currentUser",
    kind: "query",
    run: async (env, who) =>
      ((await q(env, who, "{ currentUser { username } }")).currentUser as { username: string } | null)?.username ??
      null,
    expect: (_env, who) => (who.signedIn ? who.viewer : null),
  },
  {
    name: "project(fullPath)",
    kind: "query",
    run: async (env, who) => (await projectField(env, who, "fullPath"))?.fullPath ?? null,
    expect: (env, who) => (who.read ? env.path : null),
  },
  {
    name: "projects (switcher list)",
    kind: "query",
    run: async (env, who) =>
      (
        await q<{ projects: { nodes: { fullPath: string }[] } }>(env, who, "{ projects { nodes { fullPath } } }")
      ).projects.nodes
        .map((n) => n.fullPath)
        .includes(env.path),
    expect: (_env, who) => who.read,
  },
  {
    name: "Project.serviceDeskEnabled",
    kind: "field",
    run: async (env, who) => (await projectField(env, who, "serviceDeskEnabled"))?.serviceDeskEnabled ?? null,
    expect: (_env, who) => (who.read ? true : null),
  },
  {
    name: "Project.serviceDeskAddress (B2)",
    kind: "field",
    run: async (env, who) => (await projectField(env, who, "serviceDeskAddress"))?.serviceDeskAddress ?? null,
    expect: (env, who) => (who.reporter ? addressOf(env) : null),
  },
  {
    name: "Project.serviceDeskSettings",
    kind: "field",
    run: async (env, who) =>
      (await projectField(env, who, "serviceDeskSettings { enabled projectKey ticketsConfidentialByDefault }"))
        ?.serviceDeskSettings ?? null,
    expect: (_env, who) =>
      who.maintainer ? { enabled: true, projectKey: null, ticketsConfidentialByDefault: true } : null,
  },
  {
    name: "Project.userPermissions",
    kind: "field",
    run: async (env, who) =>
      (await projectField(env, who, "userPermissions { readConfidentialIssues updateIssue adminProject }"))
        ?.userPermissions ?? null,
    expect: (_env, who) =>
      who.read
        ? { readConfidentialIssues: who.reporter, updateIssue: who.reporter, adminProject: who.maintainer }
        : null,
  },
  {
    name: "Project.labels",
    kind: "field",
    run: async (env, who) =>
      (
        (await projectField(env, who, "labels { nodes { title } }"))?.labels as
          | { nodes: { title: string }[] }
          | undefined
      )?.nodes.map((n) => n.title) ?? null,
    expect: (_env, who) => (who.read ? ["customer"] : null),
  },
  {
    name: "Project.projectMembers",
    kind: "field",
    run: async (env, who) =>
      (
        (await projectField(env, who, "projectMembers { nodes { user { username } } }"))?.projectMembers as
          | { nodes: { user: { username: string } }[] }
          | undefined
      )?.nodes.map((n) => n.user.username) ?? null,
    expect: (env, who) => (who.read ? MEMBERS[env.path] : null),
  },
  {
    name: "Project.issue(iid) confidential",
    kind: "field",
    run: async (env, who) => (await issueField(env, who, env.fx.confidential.iid, "id"))?.id ?? null,
    expect: (env, who) => (who.reporter ? gid("Issue", env.fx.confidential.id) : null),
  },
  {
    name: "Project.issue(iid) public",
    kind: "field",
    run: async (env, who) => (await issueField(env, who, env.fx.open.iid, "id"))?.id ?? null,
    expect: (env, who) => (who.read ? gid("Issue", env.fx.open.id) : null),
  },
  {
    name: "Project.issues Service Desk list nodes",
    kind: "field",
    run: async (env, who) =>
      (
        (await projectField(env, who, `issues(authorUsername: "support-bot", search: "ticket") { nodes { id } }`))
          ?.issues as { nodes: { id: string }[] } | undefined
      )?.nodes.map((n) => n.id) ?? null,
    expect: (env, who) =>
      who.reporter
        ? [gid("Issue", env.fx.open.id), gid("Issue", env.fx.confidential.id)]
        : who.read
          ? [gid("Issue", env.fx.open.id)]
          : null,
  },
  {
    name: "IssueConnection.count",
    kind: "field",
    run: async (env, who) =>
      (
        (await projectField(env, who, `issues(authorUsername: "support-bot", search: "ticket") { count }`))?.issues as
          | { count: number }
          | undefined
      )?.count ?? null,
    expect: (_env, who) => (who.reporter ? 2 : who.read ? 1 : null),
  },
  {
    name: "Project.issues search by requester address",
    kind: "field",
    run: async (env, who) =>
      (
        (await projectField(env, who, `issues(search: "${env.fx.requester}") { count nodes { id } }`))?.issues as
          | { count: number }
          | undefined
      )?.count ?? null,
    expect: (_env, who) => (who.reporter ? 2 : who.read ? 1 : null),
  },
  {
    name: "Issue.searchSnippet (10.5): internal notes and the requester only for Reporter+; null outside a search",
    kind: "field",
    run: async (env, who) => {
      type Hit = {
        id: string;
        searchSnippet: { source: string; parts: { text: string; highlight: boolean }[] } | null;
      };
      const hits = async (search: string) => {
        const issues = (
          await projectField(
            env,
            who,
            `issues(search: "${search}") { nodes { id searchSnippet { source parts { text highlight } } } }`,
          )
        )?.issues as { nodes: Hit[] } | undefined;
        // Only the fixture's two issues (the move probe brings other tickets of that domain here).
        const ours = [gid("Issue", env.fx.open.id), gid("Issue", env.fx.confidential.id)];
        return (
          issues?.nodes
            .filter((n) => ours.includes(n.id))
            .map((n) => [
              n.id,
              n.searchSnippet?.source,
              n.searchSnippet?.parts.filter((x) => x.highlight).map((x) => x.text),
            ]) ?? null
        );
      };
      const single = await issueField(env, who, env.fx.open.iid, "searchSnippet { source }");
      return {
        internalNote: await hits("remark"),
        requesterDomain: await hits("customer.example"),
        title: await hits("ticket"),
        outsideSearch: single ? single.searchSnippet : "unreadable",
      };
    },
    expect: (env, who) => {
      const both = (source: string, marks: string[]) => [
        [gid("Issue", env.fx.open.id), source, marks],
        [gid("Issue", env.fx.confidential.id), source, marks],
      ];
      if (!who.read) return { internalNote: null, requesterDomain: null, title: null, outsideSearch: "unreadable" };
      return {
        internalNote: who.reporter ? both("INTERNAL_NOTE", ["remark"]) : [],
        requesterDomain: who.reporter ? both("REQUESTER", [env.fx.requester]) : [],
        title: who.reporter ? both("TITLE", ["ticket"]) : [[gid("Issue", env.fx.open.id), "TITLE", ["ticket"]]],
        outsideSearch: null,
      };
    },
  },
  {
    name: "Issue (confidential) core fields",
    kind: "field",
    run: async (env, who) => {
      const issue = await issueField(
        env,
        who,
        env.fx.confidential.iid,
        "id iid title description state confidential createdAt updatedAt author { username } labels { nodes { title } } assignees { nodes { username } }",
      );
      return issue && { ...issue, createdAt: typeof issue.createdAt, updatedAt: typeof issue.updatedAt };
    },
    expect: (env, who) =>
      who.reporter
        ? {
            id: gid("Issue", env.fx.confidential.id),
            iid: String(env.fx.confidential.iid),
            title: env.fx.confidential.title,
            description: env.fx.confidential.description,
            createdAt: "string",
            updatedAt: "string",
            state: "opened",
            confidential: true,
            author: { username: "support-bot" },
            labels: { nodes: [{ title: "customer" }] },
            assignees: { nodes: [{ username: env.path === "demo/app" ? "developer" : "maintainer" }] },
          }
        : null,
  },
  {
    name: "Issue.externalAuthor (confidential)",
    kind: "field",
    run: async (env, who) =>
      (await issueField(env, who, env.fx.confidential.iid, "externalAuthor"))?.externalAuthor ?? null,
    expect: (env, who) => (who.reporter ? env.fx.requester : null),
  },
  {
    name: "Issue.notes (confidential)",
    kind: "field",
    run: async (env, who) =>
      (
        (
          await issueField(
            env,
            who,
            env.fx.confidential.iid,
            "notes { nodes { id body internal system author { username } createdAt } pageInfo { hasNextPage } }",
          )
        )?.notes as
          | { nodes: { id: string; body: string; internal: boolean; system: boolean; author: { username: string } }[] }
          | undefined
      )?.nodes.map((n) => [n.body, n.internal, n.system, n.author.username, n.id.startsWith("gid://tidings/Note/")]) ??
      null,
    expect: (env, who) =>
      who.reporter
        ? [
            ["Customer reply", false, false, "support-bot", true],
            ["Internal remark", true, false, env.path === "demo/app" ? "developer" : "maintainer", true],
          ]
        : null,
  },
  {
    name: "Issue.emailParticipants (confidential)",
    kind: "field",
    run: async (env, who) =>
      (await issueField(env, who, env.fx.confidential.iid, "emailParticipants { email }"))?.emailParticipants ?? null,
    expect: (env, who) => (who.reporter ? [{ email: env.fx.requester }] : null),
  },
  {
    name: "Issue.emails (confidential)",
    kind: "field",
    run: async (env, who) =>
      (await issueField(env, who, env.fx.confidential.iid, "emails { to status }"))?.emails ?? null,
    expect: (env, who) => (who.reporter ? [{ to: env.fx.requester, status: "sent" }] : null),
  },
  {
    name: "Issue.externalAuthor (public: obfuscated below Reporter)",
    kind: "field",
    run: async (env, who) => (await issueField(env, who, env.fx.open.iid, "externalAuthor"))?.externalAuthor ?? null,
    expect: (env, who) => (who.reporter ? env.fx.requester : who.read ? obfuscateEmail(env.fx.requester) : null),
  },
  {
    name: "Issue.notes (public: internal notes hidden below Reporter)",
    kind: "field",
    run: async (env, who) =>
      (
        (await issueField(env, who, env.fx.open.iid, "notes { nodes { body } }"))?.notes as
          | { nodes: { body: string }[] }
          | undefined
      )?.nodes.map((n) => n.body) ?? null,
    expect: (_env, who) =>
      who.reporter ? ["Customer reply", "Internal remark"] : who.read ? ["Customer reply"] : null,
  },
  {
    name: "Note.externalAuthor (public)",
    kind: "field",
    run: async (env, who) =>
      (
        (await issueField(env, who, env.fx.open.iid, "notes(first: 1) { nodes { externalAuthor } }"))?.notes as
          | { nodes: { externalAuthor: string | null }[] }
          | undefined
      )?.nodes[0]?.externalAuthor ?? null,
    expect: (env, who) => (who.reporter ? env.fx.requester : who.read ? obfuscateEmail(env.fx.requester) : null),
  },
  {
    name: "Issue.emailParticipants (public)",
    kind: "field",
    run: async (env, who) =>
      (await issueField(env, who, env.fx.open.iid, "emailParticipants { email }"))?.emailParticipants ?? null,
    expect: (env, who) => (who.reporter ? [{ email: env.fx.requester }] : null),
  },
  {
    name: "Issue.emails (public)",
    kind: "field",
    run: async (env, who) => (await issueField(env, who, env.fx.open.iid, "emails { to }"))?.emails ?? null,
    expect: (env, who) => (who.reporter ? [{ to: env.fx.requester }] : null),
  },
  {
    name: "Issue.webUrl (public)",
    kind: "field",
    run: async (env, who) => (await issueField(env, who, env.fx.open.iid, "webUrl"))?.webUrl ?? null,
    expect: (env, who) => (who.read ? `${env.api.config.PUBLIC_URL}/${env.path}/-/issues/${env.fx.open.iid}` : null),
  },
  {
    name: "previewServiceDeskTemplate",
    kind: "query",
    run: async (env, who) =>
      (
        await q<{ previewServiceDeskTemplate: { unknownPlaceholders: string[] } | null }>(
          env,
          who,
          `query($p: ID!) { previewServiceDeskTemplate(projectPath: $p, kind: THANK_YOU, template: "Hi %{ISSUE_ID} %{NOPE}") { unknownPlaceholders } }`,
        )
      ).previewServiceDeskTemplate,
    expect: (_env, who) => (who.maintainer ? { unknownPlaceholders: ["NOPE"] } : null),
  },
  {
    name: "createNote on the confidential issue",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } errors } }",
        { noteableId: gid("Issue", env.fx.confidential.id), body: `note by ${who.viewer}` },
        "createNote",
      ),
    expect: (_env, who) => (who.reporter ? "ok" : [NOT_FOUND_OR_FORBIDDEN]),
  },
  {
    name: "createNote on the public issue",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } errors } }",
        { noteableId: gid("Issue", env.fx.open.id), body: `public note by ${who.viewer}` },
        "createNote",
      ),
    expect: (_env, who) => (who.read && who.signedIn ? "ok" : [NOT_FOUND_OR_FORBIDDEN]),
  },
  {
    name: "createNote internal",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } errors } }",
        { noteableId: gid("Issue", env.fx.open.id), body: `internal note by ${who.viewer}`, internal: true },
        "createNote",
      ),
    expect: (_env, who) =>
      who.reporter ? "ok" : who.read && who.signedIn ? [INTERNAL_FORBIDDEN] : [NOT_FOUND_OR_FORBIDDEN],
  },
  {
    name: "createNote with a quick action (11.1): runs with the author's permissions",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } errors } }",
        { noteableId: gid("Issue", env.fx.open.id), body: `labelled by ${who.viewer}\n/label ~customer` },
        "createNote",
      ),
    expect: (_env, who) =>
      who.reporter ? "ok" : who.read && who.signedIn ? [QUICK_ACTION_DENIED.label] : [NOT_FOUND_OR_FORBIDDEN],
  },
  {
    name: "updateNote of one's own note (11.6)",
    kind: "mutation",
    run: async (env, who) => {
      const noteId = await noteBy(env, who.viewer === "anonymous" ? "admin" : who.viewer, "mine");
      return mutate(
        env,
        who,
        "mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { id } errors } }",
        { id: gid("Note", noteId), body: "mine, edited" },
        "updateNote",
      );
    },
    // Authors edit their own while they may comment; anonymous tries an admin's note.
    expect: (_env, who) => (who.read && who.signedIn ? "ok" : [NOT_FOUND_OR_FORBIDDEN]),
  },
  {
    name: "updateNote and destroyNote of someone else's note (11.6: Maintainer+)",
    kind: "mutation",
    run: async (env, who) => {
      const edit = mutate(
        env,
        who,
        "mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { id } errors } }",
        { id: gid("Note", await noteBy(env, "owner", "theirs")), body: "theirs, edited" },
        "updateNote",
      );
      const destroy = mutate(
        env,
        who,
        "mutation($input: DestroyNoteInput!) { destroyNote(input: $input) { note { id } errors } }",
        { id: gid("Note", await noteBy(env, "owner", "theirs")) },
        "destroyNote",
      );
      return [await edit, await destroy];
    },
    expect: (_env, who) =>
      who.maintainer || who.viewer === "owner" ? ["ok", "ok"] : [[NOT_FOUND_OR_FORBIDDEN], [NOT_FOUND_OR_FORBIDDEN]],
  },
  {
    name: "Note.userPermissions.adminNote and Note.versions (11.6)",
    kind: "field",
    run: async (env, who) => {
      const noteId = await noteBy(env, "owner", "first words");
      await env.db.dataSource.transaction((m) =>
        editNote(m, { noteId, actorId: userIds.get("owner") ?? 0, body: "second" }),
      );
      const issue = (await issueField(
        env,
        who,
        env.fx.open.iid,
        "notes(first: 100) { nodes { id body userPermissions { adminNote } versions { body action } } }",
      )) as { notes: { nodes: { id: string; body: string; userPermissions: unknown; versions: unknown }[] } } | null;
      const note = issue?.notes.nodes.find((n) => n.id === gid("Note", noteId));
      return note ? [note.body, note.userPermissions, note.versions] : null;
    },
    expect: (_env, who) =>
      who.read
        ? [
            "second",
            { adminNote: who.maintainer || who.viewer === "owner" },
            who.reporter ? [{ body: "first words", action: "edited" }] : [],
          ]
        : null,
  },
  {
    name: "Note.deliveries of a public reply (11.7: Reporter+)",
    kind: "field",
    run: async (env, who) => {
      const [admin] = await env.db.dataSource.query("SELECT id FROM users WHERE username = 'admin'");
      const note = await env.db.dataSource.transaction((m) =>
        createNote(m, mailSettingsFromConfig(env.api.config), {
          issueId: env.fx.open.id,
          authorId: admin.id,
          body: "Delivered?",
        }),
      );
      const issue = (await issueField(
        env,
        who,
        env.fx.open.iid,
        "notes(first: 100) { nodes { id deliveries { to status } } }",
      )) as { notes: { nodes: { id: string; deliveries: unknown }[] } } | null;
      return issue?.notes.nodes.find((n) => n.id === gid("Note", note.id))?.deliveries ?? null;
    },
    expect: (env, who) => (who.reporter ? [{ to: env.fx.requester, status: "queued" }] : who.read ? [] : null),
  },
  {
    name: "Issue.email and the raw email (11.7: Reporter+)",
    kind: "field",
    run: async (env, who) => {
      const inboundId = await inboundFor(env);
      const issue = (await issueField(env, who, env.fx.open.iid, "email { from fromName to rawUrl }")) as {
        email: { from: string; fromName: string; to: string[]; rawUrl: string } | null;
      } | null;
      const res = await fetch(`${env.api.url}/-/emails/${inboundId}/raw`, {
        headers: env.auth[who.viewer].cookie ? { cookie: env.auth[who.viewer].cookie as string } : {},
      });
      return [issue ? issue.email : "no issue", res.status];
    },
    expect: (env, who) =>
      who.reporter
        ? [
            {
              from: env.fx.requester,
              fromName: "Jake the Dog",
              to: ["Support <support@tidings.test>"],
              rawUrl: expect.stringMatching(/^\/-\/emails\/\d+\/raw$/),
            },
            200,
          ]
        : [who.read ? null : "no issue", 404],
  },
  {
    name: "setIssuePresence (11.5: Reporter+)",
    kind: "mutation",
    run: async (env, who) => {
      const data = await q<{ setIssuePresence: { errors: string[] } }>(
        env,
        who,
        `mutation($id: ID!) { setIssuePresence(noteableId: $id, state: "viewing") { errors } }`,
        { id: gid("Issue", env.fx.open.id) },
      );
      return data.setIssuePresence.errors.length ? data.setIssuePresence.errors : "ok";
    },
    expect: (_env, who) => (who.reporter ? "ok" : [NOT_FOUND_OR_FORBIDDEN]),
  },
  {
    name: "POST /uploads (11.2: whoever may comment)",
    kind: "mutation",
    run: async (env, who) => {
      const cookie = env.auth[who.viewer].cookie;
      const res = await fetch(`${env.api.url}/uploads?project=${encodeURIComponent(env.path)}`, {
        method: "POST",
        headers: { "content-type": "text/plain", "x-filename": "note.txt", ...(cookie ? { cookie } : {}) },
        body: `from ${who.viewer}`,
      });
      return res.status;
    },
    expect: (_env, who) => (!who.signedIn ? 401 : who.read ? 201 : 404),
  },
  {
    name: "saveNoteDraft and Issue.noteDraft: one's own draft only (11.3)",
    kind: "mutation",
    run: async (env, who) => {
      const saved = await mutate(
        env,
        who,
        "mutation($input: SaveNoteDraftInput!) { saveNoteDraft(input: $input) { draft { body } errors } }",
        { noteableId: gid("Issue", env.fx.open.id), body: `draft by ${who.viewer}` },
        "saveNoteDraft",
      );
      const issue = await issueField(env, who, env.fx.open.iid, "noteDraft { body }");
      return [saved, issue ? ((issue.noteDraft as { body: string } | null)?.body ?? null) : "no issue"];
    },
    expect: (_env, who) =>
      who.read && who.signedIn
        ? ["ok", `draft by ${who.viewer}`]
        : [[NOT_FOUND_OR_FORBIDDEN], who.read ? null : "no issue"],
  },
  {
    name: "saveNoteDraft internal (11.3: as an internal note, Reporter+)",
    kind: "mutation",
    run: async (env, who) => {
      const saved = await mutate(
        env,
        who,
        "mutation($input: SaveNoteDraftInput!) { saveNoteDraft(input: $input) { draft { body internal } errors } }",
        { noteableId: gid("Issue", env.fx.confidential.id), body: `internal draft by ${who.viewer}`, internal: true },
        "saveNoteDraft",
      );
      const [row] = await env.db.dataSource.query(
        "SELECT d.body, d.internal FROM note_drafts d JOIN users u ON u.id = d.user_id WHERE u.username = $1 AND d.issue_id = $2",
        [who.viewer, env.fx.confidential.id],
      );
      return [saved, row ?? null];
    },
    expect: (_env, who) =>
      who.reporter
        ? ["ok", { body: `internal draft by ${who.viewer}`, internal: true }]
        : // The confidential issue is hidden below Reporter: the same answer as for an absent one.
          [[NOT_FOUND_OR_FORBIDDEN], null],
  },
  {
    name: "saveNoteDraft internal on the public issue (11.3: below Reporter, refused in words)",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: SaveNoteDraftInput!) { saveNoteDraft(input: $input) { draft { body } errors } }",
        { noteableId: gid("Issue", env.fx.open.id), body: `secret draft by ${who.viewer}`, internal: true },
        "saveNoteDraft",
      ),
    expect: (_env, who) =>
      who.reporter ? "ok" : who.read && who.signedIn ? [INTERNAL_FORBIDDEN] : [NOT_FOUND_OR_FORBIDDEN],
  },
  {
    name: "discardNoteDraft: one's own draft only (11.3)",
    kind: "mutation",
    run: async (env, who) => {
      // Someone else's draft on the same issue must survive every viewer's discard.
      const other = who.viewer === "maintainer" ? "developer" : "maintainer";
      await env.db.dataSource.query(
        `INSERT INTO note_drafts (user_id, issue_id, body) SELECT id, $2, 'keep me' FROM users WHERE username = $1
         ON CONFLICT (user_id, issue_id) DO UPDATE SET body = 'keep me'`,
        [other, env.fx.open.id],
      );
      if (who.signedIn)
        await env.db.dataSource.query(
          `INSERT INTO note_drafts (user_id, issue_id, body) SELECT id, $2, 'mine' FROM users WHERE username = $1
           ON CONFLICT (user_id, issue_id) DO UPDATE SET body = 'mine'`,
          [who.viewer, env.fx.open.id],
        );
      const result = await mutate(
        env,
        who,
        "mutation($input: DiscardNoteDraftInput!) { discardNoteDraft(input: $input) { errors } }",
        { noteableId: gid("Issue", env.fx.open.id) },
        "discardNoteDraft",
      );
      const rows: { username: string; body: string }[] = await env.db.dataSource.query(
        `SELECT u.username, d.body FROM note_drafts d JOIN users u ON u.id = d.user_id
          WHERE d.issue_id = $1 AND u.username = ANY($2::text[]) ORDER BY u.username`,
        [env.fx.open.id, [who.viewer, other]],
      );
      return [result, Object.fromEntries(rows.map((r) => [r.username, r.body]))];
    },
    expect: (_env, who) => {
      const other = who.viewer === "maintainer" ? "developer" : "maintainer";
      const allowed = who.read && who.signedIn;
      return [
        allowed ? "ok" : [NOT_FOUND_OR_FORBIDDEN],
        { [other]: "keep me", ...(who.signedIn && !allowed ? { [who.viewer]: "mine" } : {}) },
      ];
    },
  },
  {
    name: "Project.savedReplies: one's own and the project's (11.4: Reporter+)",
    kind: "field",
    run: async (env, who) => {
      await ensureSavedReplies(env);
      const project = await projectField(env, who, "savedReplies { name scope canManage }");
      return project?.savedReplies ?? null;
    },
    expect: (_env, who) =>
      !who.read
        ? null
        : [
            ...(who.viewer === "owner" ? [{ name: "Owner's own", scope: "personal", canManage: true }] : []),
            ...(who.reporter ? [{ name: "Shared refund", scope: "project", canManage: who.maintainer }] : []),
          ],
  },
  {
    name: "Issue.renderedSavedReply: own or the project's; the requester's name for Reporter+ (11.4)",
    kind: "field",
    run: async (env, who) => {
      await ensureSavedReplies(env);
      await inboundFor(env); // the issue's first email names its sender "Jake the Dog"
      const [shared] = await env.db.dataSource.query(
        "SELECT id FROM saved_replies WHERE project_id = $1 AND name = 'Shared refund'",
        [env.fx.project.id],
      );
      const [own] = await env.db.dataSource.query(
        `INSERT INTO saved_replies (user_id, name, content)
         SELECT id, $2, 'Hi %{REQUESTER_NAME}, %{ISSUE_PATH} %{NOPE}' FROM users WHERE username = $1 RETURNING id`,
        [who.viewer, `Greeting ${env.path}`],
      );
      const [owners] = await env.db.dataSource.query(
        "SELECT id FROM saved_replies WHERE user_id = $1 AND name = 'Owner''s own'",
        [userIds.get("owner")],
      );
      const read = async (id: number | undefined) =>
        id === undefined
          ? "none"
          : ((
              await issueField(
                env,
                who,
                env.fx.open.iid,
                `renderedSavedReply(savedReplyId: "${gid("SavedReply", id)}")`,
              )
            )?.renderedSavedReply ?? null);
      const result = [await read(shared.id), await read(own?.id), await read(owners.id)];
      if (own) await env.db.dataSource.query("DELETE FROM saved_replies WHERE id = $1", [own.id]);
      return result;
    },
    expect: (env, who) => [
      who.reporter ? `Refunded #${env.fx.open.iid}` : null,
      !who.signedIn
        ? "none"
        : !who.read
          ? null
          : `Hi ${who.reporter ? "Jake the Dog" : ""}, ${env.path}#${env.fx.open.iid} %{NOPE}`,
      who.read && who.viewer === "owner" ? "Mine" : null,
    ],
  },
  {
    name: "savedReplyCreate in the project (11.4: Maintainer+)",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: SavedReplyCreateInput!) { savedReplyCreate(input: $input) { savedReply { id } errors } }",
        { projectPath: env.path, name: `By ${who.viewer}`, content: "Hello %{REQUESTER_NAME}" },
        "savedReplyCreate",
      ),
    expect: (_env, who) => (who.maintainer ? "ok" : [NOT_FOUND_OR_FORBIDDEN]),
  },
  {
    name: "savedReplyUpdate and savedReplyDestroy of someone's personal reply (11.4: its owner only)",
    kind: "mutation",
    run: async (env, who) => {
      const [row] = await env.db.dataSource.query(
        "INSERT INTO saved_replies (user_id, name, content) VALUES ($1, $2, 'x') RETURNING id",
        [userIds.get("owner"), `Temp ${who.viewer} ${env.path}`],
      );
      const id = gid("SavedReply", row.id);
      const update = await mutate(
        env,
        who,
        "mutation($input: SavedReplyUpdateInput!) { savedReplyUpdate(input: $input) { savedReply { id } errors } }",
        { id, name: `Renamed ${who.viewer} ${env.path}`, content: "y" },
        "savedReplyUpdate",
      );
      const destroy = await mutate(
        env,
        who,
        "mutation($input: SavedReplyDestroyInput!) { savedReplyDestroy(input: $input) { savedReply { id } errors } }",
        { id },
        "savedReplyDestroy",
      );
      const [left] = await env.db.dataSource.query("SELECT name FROM saved_replies WHERE id = $1", [row.id]);
      await env.db.dataSource.query("DELETE FROM saved_replies WHERE id = $1", [row.id]);
      return [update, destroy, left?.name ?? "deleted"];
    },
    expect: (env, who) =>
      who.viewer === "owner"
        ? ["ok", "ok", "deleted"]
        : [[NOT_FOUND_OR_FORBIDDEN], [NOT_FOUND_OR_FORBIDDEN], `Temp ${who.viewer} ${env.path}`],
  },
  {
    name: "Issue.requesterName: the name from the opening email, for Reporter+ (10.3)",
    kind: "field",
    run: async (env, who) => {
      await inboundFor(env); // the issue's first email names its sender "Jake the Dog"
      const list = (await projectField(env, who, "issues(state: all, first: 50) { nodes { iid requesterName } }"))
        ?.issues as { nodes: { iid: string; requesterName: string | null }[] } | undefined;
      const inList = list?.nodes.find((n) => n.iid === String(env.fx.open.iid))?.requesterName ?? null;
      const single = (await issueField(env, who, env.fx.open.iid, "requesterName"))?.requesterName ?? null;
      return [inList, single];
    },
    expect: (_env, who) => (who.reporter ? ["Jake the Dog", "Jake the Dog"] : [null, null]),
  },
  {
    name: "ProjectPermissions.adminSharedViews (10.3: Maintainer+)",
    kind: "field",
    run: async (env, who) =>
      (
        (await projectField(env, who, "userPermissions { adminSharedViews }"))?.userPermissions as
          | { adminSharedViews: boolean }
          | undefined
      )?.adminSharedViews ?? null,
    expect: (_env, who) => (who.read ? who.maintainer : null),
  },
  {
    name: "Project.savedViews: one's own in the project and the shared ones (10.3: members)",
    kind: "field",
    run: async (env, who) => {
      await ensureSavedViews(env);
      const project = await projectField(
        env,
        who,
        "savedViews { name scope canManage filters { state labelName sort } }",
      );
      return project?.savedViews ?? null;
    },
    expect: (_env, who) =>
      !who.read
        ? null
        : [
            ...(who.viewer === "owner"
              ? [
                  {
                    name: "Owner's view",
                    scope: "personal",
                    canManage: true,
                    filters: { state: "closed", labelName: [], sort: "CREATED_DESC" },
                  },
                ]
              : []),
            {
              name: "Team queue",
              scope: "project",
              canManage: who.maintainer,
              filters: { state: "needs_reply", labelName: ["billing"], sort: "LAST_CUSTOMER_ACTIVITY_DESC" },
            },
          ],
  },
  {
    name: "savedViewCreate: shared (10.3: Maintainer+) and personal (signed-in readers)",
    kind: "mutation",
    run: async (env, who) => {
      const create = (shared: boolean) =>
        mutate(
          env,
          who,
          "mutation($input: SavedViewCreateInput!) { savedViewCreate(input: $input) { savedView { id } errors } }",
          {
            projectPath: env.path,
            name: `${shared ? "Shared" : "Own"} by ${who.viewer}`,
            shared,
            filters: { state: "all" },
          },
          "savedViewCreate",
        );
      const result = [await create(true), await create(false)];
      // Fresh rows only: later cells (the list above) see the project as it was.
      await env.db.dataSource.query("DELETE FROM saved_views WHERE project_id = $1 AND name LIKE '% by %'", [
        env.fx.project.id,
      ]);
      return result;
    },
    expect: (_env, who) => [
      who.maintainer ? "ok" : [NOT_FOUND_OR_FORBIDDEN],
      who.read && who.signedIn ? "ok" : [NOT_FOUND_OR_FORBIDDEN],
    ],
  },
  {
    name: "savedViewUpdate and savedViewDestroy: a shared view (Maintainer+), the owner's personal one (owner only)",
    kind: "mutation",
    run: async (env, who) => {
      const change = async (userId: number | null, name: string) => {
        const [row] = await env.db.dataSource.query(
          "INSERT INTO saved_views (project_id, user_id, name, filters) VALUES ($1, $2, $3, '{}') RETURNING id",
          [env.fx.project.id, userId, name],
        );
        const id = gid("SavedView", row.id);
        const update = await mutate(
          env,
          who,
          "mutation($input: SavedViewUpdateInput!) { savedViewUpdate(input: $input) { savedView { id } errors } }",
          { id, name: `${name} renamed`, filters: { state: "closed" } },
          "savedViewUpdate",
        );
        const destroy = await mutate(
          env,
          who,
          "mutation($input: SavedViewDestroyInput!) { savedViewDestroy(input: $input) { savedView { id } errors } }",
          { id },
          "savedViewDestroy",
        );
        const [left] = await env.db.dataSource.query("SELECT name FROM saved_views WHERE id = $1", [row.id]);
        await env.db.dataSource.query("DELETE FROM saved_views WHERE id = $1", [row.id]);
        return [update, destroy, left?.name ?? "deleted"];
      };
      return [
        await change(null, `Temp shared ${who.viewer}`),
        await change(userIds.get("owner") ?? null, `Temp own ${who.viewer}`),
      ];
    },
    expect: (_env, who) => {
      const denied = (name: string) => [[NOT_FOUND_OR_FORBIDDEN], [NOT_FOUND_OR_FORBIDDEN], name];
      return [
        who.maintainer ? ["ok", "ok", "deleted"] : denied(`Temp shared ${who.viewer}`),
        who.viewer === "owner" ? ["ok", "ok", "deleted"] : denied(`Temp own ${who.viewer}`),
      ];
    },
  },
  {
    name: "Issue waiting state and unread; markIssueRead (10.1)",
    kind: "mutation",
    run: async (env, who) => {
      const fields = "needsReply waitingSince lastCustomerActivityAt firstTeamReplyAt lastTeamReplyAt unread";
      // The customer writes again: the ticket waits, and is unread for everyone who had read it.
      await env.db.dataSource.transaction((m) =>
        createNote(m, mailSettingsFromConfig(env.api.config), {
          issueId: env.fx.confidential.id,
          authorId: userIds.get("support-bot") ?? 0,
          body: "Any news?",
          externalAuthor: env.fx.requester,
        }),
      );
      const before = await issueField(env, who, env.fx.confidential.iid, fields);
      const data = await q<{ markIssueRead: { errors: string[] } }>(
        env,
        who,
        "mutation($id: ID!) { markIssueRead(noteableId: $id) { errors } }",
        { id: gid("Issue", env.fx.confidential.id) },
      );
      const after = await issueField(env, who, env.fx.confidential.iid, "unread");
      return [
        before && {
          needsReply: before.needsReply,
          dates: [before.waitingSince, before.lastCustomerActivityAt].map((d) => typeof d),
          unread: before.unread,
        },
        data.markIssueRead.errors.length ? data.markIssueRead.errors : "ok",
        after?.unread ?? null,
      ];
    },
    expect: (_env, who) =>
      who.reporter
        ? [{ needsReply: true, dates: ["string", "string"], unread: true }, "ok", false]
        : [null, [NOT_FOUND_OR_FORBIDDEN], null],
  },
  {
    name: "Project.notificationLevel; notificationSettingUpdate (10.2: Reporter+)",
    kind: "mutation",
    run: async (env, who) => {
      const set = (level: string) =>
        mutate(
          env,
          who,
          "mutation($input: NotificationSettingUpdateInput!) { notificationSettingUpdate(input: $input) { level errors } }",
          { projectPath: env.path, level },
          "notificationSettingUpdate",
        );
      const watched = await set("WATCH");
      const seen = (await projectField(env, who, "notificationLevel"))?.notificationLevel ?? null;
      await set("ASSIGNED"); // back to the default: later cells' customer mail notifies nobody new
      return [watched, seen];
    },
    expect: (_env, who) => (who.reporter ? ["ok", "WATCH"] : [[NOT_FOUND_OR_FORBIDDEN], null]),
  },
  {
    name: "notifications; notificationsMarkRead (10.2: one's own, about issues one may read)",
    kind: "mutation",
    run: async (env, who) => {
      // From a clean bell (earlier cells told this viewer of other things), one new notification.
      await env.db.dataSource.query(
        "UPDATE notifications SET read_at = now() WHERE user_id = (SELECT id FROM users WHERE username = $1)",
        [who.viewer],
      );
      const id = who.signedIn ? (await notifyPeople(env, [who.viewer])).get(who.viewer) : undefined;
      const inbox = await q<{ notifications: { nodes: { id: string; issue: { id: string } }[]; unreadCount: number } }>(
        env,
        who,
        "{ notifications(first: 50) { nodes { id issue { id } } unreadCount } }",
      );
      const marked = await q<{ notificationsMarkRead: { unreadCount: number; errors: string[] } }>(
        env,
        who,
        "mutation { notificationsMarkRead(input: { all: true }) { unreadCount errors } }",
      );
      const mine = inbox.notifications.nodes.find((n) => n.id === (id ? gid("Notification", id) : null));
      return [
        mine?.issue.id ?? null,
        inbox.notifications.unreadCount > 0,
        marked.notificationsMarkRead.errors.length
          ? marked.notificationsMarkRead.errors
          : marked.notificationsMarkRead.unreadCount,
      ];
    },
    expect: (env, who) =>
      who.signedIn
        ? [who.reporter ? gid("Issue", env.fx.confidential.id) : null, who.reporter, 0]
        : [null, false, [NOT_FOUND_OR_FORBIDDEN]],
  },
  {
    name: "Issue.requesterHistory (10.4: Reporter+)",
    kind: "field",
    run: async (env, who) => {
      const issue = await issueField(env, who, env.fx.open.iid, "requesterHistory { total open }");
      return issue ? issue.requesterHistory : "no issue";
    },
    expect: (_env, who) => (who.reporter ? { total: 2, open: 2 } : who.read ? null : "no issue"),
  },
  {
    name: "issueEmailParticipantsAdd and issueEmailParticipantsRemove (10.4: Reporter+)",
    kind: "mutation",
    run: async (env, who) => {
      const input = {
        projectPath: env.path,
        iid: String(env.fx.open.iid),
        emails: [`cc.${who.viewer}@customer.example`],
      };
      const add = await mutate(
        env,
        who,
        "mutation($input: IssueEmailParticipantsInput!) { issueEmailParticipantsAdd(input: $input) { issue { id } errors } }",
        input,
        "issueEmailParticipantsAdd",
      );
      const remove = await mutate(
        env,
        who,
        "mutation($input: IssueEmailParticipantsInput!) { issueEmailParticipantsRemove(input: $input) { issue { id } errors } }",
        input,
        "issueEmailParticipantsRemove",
      );
      return [add, remove];
    },
    expect: (_env, who) => (who.reporter ? ["ok", "ok"] : [[NOT_FOUND_OR_FORBIDDEN], [NOT_FOUND_OR_FORBIDDEN]]),
  },
  {
    name: "users, userCreate, userResetPassword (10.6: instance admins only)",
    kind: "mutation",
    run: async (env, who) => {
      const list = (await q<{ users: { username: string }[] | null }>(env, who, "{ users { username } }")).users;
      const username = `made-by-${who.viewer}-${env.path.replace("/", "-")}`;
      const created = await mutate(
        env,
        who,
        "mutation($input: UserCreateInput!) { userCreate(input: $input) { errors } }",
        { username, email: `${username}@team.example`, password: "a-long-password" },
        "userCreate",
      );
      const reset = await mutate(
        env,
        who,
        "mutation($input: UserResetPasswordInput!) { userResetPassword(input: $input) { errors } }",
        { username, password: "another-long-password" },
        "userResetPassword",
      );
      return [list ? list.some((u) => u.username === "maintainer") : null, created, reset];
    },
    expect: (_env, who) =>
      who.viewer === "admin" ? [true, "ok", "ok"] : [null, [NOT_FOUND_OR_FORBIDDEN], [NOT_FOUND_OR_FORBIDDEN]],
  },
  {
    name: "personal access tokens: one's own only; currentUserPasswordChange checks the current one (10.6)",
    kind: "mutation",
    run: async (env, who) => {
      const made = await q<{ personalAccessTokenCreate: { token: string | null; errors: string[] } }>(
        env,
        who,
        `mutation { personalAccessTokenCreate(input: { name: "matrix", scopes: ["read_api"] }) { token errors } }`,
      );
      const listed = await q<{ personalAccessTokens: { id: string; name: string }[] }>(
        env,
        who,
        "{ personalAccessTokens { id name } }",
      );
      // The owner's token: only the owner may revoke it.
      const [theirs] = await env.db.dataSource.query(
        "INSERT INTO personal_access_tokens (user_id, name, token_digest) VALUES ($1, 'owner-token', md5(random()::text)) RETURNING id",
        [userIds.get("owner")],
      );
      const revokeTheirs = (
        await q<{ personalAccessTokenRevoke: { errors: string[] } }>(
          env,
          who,
          "mutation($id: ID!) { personalAccessTokenRevoke(id: $id) { errors } }",
          { id: gid("PersonalAccessToken", theirs.id) },
        )
      ).personalAccessTokenRevoke.errors;
      const password = await mutate(
        env,
        who,
        "mutation($input: CurrentUserPasswordChangeInput!) { currentUserPasswordChange(input: $input) { errors } }",
        { currentPassword: "not-the-password", newPassword: "whatever-long-enough" },
        "currentUserPasswordChange",
      );
      return [
        made.personalAccessTokenCreate.token?.startsWith("tdpat-") ?? made.personalAccessTokenCreate.errors,
        listed.personalAccessTokens.some((t) => t.name === "matrix"),
        revokeTheirs,
        password,
      ];
    },
    expect: (_env, who) =>
      who.signedIn
        ? [true, true, who.viewer === "owner" ? [] : [NOT_FOUND_OR_FORBIDDEN], ["The current password is wrong."]]
        : [[NOT_FOUND_OR_FORBIDDEN], false, [NOT_FOUND_OR_FORBIDDEN], [NOT_FOUND_OR_FORBIDDEN]],
  },
  {
    name: "projectMemberSet and projectMemberRemove (10.6: Maintainer+)",
    kind: "mutation",
    run: async (env, who) => {
      const username = `member-${who.viewer}-${env.path.replace("/", "-")}`;
      await env.db.dataSource.query(
        `INSERT INTO users (username, name, email, user_type) VALUES ($1, $1, $1 || '@team.example', 'human')`,
        [username],
      );
      const set = await mutate(
        env,
        who,
        "mutation($input: ProjectMemberSetInput!) { projectMemberSet(input: $input) { errors } }",
        { projectPath: env.path, username, role: "reporter" },
        "projectMemberSet",
      );
      const remove = await mutate(
        env,
        who,
        "mutation($input: ProjectMemberRemoveInput!) { projectMemberRemove(input: $input) { errors } }",
        { projectPath: env.path, username },
        "projectMemberRemove",
      );
      return [set, remove];
    },
    expect: (_env, who) => (who.maintainer ? ["ok", "ok"] : [[NOT_FOUND_OR_FORBIDDEN], [NOT_FOUND_OR_FORBIDDEN]]),
  },
  {
    name: "issuesBulkUpdate (10.3: Reporter+)",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: IssuesBulkUpdateInput!) { issuesBulkUpdate(input: $input) { updatedCount errors } }",
        {
          projectPath: env.path,
          iids: [String(env.fx.open.iid), String(env.fx.confidential.iid)],
          addLabels: ["customer"],
        },
        "issuesBulkUpdate",
      ),
    expect: (_env, who) => (who.reporter ? "ok" : [NOT_FOUND_OR_FORBIDDEN]),
  },
  {
    name: "updateIssue title, labels, assignees",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { issue { id } errors } }",
        {
          projectPath: env.path,
          iid: String(env.fx.confidential.iid),
          title: env.fx.confidential.title,
          labels: ["customer", "billing"],
          assigneeUsernames: [env.path === "demo/app" ? "developer" : "maintainer"],
        },
        "updateIssue",
      ),
    expect: (_env, who) => (who.reporter ? "ok" : [NOT_FOUND_OR_FORBIDDEN]),
  },
  {
    name: "updateIssue close then reopen",
    kind: "mutation",
    run: async (env, who) => {
      const run = (stateEvent: string) =>
        mutate(
          env,
          who,
          "mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { issue { id state } errors } }",
          { projectPath: env.path, iid: String(env.fx.open.iid), stateEvent },
          "updateIssue",
        );
      return [await run("CLOSE"), await run("REOPEN")];
    },
    expect: (_env, who) => (who.reporter ? ["ok", "ok"] : [[NOT_FOUND_OR_FORBIDDEN], [NOT_FOUND_OR_FORBIDDEN]]),
  },
  {
    name: "issueMove to the other project",
    kind: "mutation",
    run: async (env, who) => {
      const issue = await env.db.dataSource.transaction((m) =>
        serviceDeskIssue(m, {
          projectId: env.fx.project.id,
          title: `Move me (${who.viewer})`,
          confidential: true,
          requester: "mover@customer.example",
        }),
      );
      return mutate(
        env,
        who,
        "mutation($input: IssueMoveInput!) { issueMove(input: $input) { issue { id iid } errors } }",
        { projectPath: env.path, iid: String(issue.iid), targetProjectPath: otherOf(env.path) },
        "issueMove",
      );
    },
    expect: (_env, who) =>
      who.reporter && who.targetReporter ? "ok" : who.reporter ? [MOVE_FORBIDDEN] : [NOT_FOUND_OR_FORBIDDEN],
  },
  {
    name: "updateServiceDeskSettings",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: UpdateServiceDeskSettingsInput!) { updateServiceDeskSettings(input: $input) { serviceDeskSettings { outgoingName } errors } }",
        { projectPath: env.path, outgoingName: `Support (${who.viewer})` },
        "updateServiceDeskSettings",
      ),
    expect: (_env, who) => (who.maintainer ? "ok" : [NOT_FOUND_OR_FORBIDDEN]),
  },
  {
    name: "Issue.userPermissions.moveInboundMessage and Note.routing (12.6)",
    kind: "field",
    run: async (env, who) => {
      const issue = (await issueField(
        env,
        who,
        env.fx.confidential.iid,
        "userPermissions { moveInboundMessage } notes { nodes { routing { reason } } }",
      )) as { userPermissions: { moveInboundMessage: boolean }; notes: { nodes: { routing: unknown }[] } } | null;
      return issue
        ? [issue.userPermissions.moveInboundMessage, issue.notes.nodes.every((n) => n.routing === null)]
        : null;
    },
    // The fixture's notes were not made by email: no routing to explain, for anyone.
    expect: (_env, who) => (who.reporter ? [true, true] : null),
  },
  {
    name: "serviceDeskCustomEmailDelete (13.2)",
    kind: "mutation",
    run: (env, who) =>
      mutate(
        env,
        who,
        "mutation($input: ServiceDeskCustomEmailDeleteInput!) { serviceDeskCustomEmailDelete(input: $input) { errors } }",
        { projectPath: env.path },
        "serviceDeskCustomEmailDelete",
      ),
    expect: (_env, who) => (who.maintainer ? "ok" : [NOT_FOUND_OR_FORBIDDEN]),
  },
  {
    name: "mailHealth(projectPath) (13.4)",
    kind: "query",
    run: async (env, who) =>
      (
        await q<{ mailHealth: { channels: { kind: string }[] } | null }>(
          env,
          who,
          "query($p: ID) { mailHealth(projectPath: $p) { channels { kind } } }",
        )
      ).mailHealth?.channels.map((c) => c.kind) ?? null,
    expect: (_env, who) => (who.maintainer ? ["SMTP_LISTENER", "WEBHOOK", "OUTBOUND", "CANARY"] : null),
  },
  {
    name: "mailHealth of the instance (13.4)",
    kind: "query",
    run: async (env, who) =>
      (
        await q<{ mailHealth: { inbound: { backlog: number } } | null }>(
          env,
          who,
          "{ mailHealth { inbound { backlog } } }",
        )
      ).mailHealth !== null,
    expect: (_env, who) => who.viewer === "admin",
  },
];

type SubscriptionProbe = {
  name: string;
  query: string;
  variables: (env: Env) => Record<string, unknown>;
  /** Causes the event (committed through the test's own connection, as another process would). */
  trigger: (env: Env) => Promise<string>;
  /** The id each allowed subscriber must receive. */
  field: "issueCreated" | "issueUpdated" | "noteCreated" | "noteUpdated" | "issuePresence" | "notificationReceived";
  allowed: (who: Who) => boolean;
};

const SUBSCRIPTIONS: SubscriptionProbe[] = [
  {
    name: "issueCreated (confidential issue)",
    field: "issueCreated",
    query: "subscription($p: ID!) { issueCreated(projectPath: $p) { id externalAuthor } }",
    variables: (env) => ({ p: env.path }),
    trigger: async (env) => {
      const i = await env.db.dataSource.transaction((m) =>
        serviceDeskIssue(m, {
          projectId: env.fx.project.id,
          title: "New secret",
          confidential: true,
          requester: "x@y.example",
        }),
      );
      return gid("Issue", i.id);
    },
    allowed: (who) => who.reporter,
  },
  {
    name: "issueCreated (public issue)",
    field: "issueCreated",
    query: "subscription($p: ID!) { issueCreated(projectPath: $p) { id } }",
    variables: (env) => ({ p: env.path }),
    trigger: async (env) => {
      const i = await env.db.dataSource.transaction((m) =>
        serviceDeskIssue(m, {
          projectId: env.fx.project.id,
          title: "New public",
          confidential: false,
          requester: "x@y.example",
        }),
      );
      return gid("Issue", i.id);
    },
    allowed: (who) => who.read,
  },
  {
    name: "issueUpdated (confidential issue)",
    field: "issueUpdated",
    query: "subscription($p: ID!) { issueUpdated(projectPath: $p) { id title } }",
    variables: (env) => ({ p: env.path }),
    trigger: async (env) => {
      const admin = await env.db.dataSource.query("SELECT id FROM users WHERE username = 'admin'");
      await env.db.dataSource.transaction((m) =>
        updateIssue(m, { issueId: env.fx.confidential.id, actorId: admin[0].id, title: `Renamed ${Date.now()}` }),
      );
      return gid("Issue", env.fx.confidential.id);
    },
    allowed: (who) => who.reporter,
  },
  {
    name: "noteCreated (public note on the confidential issue)",
    field: "noteCreated",
    query: "subscription($id: ID!) { noteCreated(noteableId: $id) { id body } }",
    variables: (env) => ({ id: gid("Issue", env.fx.confidential.id) }),
    trigger: (env) => addNote(env, env.fx.confidential.id, false),
    allowed: (who) => who.reporter,
  },
  {
    name: "noteCreated (internal note on the public issue)",
    field: "noteCreated",
    query: "subscription($id: ID!) { noteCreated(noteableId: $id) { id body internal } }",
    variables: (env) => ({ id: gid("Issue", env.fx.open.id) }),
    trigger: (env) => addNote(env, env.fx.open.id, true),
    allowed: (who) => who.reporter,
  },
  {
    name: "noteCreated (public note on the public issue)",
    field: "noteCreated",
    query: "subscription($id: ID!) { noteCreated(noteableId: $id) { id body externalAuthor } }",
    variables: (env) => ({ id: gid("Issue", env.fx.open.id) }),
    trigger: (env) => addNote(env, env.fx.open.id, false),
    allowed: (who) => who.read,
  },
  {
    name: "noteUpdated (a public note on the public issue edited)",
    field: "noteUpdated",
    query: "subscription($id: ID!) { noteUpdated(noteableId: $id) { id body } }",
    variables: (env) => ({ id: gid("Issue", env.fx.open.id) }),
    trigger: async (env) => {
      const noteId = await noteBy(env, "admin", "to edit");
      await env.db.dataSource.transaction((m) =>
        editNote(m, { noteId, actorId: userIds.get("admin") ?? 0, body: "edited" }),
      );
      return gid("Note", noteId);
    },
    allowed: (who) => who.read,
  },
  {
    name: "issuePresence (the owner is viewing the public issue)",
    field: "issuePresence",
    query: "subscription($id: ID!) { issuePresence(noteableId: $id) { user { id username } state } }",
    variables: (env) => ({ id: gid("Issue", env.fx.open.id) }),
    trigger: async (env) => {
      await publishPresence(env.db.dataSource.manager, {
        projectId: env.fx.project.id,
        issueId: env.fx.open.id,
        userId: userIds.get("owner") ?? 0,
        state: "typing",
      });
      return gid("User", userIds.get("owner") ?? 0);
    },
    // Reporter+ see others' presence; the owner's own is not sent back to the owner.
    allowed: (who) => who.reporter && who.viewer !== "owner",
  },
  {
    name: "notificationReceived (everyone is told of the confidential issue; each hears only their own)",
    field: "notificationReceived",
    query: "subscription { notificationReceived { id issue { id } } }",
    variables: () => ({}),
    trigger: async (env) => {
      await notifyPeople(env, null);
      return gid("Issue", env.fx.confidential.id);
    },
    allowed: (who) => who.reporter,
  },
];

/** A public note on the public issue by `username`, written directly (as another process would). */
const noteBy = async (env: Env, username: string, body: string) => {
  const note = await env.db.dataSource.transaction((m) =>
    createNote(m, mailSettingsFromConfig(env.api.config), {
      issueId: env.fx.open.id,
      authorId: userIds.get(username) ?? 0,
      body,
      sendEmail: false,
    }),
  );
  return note.id;
};

/** The public issue as if it had come by email: its inbound ledger row, once per project. */
const inboundIds = new Map<number, number>();
const inboundFor = async (env: Env) => {
  const known = inboundIds.get(env.fx.open.id);
  if (known) return known;
  const raw = Buffer.from(
    `From: Jake the Dog <${env.fx.requester}>\r\nTo: Support <support@tidings.test>\r\nSubject: Hi\r\nMessage-ID: <m${env.fx.open.id}@x>\r\n\r\nHello\r\n`,
  );
  const [row] = await env.db.dataSource.query(
    `INSERT INTO inbound_emails (idempotency_key, transport, raw, size_bytes, sha256, status, project_id, issue_id, from_address)
     VALUES ($1, 'webhook', $2, $3, 'x', 'issue', $4, $5, $6) RETURNING id`,
    [`matrix-${env.fx.open.id}`, raw, raw.length, env.fx.project.id, env.fx.open.id, env.fx.requester],
  );
  inboundIds.set(env.fx.open.id, row.id);
  return row.id as number;
};

const userIds = new Map<string, number>();

/**
 * A notification about the confidential issue for these people (null: everyone) — as notifyTeam would write
 * it, here also for those it would skip, so the policy has something to refuse — published as another
 * process would. Their ids by username.
 */
const notifyPeople = async (env: Env, usernames: string[] | null): Promise<Map<string, number>> => {
  const rows: { id: number; user_id: number; username: string }[] = await env.db.dataSource.query(
    `INSERT INTO notifications (user_id, project_id, issue_id, kind, reason)
     SELECT u.id, $1, $2, 'new_ticket', 'watching' FROM users u
      WHERE u.user_type = 'human' AND ($3::text[] IS NULL OR u.username = ANY($3::text[]))
     RETURNING id, user_id, (SELECT username FROM users WHERE id = user_id)`,
    [env.fx.project.id, env.fx.confidential.id, usernames],
  );
  await env.db.dataSource.transaction((m) =>
    publishEvents(
      m,
      rows.map((r) => ({
        type: "notification" as const,
        projectId: env.fx.project.id,
        issueId: env.fx.confidential.id,
        userId: r.user_id,
        notificationId: r.id,
      })),
    ),
  );
  return new Map(rows.map((r) => [r.username, r.id]));
};

/** One shared saved reply per project and the owner's personal one (once). */
const ensureSavedReplies = async (env: Env) => {
  await env.db.dataSource.query(
    `INSERT INTO saved_replies (project_id, name, content) VALUES ($1, 'Shared refund', 'Refunded %{ISSUE_ID}')
     ON CONFLICT DO NOTHING`,
    [env.fx.project.id],
  );
  await env.db.dataSource.query(
    `INSERT INTO saved_replies (user_id, name, content) VALUES ($1, 'Owner''s own', 'Mine') ON CONFLICT DO NOTHING`,
    [userIds.get("owner")],
  );
};

/** One shared saved view per project and the owner's personal one in it (once). */
const ensureSavedViews = async (env: Env) => {
  await env.db.dataSource.query(
    `INSERT INTO saved_views (project_id, name, filters)
     VALUES ($1, 'Team queue', '{"state": "needs_reply", "labels": ["billing"], "sort": "LAST_CUSTOMER_ACTIVITY_DESC"}')
     ON CONFLICT DO NOTHING`,
    [env.fx.project.id],
  );
  await env.db.dataSource.query(
    `INSERT INTO saved_views (project_id, user_id, name, filters) VALUES ($1, $2, 'Owner''s view', '{"state": "closed"}')
     ON CONFLICT DO NOTHING`,
    [env.fx.project.id, userIds.get("owner")],
  );
};

const addNote = async (env: Env, issueId: number, internal: boolean) => {
  const [admin] = await env.db.dataSource.query("SELECT id FROM users WHERE username = 'admin'");
  const note = await env.db.dataSource.transaction((m) =>
    createNote(m, mailSettingsFromConfig(env.api.config), { issueId, authorId: admin.id, body: "Live note", internal }),
  );
  return gid("Note", note.id);
};

describe("authorisation matrix (F2, A3, B2)", () => {
  let db: TestDatabase;
  let api: TestApi;
  let fixtures: Awaited<ReturnType<typeof createFixtures>>;
  const auth = {} as Record<ViewerName, Auth>;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi(db);
    fixtures = await createFixtures(db.dataSource);
    for (const v of VIEWERS) auth[v] = v === "anonymous" ? {} : { cookie: await api.signIn(v) };
    for (const r of await db.dataSource.query("SELECT id, username FROM users")) userIds.set(r.username, r.id);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  for (const path of PROJECTS) {
    describe(path, () => {
      const env = (): Env => ({ api, db, fx: fixtures[path], path, auth });

      for (const probe of PROBES) {
        it(`${probe.kind} ${probe.name}`, async () => {
          const actual: Record<string, unknown> = {};
          const expected: Record<string, unknown> = {};
          for (const viewer of VIEWERS) {
            const who = whoOf(viewer, path);
            actual[viewer] = await probe.run(env(), who);
            expected[viewer] = probe.expect(env(), who);
            cells++;
          }
          expect(actual).toEqual(expected);
        });
      }

      for (const sub of SUBSCRIPTIONS) {
        it(`subscription ${sub.name}: allowed viewers receive within a second, the others never`, async () => {
          const e = env();
          const opened = api.subscriptionsOpened();
          const subs = VIEWERS.map((viewer) => ({
            who: whoOf(viewer, path),
            sub: api.subscribe<Record<string, { id: string } | null>>(sub.query, sub.variables(e), auth[viewer]),
          }));
          try {
            await waitFor(() => api.subscriptionsOpened() >= opened + VIEWERS.length, 5000, "all subscriptions");
            const pulled = api.pulls();
            const id = await sub.trigger(e);
            const allowed = subs.filter((s) => sub.allowed(s.who));
            await waitFor(
              () => allowed.every((s) => s.sub.events.length > 0),
              1000,
              `${sub.field} for allowed viewers`,
            );
            // Barrier, not a sleep: every subscriber's stream has finished with the event (delivered or
            // filtered out) once it has pulled the next one.
            await waitFor(() => api.pulls() >= pulled + VIEWERS.length, 2000, "every subscription to process it");
            await Promise.all(subs.map((s) => s.sub.flush()));
            const actual: Record<string, unknown> = {};
            const expected: Record<string, unknown> = {};
            for (const s of subs) {
              actual[s.who.viewer] = {
                received: s.sub.events.map((ev) => {
                  const got = ev[sub.field] as { id?: string; user?: { id: string }; issue?: { id: string } } | null;
                  // A notification is each viewer's own: what they share is the issue it is about.
                  return got?.issue?.id ?? got?.id ?? got?.user?.id ?? null;
                }),
                errors: s.sub.errors,
              };
              expected[s.who.viewer] = { received: sub.allowed(s.who) ? [id] : [], errors: [] };
              cells++;
            }
            expect(actual).toEqual(expected);
          } finally {
            await Promise.all(subs.map((s) => s.sub.close()));
          }
        });
      }

      it("left nothing changed where a mutation was refused", async () => {
        const [settings] = await db.dataSource.query(
          "SELECT outgoing_name FROM service_desk_settings WHERE project_id = $1",
          [fixtures[path].project.id],
        );
        const lastMaintainer = "maintainer"; // the last viewer allowed to change settings, in VIEWERS order
        expect(settings.outgoing_name).toBe(`Support (${lastMaintainer})`);
        const notes: { body: string }[] = await db.dataSource.query(
          "SELECT body FROM notes WHERE issue_id = ANY($1::int[]) AND NOT system",
          [[fixtures[path].confidential.id, fixtures[path].open.id]],
        );
        const bodies = notes.map((n) => n.body);
        for (const viewer of VIEWERS) {
          const who = whoOf(viewer, path);
          expect(bodies.includes(`note by ${viewer}`)).toBe(who.reporter);
          expect(bodies.includes(`public note by ${viewer}`)).toBe(who.read && who.signedIn);
          expect(bodies.includes(`internal note by ${viewer}`)).toBe(who.reporter);
        }
        const moved: { title: string }[] = await db.dataSource.query(
          "SELECT title FROM issues WHERE project_id = $1 AND moved_to_id IS NOT NULL AND title LIKE 'Move me%' ORDER BY title",
          [fixtures[path].project.id],
        );
        expect(moved.map((m) => m.title)).toEqual(
          VIEWERS.filter((v) => whoOf(v, path).reporter && whoOf(v, path).targetReporter)
            .map((v) => `Move me (${v})`)
            .sort(),
        );
      });
    });
  }

  it("counted every cell", () => {
    const expectedCells = PROJECTS.length * VIEWERS.length * (PROBES.length + SUBSCRIPTIONS.length);
    console.log(
      `authorisation matrix: ${PROJECTS.length} projects × ${VIEWERS.length} viewers × ${PROBES.length + SUBSCRIPTIONS.length} operations = ${cells} cells`,
    );
    expect(cells).toBe(expectedCells);
  });
});
