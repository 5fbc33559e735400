// Issue 11.1 / GitLab item 7: quick actions in the Service Desk description template run on every new
// ticket (as the Support Bot) and are not part of the description. One source for "what of the template
// is text": the ingest appends it, the customer's %{ISSUE_DESCRIPTION} leaves it out.
import { AccessLevel, type EntityManager, IssueEntity, ProjectEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { addSystemNote } from "../issues/add-system-note.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import { projectAbilities } from "../permissions/abilities.ts";
import type { QuickCommand } from "./parse.ts";
import { applyQuickActions, planQuickActions } from "./run.ts";

export { templateParts } from "./parse.ts";

/**
 * Runs the template's commands on a new ticket as the Support Bot with the Reporter role. A command that
 * cannot run (an assignee who is not a member) does not stop the ticket: an internal note says why.
 */
export const runTemplateQuickActions = async (
  db: EntityManager,
  mail: MailSettings,
  input: { issueId: number; botId: number; commands: QuickCommand[] },
): Promise<void> => {
  if (input.commands.length === 0) return;
  const issue = await db.findOneByOrFail(IssueEntity, { id: input.issueId });
  const project = await db.findOneByOrFail(ProjectEntity, { id: issue.projectId });
  const bot = { id: input.botId, username: "support-bot", admin: false };
  try {
    const plan = await planQuickActions(
      {
        issue,
        actor: bot,
        abilities: projectAbilities(bot, project, AccessLevel.Reporter),
        projectByPath: async () => null,
      },
      input.commands,
    );
    await applyQuickActions(db, mail, { issueId: issue.id, actorId: bot.id, plan });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await addSystemNote(db, {
      projectId: issue.projectId,
      issueId: issue.id,
      authorId: bot.id,
      internal: true,
      body: `WARNING: the quick actions of the Service Desk description template could not run: ${err.message} Please check the template in the Service Desk settings.`,
    });
  }
};
