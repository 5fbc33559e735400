// Issue 10.3: one bulk action on many issues — one transaction, the quick actions' rules on each issue,
// system notes and one issue_updated event per issue; an issue already closed is left as it is.
import { IssueEntity, NoteEntity, ProjectEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { MailSettings } from "../notifications/mail-settings.ts";
import { loadProjectAbilities } from "../permissions/abilities.ts";
import { QUICK_ACTION_DENIED } from "../quick-actions/run.ts";
import { seedDemo } from "../seed/seed-demo.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { bulkUpdateIssues } from "./bulk-update.ts";
import { createIssues } from "./create-issue.ts";

const mail: MailSettings = {
  publicUrl: "http://localhost",
  emailFrom: "s@t.test",
  incomingEmailAddress: "i+%{key}@t.test",
  serviceDeskEmailAddress: null,
  messageIdHost: "t.test",
};

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction((t) => seedDemo(t, { password: "password1234" }));
});
afterAll(async () => db?.drop());

it("closes and labels 20 issues in one action with the quick actions' rules and system notes; a guest changes none", async () => {
  const m = db.dataSource.manager;
  const project = await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
  const issues = await db.dataSource.transaction(async (t) => {
    const bot = await ensureSupportBot(t);
    return createIssues(
      t,
      Array.from({ length: 20 }, (_, i) => ({
        projectId: project.id,
        title: `Bulk ${i}`,
        authorId: bot.id,
        confidential: true,
        externalAuthor: `c${i}@customer.example`,
      })),
    );
  });
  await m.update(IssueEntity, { id: issues[0].id }, { state: "closed" });
  const reporter = await m.findOneByOrFail(UserEntity, { username: "reporter" });
  const guest = await m.findOneByOrFail(UserEntity, { username: "guest" });
  const run = (user: UserEntity) =>
    db.dataSource.transaction(async (t) =>
      bulkUpdateIssues(t, mail, {
        projectId: project.id,
        issueIds: issues.map((i) => i.id),
        actor: user,
        abilities: await loadProjectAbilities(t, user, project),
        change: { stateEvent: "close", addLabels: ["done today"] },
      }),
    );
  await expect(run(guest)).rejects.toThrow(QUICK_ACTION_DENIED.close);
  expect(await m.countBy(NoteEntity, { system: true, body: "closed" })).toBe(0);
  expect(await run(reporter)).toBe(20);
  const rows: { state: string; labels: string[] }[] = await m.query(
    `SELECT i.state, array_remove(array_agg(l.title), NULL) AS labels FROM issues i
       LEFT JOIN issue_labels il ON il.issue_id = i.id LEFT JOIN labels l ON l.id = il.label_id
      WHERE i.id = ANY($1::int[]) GROUP BY i.id ORDER BY i.id`,
    [issues.map((i) => i.id)],
  );
  expect(rows.every((r) => r.state === "closed" && r.labels.join() === "done today")).toBe(true);
  const closedNotes = await m.countBy(NoteEntity, { system: true, body: "closed" });
  expect(closedNotes).toBe(19); // the one already closed was left as it was
});
