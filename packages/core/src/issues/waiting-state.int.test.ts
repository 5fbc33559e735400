// Issue 10.1 on real PostgreSQL: the waiting state comes from the thread. A new ticket waits; a public
// reply by the team answers it (an internal note does not); a customer's reply — even to a closed ticket,
// which it reopens by default in new projects — makes it wait again, from that message on, and puts it on
// top of "needs reply" sorted by last customer activity. Read marks are per user.
import { IssueEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createIngestWorld } from "../ingest/testing/world.ts";
import { createNote } from "../notes/create-note.ts";
import { createUser } from "../users/create-user.ts";
import { listIssues } from "./list-issues.ts";
import { isUnread, markIssueRead, readMarks } from "./read-marks.ts";
import { updateIssue } from "./update-issue.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

it("waits from the customer's first unanswered message until the team answers publicly; a reply to a closed ticket reopens it", async () => {
  const w = await createIngestWorld(db.dataSource);
  const m = db.dataSource.manager;
  const agent: UserEntity = await db.dataSource.transaction((t) =>
    createUser(t, { username: "ana", name: "Ana", email: "ana@team.example", password: "correct horse battery" }),
  );
  const desk = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
  const mail = (id: string, subject: string, inReplyTo?: string) =>
    Buffer.from(
      [
        "From: Ada <ada@customer.example>",
        `To: ${desk}`,
        `Subject: ${subject}`,
        `Message-ID: <${id}>`,
        ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`] : []),
        "",
        `About ${subject}.`,
        "",
      ].join("\r\n"),
    );
  const first = await w.ingest(mail("old@customer.example", "Printer"));
  const other = await w.ingest(mail("new@customer.example", "Invoice"));
  const issueId = first.result?.issueId ?? 0;
  const load = () => m.findOneByOrFail(IssueEntity, { id: issueId });

  const opened = await load();
  expect(opened.awaitingReplySince?.getTime()).toBe(opened.createdAt.getTime());
  expect([opened.firstTeamReplyAt, opened.lastTeamReplyAt]).toEqual([null, null]);

  // An internal note answers nobody; a public reply by the team does.
  await db.dataSource.transaction((t) =>
    createNote(t, w.settings.mail, { issueId, authorId: agent.id, body: "Checking.", internal: true }),
  );
  expect((await load()).awaitingReplySince).not.toBeNull();
  await db.dataSource.transaction((t) =>
    createNote(t, w.settings.mail, { issueId, authorId: agent.id, body: "Restart it, please." }),
  );
  const answered = await load();
  expect(answered.awaitingReplySince).toBeNull();
  expect(answered.firstTeamReplyAt).not.toBeNull();
  expect(answered.lastTeamReplyAt?.getTime()).toBe(answered.firstTeamReplyAt?.getTime());

  // Closed; then the customer answers the original email: reopened, waiting again, on top of "needs reply".
  await db.dataSource.transaction((t) => updateIssue(t, { issueId, actorId: agent.id, stateEvent: "close" }));
  const reply = await w.ingest(mail("again@customer.example", "Re: Printer", "old@customer.example"));
  expect(reply.result?.status).toBe("note");
  const waiting = await load();
  expect(waiting.state).toBe("opened");
  expect(waiting.awaitingReplySince).not.toBeNull();
  expect(waiting.awaitingReplySince?.getTime()).toBe(waiting.lastCustomerActivityAt.getTime());
  const base = { projectId: w.project.id, state: "all" as const, readConfidential: true, viewerId: null };
  const needsReply = await listIssues(
    m,
    { ...base, needsReply: true },
    { sort: "LAST_CUSTOMER_ACTIVITY_DESC", first: 10 },
  );
  expect(needsReply.rows.map((r) => r.id)).toEqual([issueId, other.result?.issueId]);

  // Read marks: unread until the user reads it; a later change makes it unread again.
  expect(isUnread(waiting.updatedAt, (await readMarks(m, agent.id, [issueId])).get(issueId))).toBe(true);
  await markIssueRead(m, agent.id, issueId);
  expect(isUnread(waiting.updatedAt, (await readMarks(m, agent.id, [issueId])).get(issueId))).toBe(false);
  await db.dataSource.transaction((t) =>
    createNote(t, w.settings.mail, { issueId, authorId: agent.id, body: "On my way." }),
  );
  const later = await load();
  expect(later.awaitingReplySince).toBeNull();
  expect(isUnread(later.updatedAt, (await readMarks(m, agent.id, [issueId])).get(issueId))).toBe(true);
});
