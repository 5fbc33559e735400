import {
  EmailParticipantEntity,
  type EntityManager,
  IssueEntity,
  NoteEntity,
  ProjectEntity,
  SentNotificationEntity,
  ServiceDeskSettingEntity,
  UserEntity,
  insertRows,
} from "@tidings/db";
import { digest } from "../auth/secrets.ts";
import { customerDescription } from "./customer-description.ts";
import { type EnqueueEmailInput, enqueueEmail, enqueueEmails } from "./enqueue.ts";
import type { MailSettings } from "./mail-settings.ts";
import { noteEmailAttachments } from "./note-attachments.ts";
import { participantName } from "./participant-name.ts";
import { plainTextEmail } from "./render-email.ts";
import { renderLater } from "./render-queued.ts";
import {
  issueThreadId,
  newReplyKey,
  randomMessageId,
  redactReplyKeys,
  replyAddress,
  replyReference,
  unsubscribeAddress,
  unsubscribeUrl,
} from "./reply-key.ts";
import { DEFAULT_TEMPLATES, issueRefValues, knownPlaceholders, type TemplateValues } from "./templates.ts";
import { threadIndexChild, threadIndexRoot } from "./thread-index.ts";

export const DEFAULT_OUTGOING_NAME = "Support Bot";

const load = async (db: EntityManager, issueId: number) => {
  const issue = await db.findOneByOrFail(IssueEntity, { id: issueId });
  const project = await db.findOneByOrFail(ProjectEntity, { id: issue.projectId });
  const settings = await db.findOneBy(ServiceDeskSettingEntity, { projectId: project.id });
  return { issue, project, settings };
};

/** Records the reply key the email carries; replies and unsubscribes resolve through it. */
const sentNotification = async (db: EntityManager, issue: IssueEntity, participant: EmailParticipantEntity) => {
  const replyKey = newReplyKey();
  await db.insert(SentNotificationEntity, {
    replyKeyDigest: digest(replyKey),
    projectId: issue.projectId,
    issueId: issue.id,
    participantId: participant.id,
    recipientEmail: participant.email,
  });
  return replyKey;
};

/** The headers of D1/D2 and contract.md that every Service Desk notification carries. */
const notificationHeaders = (
  mail: MailSettings,
  project: ProjectEntity,
  issue: IssueEntity,
  replyKey: string,
  autoSubmitted: string,
  threadIndex: string,
) => ({
  "Reply-To": `"${project.name.replace(/["\\]/g, "")}" <${replyAddress(mail, replyKey)}>`,
  "X-Tidings-Reply-Key": replyKey,
  "X-Tidings-Project-Path": project.fullPath,
  "List-Id": `${project.fullPath} <${project.id}.${project.fullPathSlug}.${mail.messageIdHost}>`,
  "List-Unsubscribe": `<${unsubscribeUrl(mail, replyKey)}>, <mailto:${unsubscribeAddress(mail, replyKey)}>`,
  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  "Auto-Submitted": autoSubmitted,
  "X-Auto-Response-Suppress": "All",
  // Outlook/Exchange thread by these rather than References (lessons.md, Outlook quirks).
  "Thread-Topic": threadTopic(issue),
  "Thread-Index": threadIndex,
});

const threadTopic = (issue: IssueEntity) => `${issue.title} (#${issue.iid})`;
const subjectFor = (issue: IssueEntity) => `Re: ${threadTopic(issue)}`;

/** The values of an email about the issue; the description only for a template that shows it (renderLater). */
const baseValues = (
  mail: MailSettings,
  project: ProjectEntity,
  settings: ServiceDeskSettingEntity | null,
  issue: IssueEntity,
  replyKey: string,
  template: string,
): TemplateValues => ({
  ...issueRefValues(project.fullPath, issue.iid),
  ISSUE_URL: `${mail.publicUrl}/${project.fullPath}/-/issues/${issue.iid}`,
  // The customer's own text: never the internal description template or quick actions (issue 12.5).
  ...(knownPlaceholders(template).has("ISSUE_DESCRIPTION")
    ? { ISSUE_DESCRIPTION: customerDescription(issue.description, settings?.issueTemplate) }
    : {}),
  UNSUBSCRIBE_URL: unsubscribeUrl(mail, replyKey),
  NOTE_TEXT: "",
  SYSTEM_HEADER: "",
  SYSTEM_FOOTER: "",
  ADDITIONAL_TEXT: "",
});

export type QueueParticipantEmailInput = { issueId: number; participantId: number };

/** One email addressed to a participant about the issue itself, with what it is rendered from. */
export type ParticipantEmail = {
  kind: "thank_you" | "new_participant";
  issue: IssueEntity;
  project: ProjectEntity;
  settings: ServiceDeskSettingEntity | null;
  participant: Pick<EmailParticipantEntity, "id" | "email">;
};

const participantEmail = (mail: MailSettings, item: ParticipantEmail, replyKey: string): EnqueueEmailInput => {
  const { kind, issue, project, settings, participant } = item;
  const subject = subjectFor(issue);
  const template =
    kind === "thank_you"
      ? settings?.thankYouTemplate || DEFAULT_TEMPLATES.thankYou
      : settings?.newParticipantTemplate || DEFAULT_TEMPLATES.newParticipant;
  const thread = issueThreadId(mail, issue.id);
  const starts = kind === "thank_you";
  return {
    kind,
    dedupeKey: starts
      ? `thank_you:issue:${issue.id}`
      : `new_participant:issue:${issue.id}:participant:${participant.id}`,
    projectId: project.id,
    issueId: issue.id,
    replyKey,
    toAddress: participant.email,
    fromName: settings?.outgoingName || DEFAULT_OUTGOING_NAME,
    subject,
    messageId: starts ? thread : `issue_${issue.id}-participant_${participant.id}@${mail.messageIdHost}`,
    inReplyTo: starts ? null : thread,
    references: starts ? [] : [replyReference(mail, replyKey), thread],
    headers: notificationHeaders(
      mail,
      project,
      issue,
      replyKey,
      starts ? "auto-replied" : "auto-generated",
      starts ? threadIndexRoot(thread, issue.createdAt) : threadIndexChild(thread, issue.createdAt),
    ),
    // Rendered by the outbox runner when it sends (issue 14.3), not in this (ingest's) transaction.
    render: renderLater(template, baseValues(mail, project, settings, issue, replyKey, template), subject),
  };
};

/**
 * The emails addressed to participants about the issue itself: D1's thank-you, which starts the thread
 * (Message-ID <issue_<id>@host>), and item 31's new-participant email, which joins it. Each gets its own
 * reply key. Many at once with one INSERT per table (issue 14.1: a batch of new issues).
 */
export const queueParticipantEmails = async (db: EntityManager, mail: MailSettings, items: ParticipantEmail[]) => {
  if (items.length === 0) return;
  const keys = items.map(() => newReplyKey());
  await insertRows(
    db,
    SentNotificationEntity,
    items.map(({ issue, participant }, i) => ({
      replyKeyDigest: digest(keys[i]),
      projectId: issue.projectId,
      issueId: issue.id,
      participantId: participant.id,
      recipientEmail: participant.email,
    })),
  );
  await enqueueEmails(
    db,
    items.map((item, i) => participantEmail(mail, item, keys[i])),
  );
};

const queueParticipantEmail = async (
  db: EntityManager,
  mail: MailSettings,
  input: QueueParticipantEmailInput,
  kind: ParticipantEmail["kind"],
) => {
  const { issue, project, settings } = await load(db, input.issueId);
  const participant = await db.findOneByOrFail(EmailParticipantEntity, { id: input.participantId });
  await queueParticipantEmails(db, mail, [{ kind, issue, project, settings, participant }]);
};

/** D1: the thank-you email to the requester of a new issue. */
export const queueThankYouEmail = (db: EntityManager, mail: MailSettings, input: QueueParticipantEmailInput) =>
  queueParticipantEmail(db, mail, input, "thank_you");

/** GitLab item 31: a Cc'd or added participant is told they were added (no thank-you). */
export const queueNewParticipantEmail = (db: EntityManager, mail: MailSettings, input: QueueParticipantEmailInput) =>
  queueParticipantEmail(db, mail, input, "new_participant");

/**
 * D2: a public note is emailed to every subscribed participant except its author.
 * Internal and system notes never leave. Returns the number of emails queued.
 */
export const queueNewNoteEmails = async (db: EntityManager, mail: MailSettings, input: { noteId: number }) => {
  const note = await db.findOneByOrFail(NoteEntity, { id: input.noteId });
  if (note.internal || note.system) return 0;
  const { issue, project, settings } = await load(db, note.issueId);
  const author = await db.findOneByOrFail(UserEntity, { id: note.authorId });
  const participants = await db
    .createQueryBuilder(EmailParticipantEntity, "p")
    .where("p.issue_id = :issueId AND p.unsubscribed_at IS NULL", { issueId: issue.id })
    .orderBy("p.id")
    .getMany();
  const thread = issueThreadId(mail, issue.id);
  const subject = subjectFor(issue);
  const attachments = participants.length > 0 ? await noteEmailAttachments(db, note.id) : [];
  const noteText = redactReplyKeys(note.body);
  const outgoingName = settings?.outgoingName || DEFAULT_OUTGOING_NAME;
  // A participant's note (by email, posted as Support Bot) says who wrote it, in the text and the From name.
  const writer = note.externalAuthor && participants.length > 0 ? await participantName(db, note) : null;
  const fromName = writer
    ? `${writer} via ${outgoingName}`
    : author.userType === "support_bot"
      ? outgoingName
      : `${author.name} (@${author.username})`;
  const template = settings?.newNoteTemplate || DEFAULT_TEMPLATES.newNote;
  let queued = 0;
  for (const participant of participants) {
    if (note.externalAuthor && participant.email.toLowerCase() === note.externalAuthor.toLowerCase()) continue;
    const replyKey = await sentNotification(db, issue, participant);
    await enqueueEmail(db, {
      kind: "new_note",
      dedupeKey: `new_note:note:${note.id}:participant:${participant.id}`,
      projectId: project.id,
      issueId: issue.id,
      noteId: note.id,
      replyKey,
      toAddress: participant.email,
      fromName,
      subject,
      messageId: randomMessageId(mail),
      inReplyTo: thread,
      references: [replyReference(mail, replyKey), thread],
      headers: notificationHeaders(
        mail,
        project,
        issue,
        replyKey,
        "auto-generated",
        threadIndexChild(thread, issue.createdAt, note.createdAt),
      ),
      render: renderLater(
        template,
        { ...baseValues(mail, project, settings, issue, replyKey, template), NOTE_TEXT: noteText },
        subject,
        writer,
      ),
      attachments,
    });
    queued++;
  }
  return queued;
};

export type QueueRejectionEmailInput = {
  inboundEmailId: number;
  to: string;
  subject: string | null;
  /** The rejected message's Message-ID (without <>), so the rejection threads under it. */
  inReplyTo: string | null;
  /** GitLab's rejection text (gitlab-reference item 15). */
  reason: string;
};

/** C9: tells the sender why their email was not accepted. Never called for auto-generated mail. */
/** Rejection emails one address may receive per hour (GitLab sends one per message; a forged From abuses that). */
export const REJECTIONS_PER_RECIPIENT_PER_HOUR = 3;

/**
 * Whether one more rejection email may go to this address now. Counted under a per-address transaction
 * lock, so concurrent rejections cannot all pass the count.
 */
export const rejectionAllowed = async (db: EntityManager, to: string): Promise<boolean> => {
  const address = to.toLowerCase();
  await db.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`rejection:${address}`]);
  const [{ n }] = await db.query(
    `SELECT count(*)::int AS n FROM outbound_emails
      WHERE kind = 'rejection' AND lower(to_address) = $1 AND created_at > now() - interval '1 hour'`,
    [address],
  );
  return n < REJECTIONS_PER_RECIPIENT_PER_HOUR;
};

/** The text of a rejection email (C9): what could not be processed, and GitLab's reason. */
export const rejectionText = (emailFrom: string, reason: string) =>
  `Unfortunately, your email message to ${emailFrom.split("@")[1]} could not be processed.\n\n${reason}\n`;

export const queueRejectionEmail = async (db: EntityManager, mail: MailSettings, input: QueueRejectionEmailInput) => {
  const text = rejectionText(mail.emailFrom, input.reason);
  const subject = `[Rejected] ${input.subject ?? "(no subject)"}`;
  const body = plainTextEmail(text, subject);
  return enqueueEmail(db, {
    kind: "rejection",
    dedupeKey: `rejection:inbound:${input.inboundEmailId}`,
    inboundEmailId: input.inboundEmailId,
    toAddress: input.to,
    fromName: "Tidings",
    subject,
    messageId: randomMessageId(mail),
    inReplyTo: input.inReplyTo,
    references: input.inReplyTo ? [input.inReplyTo] : [],
    headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" },
    textBody: body.text,
    htmlBody: body.html,
  });
};
