// selectRowsIn against real PostgreSQL: for the entities the api's loaders read, it returns what TypeORM's
// query builder returns for the same condition (every column, its JS type: dates, JSON, arrays, nulls,
// bigints as text), and leaves out what the entity never selects (search vectors).
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  GroupEntity,
  ImapCursorEntity,
  IssueEntity,
  OutboundEmailEntity,
  ProjectEntity,
  UserEntity,
} from "./entities/index.ts";
import { insertRows } from "./insert-rows.ts";
import { selectRowsIn } from "./select-rows.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

const viaBuilder = <T extends object>(target: new () => T, property: string, values: unknown[], order = "id") =>
  db.dataSource.manager
    .createQueryBuilder(target, "e")
    .where(`e.${property} IN (:...values)`, { values })
    .orderBy(`e.${order}`)
    .getMany();

const byId = <T extends { id: number }>(rows: T[]) => [...rows].sort((a, b) => a.id - b.id);

it("reads users, projects, issues, emails and cursors as the query builder does", async () => {
  const m = db.dataSource.manager;
  const user = await m.save(m.create(UserEntity, { username: "ana", name: "Ana", email: "ana@example.test" }));
  const bot = await m.save(
    m.create(UserEntity, { username: "bot", name: "Bot", email: "bot@example.test", userType: "support_bot" }),
  );
  const group = await m.save(m.create(GroupEntity, { path: "g", name: "G", fullPath: "g" }));
  const project = await m.save(
    m.create(ProjectEntity, { groupId: group.id, path: "p", name: "P", fullPath: "g/p", fullPathSlug: "g-p" }),
  );
  const issue = await m.save(
    m.create(IssueEntity, {
      projectId: project.id,
      iid: 1,
      title: "Printer",
      description: "On fire",
      authorId: bot.id,
      externalAuthor: "jane@customer.test",
      confidential: true,
    }),
  );
  const [emailId] = await insertRows(m, OutboundEmailEntity, [
    {
      kind: "thank_you",
      dedupeKey: "k1",
      messageId: "<k1@x>",
      issueId: issue.id,
      toAddress: "jane@customer.test",
      subject: "Hi",
      references: ["<a@x>", "<b@x>"],
      headers: { "X-A": "1" },
      textBody: "Thanks",
      htmlBody: null,
      status: "queued",
    },
  ]);
  await m.save(
    m.create(ImapCursorEntity, { mailboxKey: "INBOX", uidValidity: "4294967295", lastUid: "9007199254740993" }),
  );

  expect(byId(await selectRowsIn(m, UserEntity, "id", [user.id, bot.id, 999]))).toEqual(
    await viaBuilder(UserEntity, "id", [user.id, bot.id, 999]),
  );
  expect(await selectRowsIn(m, ProjectEntity, "fullPath", ["g/p"])).toEqual(
    await viaBuilder(ProjectEntity, "fullPath", ["g/p"]),
  );
  const [read] = await selectRowsIn(m, IssueEntity, "id", [issue.id]);
  expect(read).toEqual((await viaBuilder(IssueEntity, "id", [issue.id]))[0]);
  expect(read).toBeInstanceOf(IssueEntity);
  expect(read.createdAt).toBeInstanceOf(Date);
  // The search vectors are never read (a class field exists, undefined, as on the builder's entity).
  expect(Object.entries(read).filter(([k, v]) => k.endsWith("Vector") && v !== undefined)).toEqual([]);
  expect(await selectRowsIn(m, OutboundEmailEntity, "id", [emailId])).toEqual(
    await viaBuilder(OutboundEmailEntity, "id", [emailId]),
  );
  const cursors = await selectRowsIn(m, ImapCursorEntity, "mailboxKey", ["INBOX"]);
  expect(cursors).toEqual(await viaBuilder(ImapCursorEntity, "mailboxKey", ["INBOX"], "mailboxKey"));
  expect(cursors[0].lastUid).toBe("9007199254740993");
  expect(await selectRowsIn(m, UserEntity, "id", [])).toEqual([]);
});
