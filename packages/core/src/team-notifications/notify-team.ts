// Issue 10.2: a new ticket or a customer's reply, told to the team — an in-app notification (the bell)
// and an email — in the transaction that stored it. Set-based for a batch of new tickets: one query finds
// the candidates of every event; with nobody assigned or watching, that query is all it costs.
import { type EntityManager, insertRows, OutboundKind, SentNotificationEntity } from "@tidings/db";
import { digest } from "../auth/secrets.ts";
import { type DomainEvent, publishEvents } from "../events/publish.ts";
import { customerDescription } from "../notifications/customer-description.ts";
import { type EnqueueEmailInput, enqueueEmails } from "../notifications/enqueue.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import { plainTextEmail } from "../notifications/render-email.ts";
import {
  newReplyKey,
  randomMessageId,
  redactReplyKeys,
  replyAddress,
  replyReference,
} from "../notifications/reply-key.ts";
import { accessLevelsFor, canReadIssue, projectAbilities } from "../permissions/abilities.ts";
import { type Candidate, INBOX_PATH, type NotificationLevel, type TeamEvent, teamRecipients } from "./levels.ts";

type CandidateRow = {
  issue_id: number;
  project_id: number;
  visibility: "private" | "internal" | "public";
  confidential: boolean;
  user_id: number;
  username: string;
  admin: boolean;
  level: NotificationLevel;
  assigned: boolean;
};

/** Everyone who might hear of these issues: their assignees and their projects' watchers (active people). */
const candidateRows = (db: EntityManager, issueIds: number[]): Promise<CandidateRow[]> =>
  db.query(
    `SELECT i.id AS issue_id, i.project_id, p.visibility, i.confidential, u.id AS user_id, u.username, u.admin,
            coalesce(ns.level, 'assigned') AS level, (a.user_id IS NOT NULL) AS assigned
       FROM issues i
       JOIN projects p ON p.id = i.project_id
       JOIN LATERAL (
         SELECT ia.user_id FROM issue_assignees ia WHERE ia.issue_id = i.id
         UNION SELECT w.user_id FROM notification_settings w WHERE w.project_id = i.project_id AND w.level = 'watch'
       ) c ON true
       JOIN users u ON u.id = c.user_id AND u.user_type = 'human' AND NOT u.blocked
       LEFT JOIN issue_assignees a ON a.issue_id = i.id AND a.user_id = u.id
       LEFT JOIN notification_settings ns ON ns.user_id = u.id AND ns.project_id = i.project_id
      WHERE i.id = ANY($1::int[])`,
    [issueIds],
  );

/** Whether each candidate may read its issue, through the one policy (abilities + visibility). */
const withPermission = async (db: EntityManager, rows: CandidateRow[]) => {
  const levels = new Map<number, Map<number, number>>();
  for (const projectId of new Set(rows.map((r) => r.project_id))) {
    const users = rows.filter((r) => r.project_id === projectId).map((r) => r.user_id);
    levels.set(projectId, await accessLevelsFor(db, projectId, users));
  }
  return rows.map((r) => {
    const viewer = { id: r.user_id, username: r.username, admin: r.admin };
    const abilities = projectAbilities(viewer, r, levels.get(r.project_id)?.get(r.user_id) ?? null);
    return { ...r, mayRead: canReadIssue(abilities, r, r.assigned) };
  });
};

type Delivery = { event: TeamEvent; userId: number; reason: "assigned" | "watching" };

/**
 * Tells the team of these events. Returns what was delivered (for tests and logs). Runs in the caller's
 * transaction: the bell and the email exist exactly when the ticket or the reply does.
 */
export const notifyTeam = async (db: EntityManager, mail: MailSettings, events: TeamEvent[]): Promise<Delivery[]> => {
  if (events.length === 0) return [];
  const rows = await candidateRows(db, [...new Set(events.map((e) => e.issueId))]);
  if (rows.length === 0) return [];
  const checked = await withPermission(db, rows);
  const deliveries: Delivery[] = events.flatMap((event) => {
    const candidates: Candidate[] = checked
      .filter((r) => r.issue_id === event.issueId)
      .map((r) => ({ userId: r.user_id, level: r.level, assigned: r.assigned, mayRead: r.mayRead }));
    return teamRecipients(event.kind, candidates).map((r) => ({ event, ...r }));
  });
  if (deliveries.length === 0) return [];
  const inserted: { id: number; user_id: number; issue_id: number; project_id: number }[] = await db.query(
    `INSERT INTO notifications (user_id, project_id, issue_id, note_id, kind, reason)
     SELECT d.user_id, i.project_id, d.issue_id, d.note_id, d.kind, d.reason
       FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[]) WITH ORDINALITY
            AS d(user_id, issue_id, note_id, kind, reason, n)
       JOIN issues i ON i.id = d.issue_id ORDER BY d.n
     RETURNING id, user_id, issue_id, project_id`,
    [
      deliveries.map((d) => d.userId),
      deliveries.map((d) => d.event.issueId),
      deliveries.map((d) => d.event.noteId),
      deliveries.map((d) => d.event.kind),
      deliveries.map((d) => d.reason),
    ],
  );
  await queueTeamEmails(db, mail, deliveries);
  await publishEvents(
    db,
    inserted.map(
      (n): DomainEvent => ({
        type: "notification",
        projectId: n.project_id,
        issueId: n.issue_id,
        userId: n.user_id,
        notificationId: n.id,
      }),
    ),
  );
  return deliveries;
};

type EmailFacts = {
  issue_id: number;
  project_id: number;
  iid: number;
  title: string;
  description: string;
  external_author: string | null;
  full_path: string;
  project_name: string;
  issue_template: string | null;
};

/** How much of the customer's text a team email quotes; the thread has the rest. */
const QUOTE_CHARS = 4000;

const teamEmailText = (
  mail: MailSettings,
  facts: EmailFacts,
  d: Delivery,
  note: { body: string; external_author: string | null } | undefined,
) => {
  const who = (d.event.kind === "new_ticket" ? facts.external_author : note?.external_author) ?? "A customer";
  const said =
    d.event.kind === "new_ticket" ? customerDescription(facts.description, facts.issue_template) : (note?.body ?? "");
  // A customer's message may quote an email we sent them, reply key and all: never pass that on.
  const quote = redactReplyKeys(said).slice(0, QUOTE_CHARS);
  const url = `${mail.publicUrl}/${facts.full_path}/-/issues/${facts.iid}`;
  return [
    d.event.kind === "new_ticket"
      ? `${who} opened a new ticket #${facts.iid} in ${facts.full_path}: ${facts.title}`
      : `${who} replied on #${facts.iid} in ${facts.full_path}: ${facts.title}`,
    quote.trim() || "(no text)",
    `Open it: ${url}`,
    "Reply to this email to answer the customer: your reply is posted as your public comment and emailed to them.",
    d.reason === "assigned"
      ? `You get this because the ticket is assigned to you. Settings: ${mail.publicUrl}${INBOX_PATH}`
      : `You get this because you watch ${facts.full_path}. Settings: ${mail.publicUrl}${INBOX_PATH}`,
  ].join("\n\n");
};

/**
 * The emails: to the member's own address, with a reply key of their own (never a customer's), threaded
 * per issue apart from the customer's thread.
 */
const queueTeamEmails = async (db: EntityManager, mail: MailSettings, deliveries: Delivery[]) => {
  const issueIds = [...new Set(deliveries.map((d) => d.event.issueId))];
  const noteIds = [...new Set(deliveries.flatMap((d) => (d.event.noteId ? [d.event.noteId] : [])))];
  const userIds = [...new Set(deliveries.map((d) => d.userId))];
  // One after another: in a transaction they share one connection.
  const facts: EmailFacts[] = await db.query(
    `SELECT i.id AS issue_id, i.project_id, i.iid, i.title, i.description, i.external_author, p.full_path,
            p.name AS project_name, s.issue_template
       FROM issues i JOIN projects p ON p.id = i.project_id
       LEFT JOIN service_desk_settings s ON s.project_id = p.id
      WHERE i.id = ANY($1::int[])`,
    [issueIds],
  );
  const notes: { id: number; body: string; external_author: string | null }[] = noteIds.length
    ? await db.query("SELECT id, body, external_author FROM notes WHERE id = ANY($1::int[])", [noteIds])
    : [];
  const users: { id: number; email: string }[] = await db.query(
    "SELECT id, email FROM users WHERE id = ANY($1::int[])",
    [userIds],
  );
  const keys = deliveries.map(() => newReplyKey());
  const emails: EnqueueEmailInput[] = [];
  const sent: Partial<SentNotificationEntity>[] = [];
  deliveries.forEach((d, k) => {
    const f = facts.find((x) => x.issue_id === d.event.issueId);
    const to = users.find((u) => u.id === d.userId)?.email;
    if (!f || !to) return;
    const note = notes.find((n) => n.id === d.event.noteId);
    const subject =
      d.event.kind === "new_ticket"
        ? `[${f.full_path}] New ticket #${f.iid}: ${f.title}`
        : `[${f.full_path}] Re: ${f.title} (#${f.iid})`;
    const body = plainTextEmail(teamEmailText(mail, f, d, note), subject);
    // The member's own thread for the issue: the first email starts it, the later ones answer it.
    const thread = `team-issue_${f.issue_id}-user_${d.userId}@${mail.messageIdHost}`;
    sent.push({
      replyKeyDigest: digest(keys[k]),
      projectId: f.project_id,
      issueId: f.issue_id,
      participantId: null,
      recipientEmail: to,
      recipientUserId: d.userId,
    });
    emails.push({
      kind: OutboundKind.TeamNotification,
      dedupeKey: `team:${d.event.kind}:issue:${f.issue_id}:note:${d.event.noteId ?? 0}:user:${d.userId}`,
      projectId: f.project_id,
      issueId: f.issue_id,
      replyKey: keys[k],
      toAddress: to,
      fromName: `${f.project_name} (Tidings)`,
      subject,
      messageId: d.event.kind === "new_ticket" ? thread : randomMessageId(mail),
      inReplyTo: d.event.kind === "new_ticket" ? null : thread,
      references: [replyReference(mail, keys[k])],
      headers: {
        "Reply-To": `<${replyAddress(mail, keys[k])}>`,
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "X-Tidings-Notification-Reason": d.reason,
      },
      textBody: body.text,
      htmlBody: body.html,
    });
  });
  if (sent.length === 0) return;
  await insertRows(db, SentNotificationEntity, sent);
  await enqueueEmails(db, emails);
};
