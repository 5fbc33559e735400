// C5/C10: what a new Service Desk issue is made of, and opening many at once (issue 14.1): the issues,
// their participants, the thank-you and new-participant emails and the events, one statement each for the
// whole batch. A single message opens its issue through the same function with a batch of one.
import {
  EmailParticipantEntity,
  type EntityManager,
  insertRows,
  type ProjectEntity,
  type ServiceDeskSettingEntity,
} from "@tidings/db";
import { createIssues } from "../issues/create-issue.ts";
import { type ParticipantEmail, queueParticipantEmails } from "../notifications/queue-emails.ts";
import type { QuickCommand } from "../quick-actions/parse.ts";
import { runTemplateQuickActions } from "../quick-actions/template.ts";
import { notifyTeam } from "../team-notifications/notify-team.ts";
import type { IngestSettings } from "./ingest-settings.ts";

/** GitLab issues hold at most 10 email participants (item 29). */
export const MAX_PARTICIPANTS = 10;

/**
 * Which of `emails` join an issue that already has `existing` participants: case-insensitively new, not
 * one of our own addresses, a plausible address, and at most MAX_PARTICIPANTS in all. Pure.
 */
export const selectParticipants = (existing: string[], emails: string[], exclude: string[]): string[] => {
  const excluded = new Set(exclude.map((e) => e.toLowerCase()));
  const seen = new Set(existing.map((e) => e.toLowerCase()));
  const selected: string[] = [];
  for (const email of emails) {
    if (existing.length + selected.length >= MAX_PARTICIPANTS) break;
    const lower = email.toLowerCase();
    if (seen.has(lower) || excluded.has(lower) || !/^[^@\s]+@[^@\s]+$/.test(email)) continue;
    seen.add(lower);
    selected.push(email);
  }
  return selected;
};

/** Everything one new Service Desk issue is written from. */
export type IssueToOpen = {
  project: ProjectEntity;
  settings: ServiceDeskSettingEntity | null;
  title: string;
  description: string;
  confidential: boolean;
  authorId: number;
  externalAuthor: string | null;
  /** The requester's display name from the email ("" for none; see CreateIssueInput). */
  externalAuthorName?: string | null;
  messageId: string | null;
  attachmentIds: number[];
  /** The requester, who gets the thank-you (null: nobody to thank, e.g. our own address). */
  requester: string | null;
  /** False: the requester becomes a participant without a thank-you (a released auto-reply). Default true. */
  thankYou?: boolean;
  /** Cc'd participants, told they were added. */
  cc: string[];
  /** The description template's quick actions (issue 11.1), run on the new issue as the Support Bot. */
  templateCommands?: QuickCommand[];
};

/** Opens the issues in order; returns their ids. */
export const openIssues = async (
  db: EntityManager,
  settings: IngestSettings,
  plans: IssueToOpen[],
): Promise<number[]> => {
  if (plans.length === 0) return [];
  const issues = await createIssues(
    db,
    plans.map((p) => ({
      projectId: p.project.id,
      title: p.title,
      description: p.description,
      authorId: p.authorId,
      confidential: p.confidential,
      externalAuthor: p.externalAuthor,
      externalAuthorName: p.externalAuthorName ?? null,
      messageId: p.messageId,
    })),
  );
  for (const [i, plan] of plans.entries()) {
    if (plan.attachmentIds.length) {
      await db.query(`UPDATE attachments SET issue_id = $1, note_id = NULL WHERE id = ANY($2)`, [
        issues[i].id,
        plan.attachmentIds,
      ]);
    }
  }
  const wanted = plans.flatMap((plan, i) => [
    ...(plan.requester
      ? [{ i, email: plan.requester, kind: plan.thankYou === false ? null : ("thank_you" as const) }]
      : []),
    ...plan.cc.map((email) => ({ i, email, kind: "new_participant" as const })),
  ]);
  if (wanted.length) {
    const ids = await insertRows(
      db,
      EmailParticipantEntity,
      wanted.map((w) => ({ issueId: issues[w.i].id, email: w.email })),
    );
    const emails: ParticipantEmail[] = wanted.flatMap((w, k) =>
      w.kind
        ? [
            {
              kind: w.kind,
              issue: issues[w.i],
              project: plans[w.i].project,
              settings: plans[w.i].settings,
              participant: { id: ids[k], email: w.email },
            },
          ]
        : [],
    );
    await queueParticipantEmails(db, settings.mail, emails);
  }
  for (const [i, plan] of plans.entries()) {
    if (plan.templateCommands?.length)
      await runTemplateQuickActions(db, settings.mail, {
        issueId: issues[i].id,
        botId: plan.authorId,
        commands: plan.templateCommands,
      });
  }
  // Issue 10.2: the team hears of the new tickets (after the template's /assign, so its assignee does).
  await notifyTeam(
    db,
    settings.mail,
    issues.map((i) => ({ kind: "new_ticket" as const, issueId: i.id, noteId: null })),
  );
  return issues.map((i) => i.id);
};
