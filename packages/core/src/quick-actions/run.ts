// Issue 11.1: quick actions run with their author's permissions. Every command is checked and read
// before anything changes (plan), then applied in the caller's transaction (apply): a comment with one
// command it may not run changes nothing and says why.
import { type EntityManager, IssueAssigneeEntity, IssueEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { updateIssue } from "../issues/update-issue.ts";
import { moveIssue } from "../issues/move-issue.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import {
  addEmailParticipants,
  convertToTicket,
  MAX_EMAILS_PER_COMMAND,
  PARTICIPANT_MESSAGES,
  removeEmailParticipants,
} from "../participants/email-participants.ts";
import type { ProjectAbilities } from "../permissions/abilities.ts";
import { parseEmailArgs, parseLabelArgs, parseUserArgs, type QuickActionName, type QuickCommand } from "./parse.ts";

export { TEMPLATE_QUICK_ACTIONS } from "./parse.ts";

/** Which ability each command needs (abilities.ts is the one policy; this only names the ability). */
const NEEDS: Record<QuickActionName, keyof ProjectAbilities> = {
  close: "updateIssue",
  reopen: "updateIssue",
  label: "updateIssue",
  unlabel: "updateIssue",
  assign: "updateIssue",
  unassign: "updateIssue",
  confidential: "updateIssue",
  title: "updateIssue",
  move: "updateIssue",
  add_email: "updateIssue",
  remove_email: "updateIssue",
  convert_to_ticket: "updateIssue",
  internal: "createInternalNote",
};

export const QUICK_ACTION_DENIED: Record<QuickActionName, string> = {
  close: "You don't have permission to close this issue.",
  reopen: "You don't have permission to reopen this issue.",
  label: "You don't have permission to label this issue.",
  unlabel: "You don't have permission to remove labels from this issue.",
  assign: "You don't have permission to assign this issue.",
  unassign: "You don't have permission to unassign this issue.",
  confidential: "You don't have permission to make this issue confidential.",
  title: "You don't have permission to change the title of this issue.",
  move: "Cannot move issue due to insufficient permissions.",
  add_email: "You don't have permission to manage email participants.",
  remove_email: "You don't have permission to manage email participants.",
  convert_to_ticket: "You don't have permission to manage this issue.",
  internal: "You don't have permission to add internal notes to this issue.",
};

/** Everything a set of commands will do, read and checked. */
export type QuickActionPlan = {
  stateEvent: "close" | "reopen" | null;
  addLabels: string[];
  removeLabels: string[] | "all";
  addAssignees: string[];
  removeAssignees: string[] | "all";
  confidential: boolean;
  title: string | null;
  moveTo: { projectId: number; fullPath: string } | null;
  addEmails: string[];
  removeEmails: string[];
  convertToTicket: string | null;
  internal: boolean;
  /** What the author is told ran. */
  messages: string[];
  /** GitLab: a comment that adds or removes participants is not emailed (item 30). */
  suppressEmail: boolean;
};

export type PlanContext = {
  issue: Pick<IssueEntity, "id" | "projectId" | "state">;
  actor: { id: number; username: string };
  abilities: ProjectAbilities;
  /** The actor's abilities on another project by its full path (for `/move`); null when it is not visible. */
  projectByPath: (fullPath: string) => Promise<{ projectId: number; abilities: ProjectAbilities } | null>;
};

const emptyPlan = (): QuickActionPlan => ({
  stateEvent: null,
  addLabels: [],
  removeLabels: [],
  addAssignees: [],
  removeAssignees: [],
  confidential: false,
  title: null,
  moveTo: null,
  addEmails: [],
  removeEmails: [],
  convertToTicket: null,
  internal: false,
  messages: [],
  suppressEmail: false,
});

export const hasChanges = (plan: QuickActionPlan) =>
  plan.stateEvent !== null ||
  plan.addLabels.length > 0 ||
  plan.removeLabels === "all" ||
  plan.removeLabels.length > 0 ||
  plan.addAssignees.length > 0 ||
  plan.removeAssignees === "all" ||
  plan.removeAssignees.length > 0 ||
  plan.confidential ||
  plan.title !== null ||
  plan.moveTo !== null ||
  plan.addEmails.length > 0 ||
  plan.removeEmails.length > 0 ||
  plan.convertToTicket !== null;

/** Reads and checks every command; throws one DomainError listing every problem, before anything changes. */
export const planQuickActions = async (ctx: PlanContext, commands: QuickCommand[]): Promise<QuickActionPlan> => {
  const plan = emptyPlan();
  const errors: string[] = [];
  for (const { name, args } of commands) {
    if (!ctx.abilities[NEEDS[name]]) {
      errors.push(QUICK_ACTION_DENIED[name]);
      continue;
    }
    switch (name) {
      case "close":
      case "reopen":
        plan.stateEvent = name;
        break;
      case "label": {
        const labels = parseLabelArgs(args);
        if (labels.length === 0) errors.push("/label needs at least one label, e.g. /label ~billing.");
        plan.addLabels.push(...labels);
        plan.messages.push(
          `Added ${labels.map((l) => `~"${l}"`).join(" ")} ${labels.length === 1 ? "label" : "labels"}.`,
        );
        break;
      }
      case "unlabel": {
        const labels = parseLabelArgs(args);
        plan.removeLabels =
          labels.length === 0 ? "all" : plan.removeLabels === "all" ? "all" : [...plan.removeLabels, ...labels];
        plan.messages.push(
          labels.length ? `Removed ${labels.map((l) => `~"${l}"`).join(" ")}.` : "Removed all labels.",
        );
        break;
      }
      case "assign": {
        const users = parseUserArgs(args).map((u) => (u.toLowerCase() === "me" ? ctx.actor.username : u));
        if (users.length === 0) errors.push("/assign needs a user, e.g. /assign @ana or /assign me.");
        plan.addAssignees.push(...users);
        plan.messages.push(`Assigned ${users.map((u) => `@${u}`).join(" ")}.`);
        break;
      }
      case "unassign": {
        const users = parseUserArgs(args).map((u) => (u.toLowerCase() === "me" ? ctx.actor.username : u));
        plan.removeAssignees =
          users.length === 0 ? "all" : plan.removeAssignees === "all" ? "all" : [...plan.removeAssignees, ...users];
        plan.messages.push(
          users.length ? `Removed assignee ${users.map((u) => `@${u}`).join(" ")}.` : "Removed all assignees.",
        );
        break;
      }
      case "confidential":
        plan.confidential = true;
        plan.messages.push("Made this issue confidential.");
        break;
      case "title":
        if (!args.trim()) errors.push("/title needs the new title, e.g. /title Printer offline.");
        plan.title = args.trim();
        plan.messages.push(`Changed the title to "${args.trim()}".`);
        break;
      case "move": {
        const path = args.trim();
        const target = path ? await ctx.projectByPath(path) : null;
        if (!path) errors.push("/move needs a project path, e.g. /move support/billing.");
        else if (!target?.abilities.updateIssue) errors.push(QUICK_ACTION_DENIED.move);
        else plan.moveTo = { projectId: target.projectId, fullPath: path };
        if (plan.moveTo) plan.messages.push(`Moved this issue to ${path}.`);
        break;
      }
      case "add_email":
      case "remove_email": {
        const emails = parseEmailArgs(args);
        if (emails.length === 0)
          errors.push(name === "add_email" ? PARTICIPANT_MESSAGES.noneAdded : PARTICIPANT_MESSAGES.noneRemoved);
        if (emails.length > MAX_EMAILS_PER_COMMAND) errors.push(PARTICIPANT_MESSAGES.tooMany);
        (name === "add_email" ? plan.addEmails : plan.removeEmails).push(...emails);
        plan.suppressEmail = true;
        break;
      }
      case "convert_to_ticket":
        plan.convertToTicket = args.trim();
        plan.messages.push("Converted issue to Service Desk ticket.");
        break;
      case "internal":
        plan.internal = true;
        break;
    }
  }
  if (plan.stateEvent === "close" && ctx.issue.state === "closed") plan.stateEvent = null;
  if (plan.stateEvent === "reopen" && ctx.issue.state === "opened") plan.stateEvent = null;
  if (plan.stateEvent)
    plan.messages.unshift(plan.stateEvent === "close" ? "Closed this issue." : "Reopened this issue.");
  if (errors.length) throw new DomainError("INVALID_INPUT", errors.join(" "), { cause: errors });
  return plan;
};

const lower = (xs: string[]) => new Set(xs.map((x) => x.toLowerCase()));

/** Applies a checked plan to the issue; returns the issue it ended on (the new one after `/move`). */
export const applyQuickActions = async (
  db: EntityManager,
  mail: MailSettings,
  input: { issueId: number; actorId: number; plan: QuickActionPlan },
): Promise<{ issueId: number; messages: string[] }> => {
  const { plan, actorId } = input;
  const messages = [...plan.messages];
  let labels: string[] | null = null;
  if (plan.addLabels.length || plan.removeLabels === "all" || plan.removeLabels.length) {
    const current: { title: string }[] = await db.query(
      "SELECT l.title FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE il.issue_id = $1 ORDER BY l.title",
      [input.issueId],
    );
    const removed = plan.removeLabels === "all" ? null : lower(plan.removeLabels);
    const kept = removed ? current.map((c) => c.title).filter((t) => !removed.has(t.toLowerCase())) : [];
    labels = [...kept, ...plan.addLabels.filter((l) => !lower(kept).has(l.toLowerCase()))];
  }
  let assignees: string[] | null = null;
  if (plan.addAssignees.length || plan.removeAssignees === "all" || plan.removeAssignees.length) {
    const current: { username: string }[] = await db
      .createQueryBuilder(IssueAssigneeEntity, "a")
      .innerJoin("users", "u", "u.id = a.user_id")
      .select("u.username", "username")
      .where("a.issue_id = :id", { id: input.issueId })
      .getRawMany();
    const removed = plan.removeAssignees === "all" ? null : lower(plan.removeAssignees);
    const kept = removed ? current.map((c) => c.username).filter((u) => !removed.has(u.toLowerCase())) : [];
    assignees = [...kept, ...plan.addAssignees];
  }
  if (plan.stateEvent || plan.title !== null || plan.confidential || labels || assignees) {
    const issue = await db.findOneByOrFail(IssueEntity, { id: input.issueId });
    await updateIssue(db, {
      issueId: input.issueId,
      actorId,
      stateEvent: plan.stateEvent,
      title: plan.title,
      confidential: plan.confidential && !issue.confidential ? true : null,
      labels,
      assigneeUsernames: assignees,
    });
  }
  if (plan.addEmails.length) {
    const added = await addEmailParticipants(db, mail, { issueId: input.issueId, actorId, emails: plan.addEmails });
    messages.push(`Added ${added.join(", ")}.`);
  }
  if (plan.removeEmails.length) {
    const removed = await removeEmailParticipants(db, { issueId: input.issueId, actorId, emails: plan.removeEmails });
    messages.push(`Removed ${removed.join(", ")}.`);
  }
  if (plan.convertToTicket !== null)
    await convertToTicket(db, { issueId: input.issueId, actorId, email: plan.convertToTicket });
  if (plan.moveTo) {
    const moved = await moveIssue(db, { issueId: input.issueId, targetProjectId: plan.moveTo.projectId, actorId });
    return { issueId: moved.id, messages };
  }
  return { issueId: input.issueId, messages };
};
