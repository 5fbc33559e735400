// Issue 10.2, GitLab's reply-by-email for the team: a member answers a notification email, and the reply
// becomes their own comment — public, emailed to the customer, quick actions run with their permissions —
// exactly as if they had written it in the browser. Only from the address the notification went to, and
// only while they may still comment on the issue; anything else is refused in GitLab's words.
import {
  IssueAssigneeEntity,
  IssueEntity,
  NoteEntity,
  ProjectEntity,
  type SentNotificationEntity,
  UserEntity,
} from "@tidings/db";
import { DomainError } from "../errors.ts";
import { postComment } from "../notes/post-comment.ts";
import { canReadIssue, loadProjectAbilities, type Viewer } from "../permissions/abilities.ts";
import { type Ctx, type InboundOutcome, linkAttachments, outcome, reject, withAttachments } from "./apply-context.ts";
import type { TrimmedReply } from "./content.ts";
import { REJECTION } from "./rejection-texts.ts";
import type { Screening } from "./screen.ts";

/**
 * Why a reply through a member's key is not theirs to post (null: it is): the member is gone or blocked,
 * it comes from another address, or its From failed sender authentication (a forged From is refused
 * even where the domain's DMARC policy would only quarantine). Pure.
 */
export const teamSenderProblem = (
  user: Pick<UserEntity, "email" | "blocked"> | null,
  from: string | null,
  screening: Screening | null | undefined,
): string | null => {
  if (!user || user.blocked) return "the member it was sent to is blocked or gone";
  if (!from || from.toLowerCase() !== user.email.toLowerCase()) return "it came from another address";
  if (screening?.auth?.dmarc === "fail") return "its From failed sender authentication (DMARC fail)";
  return null;
};

export const applyTeamReply = async (
  ctx: Ctx,
  sent: SentNotificationEntity & { recipientUserId: number },
  trimmed: TrimmedReply,
): Promise<InboundOutcome> => {
  const where = { projectId: sent.projectId, issueId: sent.issueId };
  const user = await ctx.db.findOneBy(UserEntity, { id: sent.recipientUserId });
  const problem = teamSenderProblem(user, ctx.content.from ?? null, ctx.content.screening);
  if (problem || !user)
    return reject(ctx, REJECTION.userNotAuthorized, `A team member's reply key: ${problem}.`, where);
  const issue = await ctx.db.findOne(IssueEntity, { where: { id: sent.issueId }, lock: { mode: "pessimistic_write" } });
  if (!issue) return reject(ctx, REJECTION.noteableNotFound, null, where);
  const project = await ctx.db.findOneByOrFail(ProjectEntity, { id: issue.projectId });
  const viewer: Viewer = { id: user.id, username: user.username, admin: user.admin };
  const abilities = await loadProjectAbilities(ctx.db, viewer, project);
  const assigned = await ctx.db.existsBy(IssueAssigneeEntity, { issueId: issue.id, userId: user.id });
  if (!canReadIssue(abilities, issue, assigned) || !abilities.createNote)
    return reject(ctx, REJECTION.userNotAuthorized, `@${user.username} may no longer comment on this issue`, where);
  if (ctx.row.messageId && (await ctx.db.existsBy(NoteEntity, { issueId: issue.id, messageId: ctx.row.messageId })))
    return outcome("duplicate", { ...where, reason: "Already added to this issue (same Message-ID)." });
  // The member's own words only: the quoted notification (the customer's text) stays out.
  const { text, attachmentIds } = await withAttachments(ctx, project.id, trimmed.message ?? "");
  if (!text.trim()) return reject(ctx, REJECTION.emptyEmail, "only quoted text", where);
  try {
    const posted = await postComment(ctx.db, ctx.settings.mail, {
      issue,
      author: viewer,
      abilities,
      projectByPath: async (fullPath) => {
        const target = await ctx.db.findOneBy(ProjectEntity, { fullPath });
        return target ? { projectId: target.id, abilities: await loadProjectAbilities(ctx.db, viewer, target) } : null;
      },
      body: text,
      internal: false,
      messageId: ctx.row.messageId,
    });
    if (posted.kind !== "posted") return reject(ctx, REJECTION.userNotAuthorized, "stale", where);
    await linkAttachments(ctx.db, attachmentIds, issue.id, posted.note?.id ?? null);
    return outcome("note", {
      projectId: project.id,
      issueId: posted.issueId,
      noteId: posted.note?.id ?? null,
      route: { reason: "reply_key", header: ctx.via ?? "to" },
    });
  } catch (err) {
    // Refused before anything was written (a quick action they may not run, a blank comment): say why.
    if (err instanceof DomainError) return reject(ctx, err.message, `@${user.username}'s reply was refused`, where);
    throw err;
  }
};
