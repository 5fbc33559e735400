// C5, C6, C10: mail to a project's Service Desk address opens a confidential issue, or joins the thread
// it replies to; Cc participants, the rate limit and the thank-you email live here.
import { EmailParticipantEntity, type EntityManager, IssueEntity, NoteEntity, ProjectEntity } from "@tidings/db";
import { createNote } from "../notes/create-note.ts";
import { queueNewParticipantEmail } from "../notifications/queue-emails.ts";
import {
  addParticipants,
  type ApplyRow,
  type Ctx,
  type InboundOutcome,
  newContext,
  ourAddresses,
  outcome,
  reject,
  reopenIfClosed,
  supportBot,
  withAttachments,
} from "./apply-context.ts";
import { capLength } from "./cap-length.ts";
import { templateParts } from "../quick-actions/template.ts";
import { appendTemplate, neutraliseQuickActions } from "./content.ts";
import type { MailContent } from "./decide.ts";
import { type IngestSettings } from "./ingest-settings.ts";
import { selectParticipants } from "./open-issues.ts";
import { movedDestination } from "./inbound-moves.ts";
import { spamVerdict } from "./screen.ts";
import { REJECTION } from "./rejection-texts.ts";
import type { RouteReason } from "./routing-reason.ts";

/** Whether the sender already belongs to the thread: the requester or a current email participant. */
const isInThread = async (ctx: Ctx, issue: IssueEntity): Promise<boolean> => {
  const sender = ctx.requester?.toLowerCase();
  if (!sender) return false;
  if (issue.externalAuthor?.toLowerCase() === sender) return true;
  const participants = await ctx.db.findBy(EmailParticipantEntity, { issueId: issue.id });
  return participants.some((p) => p.email.toLowerCase() === sender);
};

/** The first line of a note from a sender the thread does not know: who, and what it did not do. */
export const strangerNotice = (sender: string | null) =>
  `> **From a new address:** ${sender ? `\`${sender}\`` : "an unknown sender"} is not a participant of this ticket. ` +
  "This reply was matched by its email headers only, so it is kept as an internal note; the sender was not " +
  "added and will get no email unless you add them.";

export const applyServiceDesk = async (ctx: Ctx, project: ProjectEntity): Promise<InboundOutcome> => {
  const settings = await ctx.lookups.serviceDeskSettings(project.id);
  // Issue 13.3: spam above the project's threshold waits in its quarantine (a release skips the check).
  const spam = ctx.released ? null : spamVerdict(ctx.content.screening, settings?.spamThreshold ?? null);
  if (spam) return outcome("ignored", { projectId: project.id, reason: spam });
  const bot = await supportBot(ctx.db);
  const exclude = ourAddresses(ctx, project, settings);
  const cc = settings?.addExternalParticipantsFromCc ? ctx.content.cc : [];
  const messageId = ctx.row.messageId;

  // C6: a reply to the email that opened an issue becomes a note on it — or, issue 12.6, on the issue a
  // responder moved the message it answers to.
  const { threadIds, body } = ctx.content;
  const moved = await movedDestination(ctx.db, project.id, threadIds);
  let original = moved
    ? await ctx.db.findOne(IssueEntity, { where: { id: moved.issueId }, lock: { mode: "pessimistic_write" } })
    : threadIds.length && (await ctx.lookups.threadKnown(project.id, threadIds))
      ? await ctx.db
          .createQueryBuilder(IssueEntity, "i")
          .where("i.project_id = :projectId AND i.message_id IN (:...ids)", { projectId: project.id, ids: threadIds })
          .orderBy("i.id")
          .setLock("pessimistic_write")
          .getOne()
      : null;
  // A moved ticket (gitlab-reference item 41): the customer's reply follows it to where it lives now.
  for (let hops = 0; original?.movedToId && hops < 20; hops++) {
    original = await ctx.db.findOne(IssueEntity, {
      where: { id: original.movedToId },
      lock: { mode: "pessimistic_write" },
    });
  }

  if (original) {
    const route: RouteReason = moved
      ? { reason: "follows_move", messageId: moved.messageId }
      : { reason: "thread", messageId: threadIds.find((id) => id === original?.messageId) ?? original.messageId ?? "" };
    if (messageId && (await ctx.db.existsBy(NoteEntity, { issueId: original.id, messageId }))) {
      return outcome("duplicate", {
        projectId: original.projectId,
        issueId: original.id,
        reason: "Already added (same Message-ID).",
      });
    }
    const { text, attachmentIds } = await withAttachments(ctx, original.projectId, neutraliseQuickActions(body));
    if (!text) return reject(ctx, REJECTION.emptyEmail, null, { projectId: original.projectId, issueId: original.id });
    // Headers alone (In-Reply-To/References) prove nothing: the original Message-ID travels in every reply
    // chain. A sender who is not already in the thread is heard, but gains nothing: an internal note, no
    // participant, no mail, no reopening — until a responder adds them. Reply keys stay the strong path.
    const inThread = await isInThread(ctx, original);
    // The requester of the ticket is its participant again if the row was lost (e.g. the cap was reached).
    if (inThread && ctx.requester) await addParticipants(ctx.db, original.id, [ctx.requester], exclude);
    const capped = await capLength(
      ctx,
      original.projectId,
      inThread ? text : `${strangerNotice(ctx.requester)}\n\n${text}`,
    );
    const note = await createNote(ctx.db, ctx.settings.mail, {
      issueId: original.id,
      authorId: bot.id,
      body: capped.text,
      externalAuthor: ctx.requester,
      messageId,
      attachmentIds: [...attachmentIds, ...capped.attachmentIds],
      internal: !inThread,
    });
    if (!inThread) {
      return outcome("note", {
        projectId: original.projectId,
        issueId: original.id,
        noteId: note.id,
        reason: `From ${ctx.requester ?? "an unknown sender"}, who is not a participant: added as an internal note; not added as a participant.`,
        route,
      });
    }
    for (const p of await addParticipants(ctx.db, original.id, cc, exclude)) {
      await queueNewParticipantEmail(ctx.db, ctx.settings.mail, { issueId: original.id, participantId: p.id });
    }
    const issueSettings =
      original.projectId === project.id ? settings : await ctx.lookups.serviceDeskSettings(original.projectId);
    await reopenIfClosed(ctx, original, issueSettings, bot.id);
    return outcome("note", { projectId: original.projectId, issueId: original.id, noteId: note.id, route });
  }

  // The same message reaching two addresses of one project (e.g. To the alias, Cc the incoming address).
  const existing = messageId ? await ctx.lookups.issueByMessageId(project.id, messageId) : null;
  if (existing !== null) {
    return outcome("duplicate", {
      projectId: project.id,
      issueId: existing,
      reason: "This message already opened an issue in this project (same Message-ID).",
    });
  }

  // C10: per-sender rate limit of new issues per project.
  const limit = ctx.settings.issuesPerSenderPerHour;
  if (limit > 0 && ctx.requester && !ctx.released) {
    const n = await ctx.lookups.recentIssuesFrom(project.id, ctx.requester);
    if (n >= limit) {
      // No rejection email: answering a flood would make us an amplifier. The admin can release it.
      return outcome("rejected", {
        projectId: project.id,
        reason: `${REJECTION.rateLimited} (${ctx.requester} opened ${n} issues in this project in the last hour; the limit is ${limit})`,
      });
    }
  }

  const subject = (ctx.content.subject ?? "").trim();
  const { text, attachmentIds, hadAttachments } = await withAttachments(ctx, project.id, body);
  if (!subject && !body && !hadAttachments)
    return reject(ctx, REJECTION.emptyEmail, "no subject, no body", { projectId: project.id });
  const template = templateParts(settings?.issueTemplate);
  const description = await capLength(
    ctx,
    project.id,
    appendTemplate(neutraliseQuickActions(text), settings?.issueTemplate),
  );
  const requester = ctx.requester ? selectParticipants([], [ctx.requester], exclude) : [];
  const opened = await ctx.openIssue({
    project,
    settings,
    title: (subject || "(no subject)").replace(/\s+/g, " ").slice(0, 255),
    description: description.text,
    // B7: confidential by the setting, always in public projects.
    confidential: project.visibility === "public" ? true : (settings?.ticketsConfidentialByDefault ?? true),
    authorId: bot.id,
    externalAuthor: ctx.requester,
    // The name this email gives the requester, kept for the list (none: ""; a changed requester: unknown).
    externalAuthorName: ctx.requester === ctx.content.requester ? (ctx.content.requesterName ?? "") : null,
    messageId,
    attachmentIds: [...attachmentIds, ...description.attachmentIds],
    requester: requester[0] ?? null,
    thankYou: ctx.thankYou !== false,
    cc: selectParticipants(requester, cc, exclude),
    templateCommands: template.commands,
  });
  // The batch writes this outcome object later: its reason goes with it.
  if (opened.status === "issue") opened.route = { reason: "new_issue", header: ctx.via ?? "to" };
  return opened;
};

/**
 * Applies a stored message to a given project as a Service Desk email (new issue, or note on the
 * issue it replies to), whatever its routing or classification said: the quarantine's "release".
 * `thankYou: false` (a machine's message) opens the issue without thanking its sender.
 */
export const applyToProject = async (
  db: EntityManager,
  settings: IngestSettings,
  row: ApplyRow,
  content: MailContent,
  project: ProjectEntity,
  opts: { thankYou: boolean } = { thankYou: true },
): Promise<InboundOutcome> => {
  const ctx = newContext(db, settings, row, content);
  ctx.released = true;
  ctx.thankYou = opts.thankYou;
  return applyServiceDesk(ctx, project);
};
