// C7: a reply through a reply key becomes a note by Support Bot showing the sender; quoted text trimmed
// and kept in a <details> block; the issue reopens when the project says so.
import { IssueEntity, NoteEntity, ProjectEntity, SentNotificationEntity, ServiceDeskSettingEntity } from "@tidings/db";
import { digest } from "../auth/secrets.ts";
import { createNote } from "../notes/create-note.ts";
import {
  type Ctx,
  type InboundOutcome,
  outcome,
  reject,
  reopenIfClosed,
  supportBot,
  withAttachments,
} from "./apply-context.ts";
import { applyTeamReply } from "./apply-team-reply.ts";
import { capLength } from "./cap-length.ts";
import { onlyQuickActions, replyNoteBody, type TrimmedReply } from "./content.ts";
import { movedDestination } from "./inbound-moves.ts";
import { spamVerdict } from "./screen.ts";
import { REJECTION } from "./rejection-texts.ts";
import type { RouteReason } from "./routing-reason.ts";

export const applyReplyKey = async (ctx: Ctx, replyKey: string, trimmed: TrimmedReply): Promise<InboundOutcome> => {
  const sent = await ctx.db.findOneBy(SentNotificationEntity, { replyKeyDigest: digest(replyKey) });
  if (!sent) return reject(ctx, REJECTION.sentNotificationNotFound, "no notification has this reply key");
  // Issue 10.2: a notification sent to a member of the team; their reply is their comment.
  if (sent.recipientUserId !== null)
    return applyTeamReply(ctx, { ...sent, recipientUserId: sent.recipientUserId }, trimmed);
  // Issue 12.6: a reply in the chain of a message a responder moved follows it.
  const moved = await movedDestination(ctx.db, sent.projectId, ctx.content.threadIds);
  const route: RouteReason = moved
    ? { reason: "follows_move", messageId: moved.messageId }
    : { reason: "reply_key", header: ctx.via ?? "to" };
  const issue = await ctx.db.findOne(IssueEntity, {
    where: { id: moved?.issueId ?? sent.issueId },
    lock: { mode: "pessimistic_write" },
  });
  if (!issue) return reject(ctx, REJECTION.noteableNotFound, null, { projectId: sent.projectId });
  const project = await ctx.db.findOneByOrFail(ProjectEntity, { id: issue.projectId });
  if (!project.serviceDeskEnabled) {
    return reject(ctx, REJECTION.serviceDeskDisabled, "Service Desk is disabled for this project", {
      projectId: project.id,
    });
  }
  const spam = spamVerdict(
    ctx.content.screening,
    (await ctx.db.findOneBy(ServiceDeskSettingEntity, { projectId: project.id }))?.spamThreshold ?? null,
  );
  if (spam) return outcome("ignored", { projectId: project.id, issueId: issue.id, reason: spam });
  if (ctx.row.messageId && (await ctx.db.existsBy(NoteEntity, { issueId: issue.id, messageId: ctx.row.messageId }))) {
    return outcome("duplicate", {
      projectId: project.id,
      issueId: issue.id,
      reason: "Already added to this issue (same Message-ID).",
    });
  }
  const { text, attachmentIds, hadAttachments } = await withAttachments(ctx, project.id, replyNoteBody(trimmed));
  if (!trimmed.message && !hadAttachments) {
    return reject(ctx, REJECTION.emptyEmail, "only quoted text", { projectId: project.id, issueId: issue.id });
  }
  if (trimmed.message && onlyQuickActions(trimmed.message) && !hadAttachments) {
    return outcome("ignored", {
      projectId: project.id,
      issueId: issue.id,
      reason: "Ignored: the reply holds only quick actions, which are never run from email; there was nothing to post.",
    });
  }
  const bot = await supportBot(ctx.db);
  const settings = await ctx.db.findOneBy(ServiceDeskSettingEntity, { projectId: project.id });
  const sender = ctx.content.from ?? ctx.requester ?? sent.recipientEmail;
  const capped = await capLength(ctx, project.id, text);
  const note = await createNote(ctx.db, ctx.settings.mail, {
    issueId: issue.id,
    authorId: bot.id,
    body: capped.text,
    externalAuthor: sender,
    messageId: ctx.row.messageId,
    attachmentIds: [...attachmentIds, ...capped.attachmentIds],
  });
  await reopenIfClosed(ctx, issue, settings, bot.id);
  return outcome("note", { projectId: project.id, issueId: issue.id, noteId: note.id, route });
};
