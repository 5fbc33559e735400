import { issueVisibility, noteVisibility, type ProjectAbilities } from "@tidings/core";
import type { IssueEntity, ProjectEntity } from "@tidings/db";
import type { ApiContext } from "../context.ts";
import { loadersOf } from "./loaders.ts";

/**
 * The one sentence for "not there" and "not yours" alike (GitLab's), so an answer never confirms
 * that something the viewer may not see exists (F2).
 */
export const NOT_FOUND_OR_FORBIDDEN =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action.";

/** The project and the viewer's abilities, or null when it does not exist or the viewer may not see it. */
export const readableProject = async (
  ctx: ApiContext,
  ref: { fullPath: string } | { id: number },
): Promise<{ project: ProjectEntity; abilities: ProjectAbilities } | null> => {
  const loaders = loadersOf(ctx);
  const project =
    "fullPath" in ref ? await loaders.projectByPath.load(ref.fullPath) : await loaders.projectById.load(ref.id);
  if (!project) return null;
  const abilities = await loaders.abilities.load(project.id);
  return abilities?.readProject ? { project, abilities } : null;
};

export const isAssignee = async (ctx: ApiContext, issueId: number) =>
  ctx.viewer !== null && (await loadersOf(ctx).assigneesByIssueId.load(issueId)).some((a) => a.id === ctx.viewer?.id);

/** May the viewer read this issue? The policy (core's visibility.ts) decides; assignees are loaded only if needed. */
export const canViewIssue = async (ctx: ApiContext, issue: Pick<IssueEntity, "id" | "projectId" | "confidential">) => {
  const abilities = await loadersOf(ctx).abilities.load(issue.projectId);
  if (!abilities) return false;
  if (issueVisibility.allows(abilities, issue, false)) return true;
  return issueVisibility.allows(abilities, issue, await isAssignee(ctx, issue.id));
};

/** The issue with the viewer's abilities on its project, or null when absent or not visible. */
export const readableIssue = async (
  ctx: ApiContext,
  issueId: number | null,
): Promise<{ issue: IssueEntity; abilities: ProjectAbilities } | null> => {
  if (issueId === null) return null;
  const loaders = loadersOf(ctx);
  const issue = await loaders.issueById.load(issueId);
  if (!issue || !(await canViewIssue(ctx, issue))) return null;
  const abilities = await loaders.abilities.load(issue.projectId);
  return abilities ? { issue, abilities } : null;
};

/** May the viewer see this note? Internal notes: Reporter+ only (the policy, core's visibility.ts). */
export const canViewNote = (abilities: ProjectAbilities, note: { internal: boolean }) =>
  noteVisibility.allows(abilities, note);
