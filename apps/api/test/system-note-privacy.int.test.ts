// Issue 9.4: a system note that names a customer's address (`unsubscribed jake@…`) shows it to Reporter+
// only; below Reporter it is obfuscated exactly like `externalAuthor`.
import { createNote, mailSettingsFromConfig } from "@tidings/core";
import { ProjectEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { serviceDeskIssue } from "./fixtures.ts";
import { startTestApi, type TestApi } from "./harness.ts";

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

it("obfuscates the customer's address in system notes for a guest, not for a reporter", async () => {
  const m = db.dataSource.manager;
  const project = await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
  const issue = await db.dataSource.transaction(async (t) => {
    const i = await serviceDeskIssue(t, {
      projectId: project.id,
      title: "Public ticket",
      confidential: false,
      requester: "jake@adventuretime.ooo",
    });
    const bot = await t.findOneByOrFail(UserEntity, { username: "support-bot" });
    await createNote(t, mailSettingsFromConfig(api.config), {
      issueId: i.id,
      authorId: bot.id,
      body: "unsubscribed jake@adventuretime.ooo",
      system: true,
    });
    return i;
  });
  const query = `query($iid: String!) { project(fullPath: "demo/app") { issue(iid: $iid) {
    notes { nodes { body system externalAuthor } } } } }`;
  const bodies = async (viewer: string) => {
    const res = await api.graphql<{ project: { issue: { notes: { nodes: { body: string; system: boolean }[] } } } }>(
      query,
      { iid: String(issue.iid) },
      { cookie: await api.signIn(viewer) },
    );
    return res.data?.project.issue.notes.nodes.filter((n) => n.system).map((n) => n.body);
  };
  expect(await bodies("guest")).toEqual(["unsubscribed ja*****@a*****.o**"]);
  expect(await bodies("reporter")).toEqual(["unsubscribed jake@adventuretime.ooo"]);
});
