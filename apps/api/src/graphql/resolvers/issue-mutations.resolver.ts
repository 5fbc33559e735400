import { createNote, moveIssue, updateIssue } from "@tidings/core";
import { IssueEntity } from "@tidings/db";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableIssue, readableProject } from "../access.ts";
import { fromGid } from "../ids.ts";
import { runMutation } from "../mutation.ts";
import { presentIssue } from "../types/issue.type.ts";
import {
  CreateNoteInput,
  CreateNotePayload,
  IssueMoveInput,
  IssueMovePayload,
  UpdateIssueInput,
  UpdateIssuePayload,
} from "../types/mutations.type.ts";
import { presentNote } from "../types/note.type.ts";

export const MOVE_FORBIDDEN = "Cannot move issue due to insufficient permissions.";

/** The issue `projectPath#iid` if the viewer can see it; the same answer for absent and hidden. */
const issueByPath = async (ctx: ApiContext, projectPath: string, iid: string) => {
  const found = await readableProject(ctx, { fullPath: projectPath });
  if (!found || !/^\d{1,9}$/.test(iid)) return null;
  const [row] = await ctx.dataSource.query("SELECT id FROM issues WHERE project_id = $1 AND iid = $2", [
    found.project.id,
    Number(iid),
  ]);
  return readableIssue(ctx, row?.id ?? null);
};

@Resolver()
export class IssueMutationsResolver {
  @Mutation(() => CreateNotePayload, { description: "Comments on an issue; public notes are emailed (D2)." })
  async createNote(
    @Arg("input", () => CreateNoteInput) input: CreateNoteInput,
    @Ctx() ctx: ApiContext,
  ): Promise<CreateNotePayload> {
    const viewer = ctx.viewer;
    const found = await readableIssue(ctx, fromGid("Issue", input.noteableId));
    if (!viewer || !found?.abilities.createNote) return { note: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    if (input.internal && !found.abilities.createInternalNote)
      return { note: null, errors: ["You don't have permission to add internal notes to this issue."] };
    const result = await runMutation(ctx, (db) =>
      createNote(db, ctx.mail, {
        issueId: found.issue.id,
        authorId: viewer.id,
        body: input.body,
        internal: input.internal ?? false,
      }),
    );
    return result.ok
      ? { note: presentNote(result.value, found.issue.projectId), errors: [] }
      : { note: null, errors: result.errors };
  }

  @Mutation(() => UpdateIssuePayload, {
    description: "Close/reopen, retitle, (un)confidential, set labels and assignees (Reporter+).",
  })
  async updateIssue(
    @Arg("input", () => UpdateIssueInput) input: UpdateIssueInput,
    @Ctx() ctx: ApiContext,
  ): Promise<UpdateIssuePayload> {
    const viewer = ctx.viewer;
    const found = await issueByPath(ctx, input.projectPath, input.iid);
    if (!viewer || !found?.abilities.updateIssue) return { issue: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const result = await runMutation(ctx, (db) =>
      updateIssue(db, {
        issueId: found.issue.id,
        actorId: viewer.id,
        stateEvent: input.stateEvent === "CLOSE" ? "close" : input.stateEvent === "REOPEN" ? "reopen" : null,
        title: input.title,
        confidential: input.confidential,
        labels: input.labels,
        assigneeUsernames: input.assigneeUsernames,
      }),
    );
    return result.ok ? { issue: presentIssue(result.value), errors: [] } : { issue: null, errors: result.errors };
  }

  @Mutation(() => IssueMovePayload, {
    description: "Moves an issue (Reporter+ on both projects); participants and reply keys follow (item 41).",
  })
  async issueMove(
    @Arg("input", () => IssueMoveInput) input: IssueMoveInput,
    @Ctx() ctx: ApiContext,
  ): Promise<IssueMovePayload> {
    const viewer = ctx.viewer;
    const found = await issueByPath(ctx, input.projectPath, input.iid);
    if (!viewer || !found?.abilities.updateIssue) return { issue: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const target = await readableProject(ctx, { fullPath: input.targetProjectPath });
    if (!target?.abilities.updateIssue) return { issue: null, errors: [MOVE_FORBIDDEN] };
    const result = await runMutation(ctx, async (db) => {
      const moved = await moveIssue(db, {
        issueId: found.issue.id,
        targetProjectId: target.project.id,
        actorId: viewer.id,
      });
      return db.findOneByOrFail(IssueEntity, { id: moved.id });
    });
    return result.ok ? { issue: presentIssue(result.value), errors: [] } : { issue: null, errors: result.errors };
  }
}
