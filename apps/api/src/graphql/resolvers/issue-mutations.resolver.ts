import { moveIssue, postComment, STALE_REPLY_MESSAGE, updateIssue } from "@tidings/core";
import { IssueEntity } from "@tidings/db";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableIssue, readableProject } from "../access.ts";
import { fromGid, NOT_A_NOTE_ID, toGid } from "../ids.ts";
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
export const issueByPath = async (ctx: ApiContext, projectPath: string, iid: string) => {
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
  @Mutation(() => CreateNotePayload, {
    description:
      "Comments on an issue; public notes are emailed (D2). Quick actions in the body run with the author's " +
      "permissions and are removed from the stored and emailed text (issue 11.1).",
  })
  async createNote(
    @Arg("input", () => CreateNoteInput) input: CreateNoteInput,
    @Ctx() ctx: ApiContext,
  ): Promise<CreateNotePayload> {
    const refused = (errors: string[]): CreateNotePayload => ({ note: null, emailed: false, staleNoteIds: [], errors });
    const viewer = ctx.viewer;
    const found = await readableIssue(ctx, fromGid("Issue", input.noteableId));
    if (!viewer || !found?.abilities.createNote) return refused([NOT_FOUND_OR_FORBIDDEN]);
    const uploadIds = (input.uploadIds ?? []).map((gid) => fromGid("Upload", gid));
    if (uploadIds.some((id) => id === null)) return refused(["An attached file is not a valid upload id."]);
    const lastSeen = input.lastSeenNoteId == null ? null : fromGid("Note", input.lastSeenNoteId);
    if (input.lastSeenNoteId != null && lastSeen === null) return refused([NOT_A_NOTE_ID("lastSeenNoteId")]);
    const projectId = found.issue.projectId;
    const result = await runMutation(ctx, (db) =>
      postComment(db, ctx.mail, {
        issue: found.issue,
        author: viewer,
        abilities: found.abilities,
        projectByPath: async (fullPath) => {
          const target = await readableProject(ctx, { fullPath });
          return target ? { projectId: target.project.id, abilities: target.abilities } : null;
        },
        body: input.body,
        internal: input.internal ?? false,
        attachmentIds: uploadIds as number[],
        uploaderId: viewer.id,
        stateEvent: input.stateEvent === "CLOSE" ? "close" : input.stateEvent === "REOPEN" ? "reopen" : null,
        lastSeenNoteId: lastSeen,
      }),
    );
    if (!result.ok) return refused(result.errors);
    const outcome = result.value;
    if (outcome.kind === "stale")
      return {
        note: null,
        emailed: false,
        staleNoteIds: outcome.newerNoteIds.map((id) => toGid("Note", id)),
        errors: [STALE_REPLY_MESSAGE],
      };
    return {
      note: outcome.note ? presentNote(outcome.note, projectId) : null,
      quickActionsStatus: outcome.messages.length
        ? { messages: outcome.messages, commandsOnly: outcome.note === null }
        : null,
      emailed: outcome.emailed,
      staleNoteIds: [],
      errors: [],
    };
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
