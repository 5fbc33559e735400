// Issue 10.3: triage at speed — one action on many issues: close, reopen, add or remove labels, assign.
// One transaction for all (the caller's), the same rules as a quick action on each issue (one source:
// planQuickActions / applyQuickActions), so each issue gets its system notes and its own issue_updated
// event. An issue already in the asked state is left as it is.
import { type EntityManager, IssueEntity } from "@tidings/db";
import { In } from "typeorm";
import { DomainError } from "../errors.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import type { ProjectAbilities } from "../permissions/abilities.ts";
import type { QuickCommand } from "../quick-actions/parse.ts";
import { applyQuickActions, planQuickActions } from "../quick-actions/run.ts";

export const MAX_BULK_ISSUES = 100;

export type BulkChange = {
  stateEvent?: "close" | "reopen" | null;
  addLabels?: string[] | null;
  removeLabels?: string[] | null;
  assigneeUsernames?: string[] | null;
};

const quoted = (labels: string[]) => labels.map((l) => `~"${l.replace(/"/g, "")}"`).join(" ");

/** The change as quick actions, so every rule (and its wording) is the one a comment's command follows. */
const commandsOf = (change: BulkChange): QuickCommand[] => [
  ...(change.stateEvent ? [{ name: change.stateEvent, args: "" } as QuickCommand] : []),
  ...(change.addLabels?.length ? [{ name: "label", args: quoted(change.addLabels) } as QuickCommand] : []),
  ...(change.removeLabels?.length ? [{ name: "unlabel", args: quoted(change.removeLabels) } as QuickCommand] : []),
  ...(change.assigneeUsernames?.length
    ? [
        {
          name: "assign",
          args: change.assigneeUsernames.map((u) => `@${u.replace(/^@/, "")}`).join(" "),
        } as QuickCommand,
      ]
    : []),
];

export const bulkUpdateIssues = async (
  db: EntityManager,
  mail: MailSettings,
  input: {
    projectId: number;
    issueIds: number[];
    actor: { id: number; username: string };
    abilities: ProjectAbilities;
    change: BulkChange;
  },
): Promise<number> => {
  const ids = [...new Set(input.issueIds)];
  if (ids.length === 0) throw new DomainError("INVALID_INPUT", "Select at least one issue.");
  if (ids.length > MAX_BULK_ISSUES)
    throw new DomainError("INVALID_INPUT", `Select at most ${MAX_BULK_ISSUES} issues at a time.`);
  const commands = commandsOf(input.change);
  if (commands.length === 0) throw new DomainError("INVALID_INPUT", "Choose what to change.");
  const issues = await db.find(IssueEntity, {
    where: { id: In(ids), projectId: input.projectId },
    order: { id: "ASC" },
  });
  if (issues.length !== ids.length) throw new DomainError("NOT_FOUND", "Some of the selected issues do not exist.");
  for (const issue of issues) {
    const plan = await planQuickActions(
      { issue, actor: input.actor, abilities: input.abilities, projectByPath: async () => null },
      commands,
    );
    await applyQuickActions(db, mail, { issueId: issue.id, actorId: input.actor.id, plan });
  }
  return issues.length;
};
