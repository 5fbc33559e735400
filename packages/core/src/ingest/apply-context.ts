// Shared pieces of the apply step: the per-message context, outcomes, rejections (never to a machine),
// participants, attachments and the reopen rule.
import {
  type DataSource,
  EmailParticipantEntity,
  type EntityManager,
  type InboundStatus,
  IssueAssigneeEntity,
  IssueEntity,
  ProjectEntity,
  ServiceDeskSettingEntity,
  UserEntity,
} from "@tidings/db";
import { publishEvent } from "../events/publish.ts";
import { createNote } from "../notes/create-note.ts";
import {
  queueRejectionEmail,
  REJECTIONS_PER_RECIPIENT_PER_HOUR,
  rejectionAllowed,
} from "../notifications/queue-emails.ts";
import { allServiceDeskAddresses } from "../service-desk/addresses.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import type { MailContent } from "./decide.ts";
import { directLookups, type Lookups } from "./lookups.ts";
import type { RouteReason } from "./routing-reason.ts";
import type { Screening } from "./screen.ts";
import { type IssueToOpen, openIssues, selectParticipants } from "./open-issues.ts";
import { type IngestSettings } from "./ingest-settings.ts";
import { reopenNote } from "./rejection-texts.ts";
import { storeAttachments } from "./store-attachments.ts";

/** The Support Bot's id, looked up once per database (it never changes once created). */
const botIds = new WeakMap<object, number>();
export const supportBot = async (db: EntityManager): Promise<{ id: number }> => {
  const known = botIds.get(db.connection);
  return known !== undefined ? { id: known } : ensureSupportBot(db);
};
/** Creates the Support Bot in its own committed statement, so the cached id can never be rolled back. */
export const rememberSupportBot = async (ds: DataSource) => {
  if (!botIds.has(ds)) botIds.set(ds, (await ensureSupportBot(ds.manager)).id);
};

export { MAX_PARTICIPANTS } from "./open-issues.ts";
export { type Lookups, resolveProject } from "./lookups.ts";

export type InboundOutcome = {
  status: InboundStatus;
  reason: string | null;
  projectId: number | null;
  issueId: number | null;
  noteId: number | null;
  /** Issue 12.6: why it landed where it did (issues and notes). */
  route?: RouteReason | null;
  /** Issue 13.3: what screening said of it (stored with the message). */
  screening?: Screening | null;
};

export const outcome = (status: InboundStatus, fields: Partial<InboundOutcome> = {}): InboundOutcome => ({
  status,
  reason: null,
  projectId: null,
  issueId: null,
  noteId: null,
  ...fields,
});

/** How a message's new issue is opened: at once (one message), or with the rest of its batch. */
export type OpenIssue = (plan: IssueToOpen) => Promise<InboundOutcome>;

/** What the apply step reads of the stored row. */
export type ApplyRow = { id: number; messageId: string | null; subject: string | null };

export type Ctx = {
  db: EntityManager;
  settings: IngestSettings;
  row: ApplyRow;
  content: MailContent;
  requester: string | null;
  lookups: Lookups;
  openIssue: OpenIssue;
  /** Set when an admin releases a quarantined message into a project: no rate limit. */
  released?: boolean;
  /** False when the requester of a new issue gets no thank-you (a released auto-reply, issue 12.5). */
  thankYou?: boolean;
  /** The header that named our address (issue 12.6's reason), when routing found one. */
  via?: string;
};

/** Opens the issue at once, in the caller's transaction. */
export const openIssueNow =
  (db: EntityManager, settings: IngestSettings): OpenIssue =>
  async (plan) => {
    const [issueId] = await openIssues(db, settings, [plan]);
    return outcome("issue", { projectId: plan.project.id, issueId });
  };

/** The context of one decided message (decide.ts) being applied; a batch passes its own lookups and opener. */
export const newContext = (
  db: EntityManager,
  settings: IngestSettings,
  row: ApplyRow,
  content: MailContent,
  batch?: { lookups: Lookups; openIssue: OpenIssue },
): Ctx => ({
  db,
  settings,
  row,
  content,
  requester: content.requester,
  lookups: batch?.lookups ?? directLookups(db),
  openIssue: batch?.openIssue ?? openIssueNow(db, settings),
});

export type Rejection = { text: string; detail: string | null; notify: string | null; subject: string | null };

/**
 * A refused message: quarantined as `rejected` with the reason, and the sender told why — never a
 * machine or nobody (`notify` null), and one address only a few times an hour: the From of unknown mail
 * may be forged (backscatter).
 */
export const rejectMessage = async (
  db: EntityManager,
  settings: IngestSettings,
  row: ApplyRow,
  rejection: Rejection,
  extra: Partial<InboundOutcome> = {},
): Promise<InboundOutcome> => {
  const { text, detail, notify } = rejection;
  const reason = detail ? `${text} (${detail})` : text;
  if (!notify) return outcome("rejected", { ...extra, reason });
  if (!(await rejectionAllowed(db, notify))) {
    return outcome("rejected", {
      ...extra,
      reason: `${reason} No rejection email: ${notify} already got ${REJECTIONS_PER_RECIPIENT_PER_HOUR} in the last hour.`,
    });
  }
  await queueRejectionEmail(db, settings.mail, {
    inboundEmailId: row.id,
    to: notify,
    subject: rejection.subject ?? row.subject,
    inReplyTo: row.messageId,
    reason: text,
  });
  return outcome("rejected", { ...extra, reason });
};

export const reject = (ctx: Ctx, text: string, detail: string | null, extra: Partial<InboundOutcome> = {}) =>
  rejectMessage(
    ctx.db,
    ctx.settings,
    ctx.row,
    { text, detail, notify: ctx.requester, subject: ctx.content.subject },
    extra,
  );

/** Adds participants (case-insensitive, our own addresses excluded, at most 10 per issue); returns the new ones. */
export const addParticipants = async (
  db: EntityManager,
  issueId: number,
  emails: string[],
  exclude: string[],
): Promise<EmailParticipantEntity[]> => {
  const existing = await db.findBy(EmailParticipantEntity, { issueId });
  const added: EmailParticipantEntity[] = [];
  for (const email of selectParticipants(
    existing.map((p) => p.email),
    emails,
    exclude,
  )) {
    added.push(await db.save(db.create(EmailParticipantEntity, { issueId, email })));
  }
  return added;
};

export const ourAddresses = (ctx: Ctx, project: ProjectEntity, settings: ServiceDeskSettingEntity | null) => [
  ...allServiceDeskAddresses(
    {
      incomingEmailAddress: ctx.settings.mail.incomingEmailAddress,
      serviceDeskEmailAddress: ctx.settings.mail.serviceDeskEmailAddress,
    },
    project,
    settings,
  ),
  ctx.settings.mail.emailFrom,
];

/** Attachments stored and linked; inline `cid:` images in an HTML body point at their upload. */
export const withAttachments = async (ctx: Ctx, projectId: number, body: string) => {
  const { attachments } = ctx.content;
  const { stored, skippedNotes } = await storeAttachments(ctx.db, {
    dataDir: ctx.settings.dataDir,
    maxAttachmentBytes: ctx.settings.maxAttachmentBytes,
    projectId,
    inboundEmailId: ctx.row.id,
    attachments,
  });
  let text = body;
  const links: string[] = [];
  for (const s of stored) {
    const cidRef = s.contentId ? `cid:${s.contentId}` : null;
    if (cidRef && text.includes(cidRef)) text = text.split(cidRef).join(s.url);
    else links.push(s.markdown);
  }
  for (const line of [...links, ...skippedNotes]) text = text ? `${text}\n\n${line}` : line;
  return { text, attachmentIds: stored.map((s) => s.id), hadAttachments: stored.length + skippedNotes.length > 0 };
};

export const linkAttachments = async (db: EntityManager, ids: number[], issueId: number, noteId: number | null) => {
  if (ids.length)
    await db.query(`UPDATE attachments SET issue_id = $1, note_id = $2 WHERE id = ANY($3)`, [issueId, noteId, ids]);
};

export const reopenIfClosed = async (
  ctx: Ctx,
  issue: IssueEntity,
  settings: ServiceDeskSettingEntity | null,
  botId: number,
) => {
  if (issue.state !== "closed" || !settings?.reopenIssueOnExternalParticipantNote) return;
  await ctx.db.update(IssueEntity, { id: issue.id }, { state: "opened", closedAt: null });
  const assignees = await ctx.db
    .createQueryBuilder(UserEntity, "u")
    .innerJoin(IssueAssigneeEntity, "a", "a.user_id = u.id")
    .where("a.issue_id = :id", { id: issue.id })
    .orderBy("u.username")
    .getMany();
  await createNote(ctx.db, ctx.settings.mail, {
    issueId: issue.id,
    authorId: botId,
    body: reopenNote(assignees.map((u) => u.username)),
    internal: true,
  });
  await publishEvent(ctx.db, { type: "issue_updated", projectId: issue.projectId, issueId: issue.id });
};
