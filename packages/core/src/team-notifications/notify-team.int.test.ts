// Issue 10.2 on real PostgreSQL, through the real ingest path: who on the team hears of a new ticket and of
// a customer's reply (bell + email), that team emails never reach a customer nor carry a customer's reply
// key, that reading the issue clears the bell, and that a member's reply to a notification becomes their
// own public comment — only from their address.
import { AccessLevel, NoteEntity, OutboundEmailEntity, type OutboundKind, type UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, expect, it } from "vitest";
import { createIngestWorld } from "../ingest/testing/world.ts";
import { markIssueRead } from "../issues/read-marks.ts";
import { withQueuedBodies } from "../notifications/render-queued.ts";
import { updateIssue } from "../issues/update-issue.ts";
import { addMember } from "../members/add-member.ts";
import { createUser } from "../users/create-user.ts";
import { listNotifications, setNotificationLevel, unreadNotificationCounts } from "./inbox.ts";

const dbs: TestDatabase[] = [];
let db: TestDatabase;
afterAll(async () => Promise.all(dbs.map((d) => d.drop())));

/** Each story on its own database (the ingest world is one project named like GitLab's specs). */
const world = async () => {
  db = await createTestDatabase();
  dbs.push(db);
  const w = await createIngestWorld(db.dataSource);
  const user = (username: string, level: AccessLevel, watch: "watch" | "assigned" | "disabled" | null) =>
    db.dataSource.transaction(async (t) => {
      const u = await createUser(t, {
        username,
        name: username,
        email: `${username}@team.example`,
        password: "correct horse battery",
      });
      await addMember(t, { username, projectPath: w.project.fullPath, accessLevel: level });
      if (watch) await setNotificationLevel(t, u.id, w.project.id, watch);
      return u;
    });
  const desk = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
  const mail = (o: { from?: string; to?: string; id: string; subject: string; inReplyTo?: string; body?: string }) =>
    Buffer.from(
      [
        `From: ${o.from ?? "Ada <ada@customer.example>"}`,
        `To: ${o.to ?? desk}`,
        `Subject: ${o.subject}`,
        `Message-ID: <${o.id}>`,
        ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : []),
        "",
        o.body ?? `About ${o.subject}.`,
        "",
      ].join("\r\n"),
    );
  /** The queued emails of a kind, with the bodies they are sent with. */
  const outbox = async (kind: OutboundKind) =>
    (await db.dataSource.manager.find(OutboundEmailEntity, { where: { kind }, order: { id: "ASC" } })).map((row) =>
      withQueuedBodies(w.settings.mail, row),
    );
  return { ...w, user, mail, outbox };
};

const unread = async (u: UserEntity) => [...(await unreadNotificationCounts(db.dataSource.manager, u.id)).values()];

it("tells watchers of a new ticket and the assignee of each reply, by bell and email; never a customer", async () => {
  const w = await world();
  const watcher = await w.user("wanda", AccessLevel.Reporter, "watch");
  const assignee = await w.user("arno", AccessLevel.Developer, null);
  const quiet = await w.user("quinn", AccessLevel.Maintainer, "disabled");
  const guest = await w.user("gus", AccessLevel.Guest, "watch");

  const first = await w.ingest(w.mail({ id: "t1@customer.example", subject: "Printer on fire" }));
  const issueId = first.result?.issueId ?? 0;
  // The watcher hears of the new ticket; the guest may not read a confidential ticket; quinn opted out.
  expect(await unread(watcher)).toEqual([1]);
  expect([await unread(assignee), await unread(quiet), await unread(guest)]).toEqual([[], [], []]);
  const [bell] = await listNotifications(db.dataSource.manager, watcher.id);
  expect(bell).toMatchObject({ issueId, kind: "new_ticket", reason: "watching", readAt: null });

  const team = await w.outbox("team_notification");
  expect(team.map((e) => e.toAddress)).toEqual(["wanda@team.example"]);
  expect(team[0].subject).toBe(`[email/test] New ticket #1: Printer on fire`);
  expect(team[0].textBody).toContain("ada@customer.example opened a new ticket #1 in email/test");
  expect(team[0].textBody).toContain("About Printer on fire.");

  // Assigned: the customer's reply goes to the assignee only (the watcher is not told of assigned tickets).
  await db.dataSource.transaction((t) =>
    updateIssue(t, { issueId, actorId: assignee.id, assigneeUsernames: ["arno"] }),
  );
  const thankYou = (await w.outbox("thank_you"))[0];
  const customerKey = thankYou.replyKey ?? "";
  const reply = await w.ingest(
    w.mail({
      id: "t2@customer.example",
      subject: "Re: Printer on fire",
      inReplyTo: "t1@customer.example",
      // The customer quotes our thank-you, unsubscribe link and all: its key must not reach the team email.
      body: `Still burning.\n\nOn Monday Support wrote:\n${thankYou.textBody.replace(/^/gm, "> ")}`,
    }),
  );
  expect(reply.result?.status).toBe("note");
  expect(await unread(assignee)).toEqual([1]);
  expect(await unread(watcher)).toEqual([1]);
  const toArno = (await w.outbox("team_notification")).filter((e) => e.toAddress === "arno@team.example");
  expect(toArno).toHaveLength(1);
  expect(toArno[0].subject).toBe("[email/test] Re: Printer on fire (#1)");
  expect(toArno[0].textBody).toContain("Still burning.");
  expect(`${toArno[0].textBody}${toArno[0].htmlBody}${JSON.stringify(toArno[0].headers)}`).not.toContain(customerKey);
  expect(toArno[0].replyKey).not.toBe(customerKey);

  // No team email ever goes to a participant of the ticket.
  const customers = (await db.dataSource.query("SELECT lower(email) AS e FROM issue_email_participants")).map(
    (r: { e: string }) => r.e,
  );
  for (const e of await w.outbox("team_notification")) expect(customers).not.toContain(e.toAddress.toLowerCase());

  // Reading the issue clears its notifications.
  await markIssueRead(db.dataSource.manager, assignee.id, issueId);
  expect(await unread(assignee)).toEqual([]);
});

it("turns a member's reply to a notification into their public comment, emailed to the customer; not from elsewhere", async () => {
  const w = await world();
  const member = await w.user("mira", AccessLevel.Reporter, "watch");
  const first = await w.ingest(w.mail({ id: "r1@customer.example", subject: "Refund please" }));
  const issueId = first.result?.issueId ?? 0;
  const [note] = await w.outbox("team_notification");
  const replyTo = note.headers["Reply-To"].replace(/^<|>$/g, "");

  // Someone else holding the email cannot post with it.
  const forged = await w.ingest(
    w.mail({ from: "mallory@evil.example", to: replyTo, id: "r2@evil.example", subject: "Re: x", body: "/close" }),
  );
  expect(forged.result?.status).toBe("rejected");
  expect(await db.dataSource.manager.countBy(NoteEntity, { issueId, system: false })).toBe(0);

  const byMira = w.mail({
    from: "Mira <MIRA@team.example>",
    to: replyTo,
    id: "r3@team.example",
    subject: "Re: [email/test] New ticket #1: Refund please",
    body: "Refund issued today.\n/label ~refunded\n\nOn Monday Tidings wrote:\n> Refund please",
  });
  const answered = await w.ingest(byMira);
  expect(answered.result?.status).toBe("note");
  const comment = await db.dataSource.manager.findOneByOrFail(NoteEntity, { id: answered.result?.noteId ?? 0 });
  expect(comment).toMatchObject({ authorId: member.id, internal: false, externalAuthor: null });
  expect(comment.body).toBe("Refund issued today.");
  const labels = await db.dataSource.query(
    "SELECT l.title FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE il.issue_id = $1",
    [issueId],
  );
  expect(labels).toEqual([{ title: "refunded" }]);
  // The customer gets it as the member's reply; the waiting state says the team answered.
  const toCustomer = (await w.outbox("new_note")).filter((e) => e.noteId === comment.id);
  expect(toCustomer.map((e) => e.toAddress)).toEqual(["ada@customer.example"]);
  expect(toCustomer[0].textBody).toContain("Refund issued today.");
  const [{ awaiting }] = await db.dataSource.query(
    "SELECT awaiting_reply_since IS NOT NULL AS awaiting FROM issues WHERE id = $1",
    [issueId],
  );
  expect(awaiting).toBe(false);

  // The same email again (redelivered) adds nothing.
  await w.ingest(byMira);
  expect(await db.dataSource.manager.countBy(NoteEntity, { issueId, authorId: member.id, system: false })).toBe(1);
});
