// GitLab items 30 and 38: responders add and remove a ticket's email participants (`/add_email`,
// `/remove_email`) and turn an issue into a ticket (`/convert_to_ticket`). The quick actions call these.
import {
  EmailParticipantEntity,
  type EntityManager,
  IssueEntity,
  ProjectEntity,
  ServiceDeskSettingEntity,
  UserEntity,
} from "@tidings/db";
import { DomainError } from "../errors.ts";
import { publishEvent } from "../events/publish.ts";
import { selectParticipants } from "../ingest/open-issues.ts";
import { addSystemNote } from "../issues/add-system-note.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import { queueNewParticipantEmail } from "../notifications/queue-emails.ts";
import { allServiceDeskAddresses } from "../service-desk/addresses.ts";
import { ensureSupportBot } from "../users/support-bot.ts";

/** GitLab: at most 6 addresses per command. */
export const MAX_EMAILS_PER_COMMAND = 6;

export const PARTICIPANT_MESSAGES = {
  noneAdded: "No email participants were added. Either none were provided, or they already exist.",
  noneRemoved: "No email participants were removed. Either none were provided, or they don't exist.",
  tooMany: `You can name at most ${MAX_EMAILS_PER_COMMAND} email addresses in one command.`,
  alreadyTicket: "Cannot convert to ticket because it is already a ticket.",
  serviceDeskDisabled: "Cannot convert to ticket because Service Desk is disabled.",
  invalidEmail: "Cannot convert issue to ticket because no email was provided or the format was invalid.",
} as const;

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** "a", "a and b", "a, b and c" (GitLab's to_sentence). */
export const toSentence = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

const ourAddresses = async (db: EntityManager, mail: MailSettings, projectId: number) => {
  const project = await db.findOneByOrFail(ProjectEntity, { id: projectId });
  const settings = await db.findOneBy(ServiceDeskSettingEntity, { projectId });
  return [...allServiceDeskAddresses(mail, project, settings), mail.emailFrom];
};

/** The issue and its participants, once the command names at most 6 addresses (item 30). */
const participantsOf = async (db: EntityManager, input: { issueId: number; emails: string[] }) => {
  if (input.emails.length > MAX_EMAILS_PER_COMMAND)
    throw new DomainError("INVALID_INPUT", PARTICIPANT_MESSAGES.tooMany);
  const issue = await db.findOneByOrFail(IssueEntity, { id: input.issueId });
  return { issue, existing: await db.findBy(EmailParticipantEntity, { issueId: issue.id }) };
};

/**
 * Adds participants (item 30): each new one gets the new-participant email (item 31), a system note says
 * who. Returns the addresses added; none is a DomainError with GitLab's text.
 */
export const addEmailParticipants = async (
  db: EntityManager,
  mail: MailSettings,
  input: { issueId: number; actorId: number; emails: string[] },
): Promise<string[]> => {
  const { issue, existing } = await participantsOf(db, input);
  const wanted = input.emails.filter((e) => EMAIL.test(e));
  const emails = selectParticipants(
    existing.map((p) => p.email),
    wanted,
    await ourAddresses(db, mail, issue.projectId),
  );
  if (emails.length === 0) throw new DomainError("INVALID_INPUT", PARTICIPANT_MESSAGES.noneAdded);
  for (const email of emails) {
    const participant = await db.save(db.create(EmailParticipantEntity, { issueId: issue.id, email }));
    await queueNewParticipantEmail(db, mail, { issueId: issue.id, participantId: participant.id });
  }
  await addSystemNote(db, {
    projectId: issue.projectId,
    issueId: issue.id,
    authorId: input.actorId,
    body: `added ${toSentence(emails)}`,
  });
  await publishEvent(db, { type: "issue_updated", projectId: issue.projectId, issueId: issue.id });
  return emails;
};

/** Removes participants (item 30); their reply keys stop working with their row. */
export const removeEmailParticipants = async (
  db: EntityManager,
  input: { issueId: number; actorId: number; emails: string[] },
): Promise<string[]> => {
  const { issue, existing } = await participantsOf(db, input);
  const wanted = new Set(input.emails.map((e) => e.toLowerCase()));
  const removed = existing.filter((p) => wanted.has(p.email.toLowerCase()));
  if (removed.length === 0) throw new DomainError("INVALID_INPUT", PARTICIPANT_MESSAGES.noneRemoved);
  await db.delete(
    EmailParticipantEntity,
    removed.map((p) => p.id),
  );
  await addSystemNote(db, {
    projectId: issue.projectId,
    issueId: issue.id,
    authorId: input.actorId,
    body: `removed ${toSentence(removed.map((p) => p.email))}`,
  });
  await publishEvent(db, { type: "issue_updated", projectId: issue.projectId, issueId: issue.id });
  return removed.map((p) => p.email);
};

/**
 * Item 38: the issue becomes a Service Desk ticket authored by the Support Bot with `email` as its
 * requester and participant; no thank-you; an internal note records the original author.
 */
export const convertToTicket = async (
  db: EntityManager,
  input: { issueId: number; actorId: number; email: string },
): Promise<void> => {
  const email = input.email.trim();
  if (!EMAIL.test(email)) throw new DomainError("INVALID_INPUT", PARTICIPANT_MESSAGES.invalidEmail);
  const issue = await db.findOneByOrFail(IssueEntity, { id: input.issueId });
  const project = await db.findOneByOrFail(ProjectEntity, { id: issue.projectId });
  if (!project.serviceDeskEnabled) throw new DomainError("INVALID_INPUT", PARTICIPANT_MESSAGES.serviceDeskDisabled);
  const bot = await ensureSupportBot(db);
  if (issue.authorId === bot.id) throw new DomainError("INVALID_INPUT", PARTICIPANT_MESSAGES.alreadyTicket);
  const original = await db.findOneBy(UserEntity, { id: issue.authorId });
  const settings = await db.findOneBy(ServiceDeskSettingEntity, { projectId: project.id });
  // B7: confidential by the setting, always in public projects; a confidential issue stays confidential.
  const confidential =
    issue.confidential || project.visibility === "public" || (settings?.ticketsConfidentialByDefault ?? true);
  await db.update(IssueEntity, { id: issue.id }, { authorId: bot.id, externalAuthor: email, confidential });
  const existing = await db.findBy(EmailParticipantEntity, { issueId: issue.id });
  for (const e of selectParticipants(
    existing.map((p) => p.email),
    [email],
    [],
  )) {
    await db.save(db.create(EmailParticipantEntity, { issueId: issue.id, email: e }));
  }
  await addSystemNote(db, {
    projectId: issue.projectId,
    issueId: issue.id,
    authorId: bot.id,
    internal: true,
    body:
      `This issue has been converted to a Service Desk ticket. The email address \`${email}\` is the new author ` +
      "of this issue. Tidings didn't send a `thank_you` Service Desk email. The original author of this issue " +
      `was \`@${original?.username ?? "ghost"}\`.`,
  });
  await publishEvent(db, { type: "issue_updated", projectId: issue.projectId, issueId: issue.id });
};
