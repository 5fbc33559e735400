// Issue 11.3 and 11.4 through GraphQL: the viewer's own draft of a reply on an issue (never anyone
// else's), and saved replies — personal ones for their owner, a project's for Reporter+ to use and
// Maintainer+ to manage (readSavedReplies / adminSavedReplies: the one policy).
import {
  createSavedReply,
  customerAddressVisibility,
  deleteSavedReply,
  discardDraft,
  findSavedReply,
  listSavedReplies,
  type NoteDraft,
  QUICK_ACTION_DENIED,
  readDraft,
  renderSavedReply,
  type SavedReply,
  saveDraft,
  updateSavedReply,
} from "@tidings/core";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableIssue, readableProject } from "../access.ts";
import { fromGid, NOT_A_NOTE_ID, toGid } from "../ids.ts";
import { loadersOf } from "../loaders.ts";
import { runMutation } from "../mutation.ts";
import { IssueType } from "../types/issue.type.ts";
import { ProjectType } from "../types/project.type.ts";

@ObjectType("NoteDraft", { description: "Issue 11.3: the viewer's unsent reply on an issue, kept on the server." })
export class NoteDraftType {
  @Field(() => String) body!: string;
  @Field(() => Boolean) internal!: boolean;
  @Field(() => ID, {
    nullable: true,
    description:
      "The newest note the author had seen when they began writing (issue 11.5): the composer sends it as createNote's lastSeenNoteId, also after a reload.",
  })
  lastSeenNoteId!: string | null;
  @Field(() => Date) updatedAt!: Date;
}

const presentDraft = (d: NoteDraft | null): NoteDraftType | null =>
  d && { ...d, lastSeenNoteId: d.lastSeenNoteId === null ? null : toGid("Note", d.lastSeenNoteId) };

@InputType("SaveNoteDraftInput")
export class SaveNoteDraftInput {
  @Field(() => ID) noteableId!: string;
  @Field(() => String, { description: "Empty removes the draft." }) body!: string;
  @Field(() => Boolean, { nullable: true }) internal?: boolean | null;
  @Field(() => ID, {
    nullable: true,
    description: "The newest note seen when the draft was begun; kept from an earlier save when not given.",
  })
  lastSeenNoteId?: string | null;
}

@ObjectType("SaveNoteDraftPayload")
export class SaveNoteDraftPayload {
  @Field(() => NoteDraftType, { nullable: true }) draft!: NoteDraftType | null;
  @Field(() => [String]) errors!: string[];
}

@InputType("DiscardNoteDraftInput")
export class DiscardNoteDraftInput {
  @Field(() => ID, { description: "Global id of the issue, e.g. gid://tidings/Issue/12." }) noteableId!: string;
}

@ObjectType("DiscardNoteDraftPayload")
export class DiscardNoteDraftPayload {
  @Field(() => [String]) errors!: string[];
}

@ObjectType("SavedReply", { description: "Issue 11.4 (GitLab: comment template)." })
export class SavedReplyType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) content!: string;
  @Field(() => String, { description: "personal or project" }) scope!: string;
  @Field(() => Boolean, { description: "The viewer may edit and delete it." }) canManage!: boolean;
}

@InputType("SavedReplyCreateInput")
export class SavedReplyCreateInput {
  @Field(() => ID, { nullable: true, description: "Shared in this project (Maintainer+); personal without it." })
  projectPath?: string | null;
  @Field(() => String) name!: string;
  @Field(() => String) content!: string;
}

@InputType("SavedReplyUpdateInput")
export class SavedReplyUpdateInput {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) content!: string;
}

@InputType("SavedReplyDestroyInput")
export class SavedReplyDestroyInput {
  @Field(() => ID) id!: string;
}

@ObjectType("SavedReplyPayload")
export class SavedReplyPayload {
  @Field(() => SavedReplyType, { nullable: true }) savedReply!: SavedReplyType | null;
  @Field(() => [String]) errors!: string[];
}

const present = (r: SavedReply, canManage: boolean): SavedReplyType => ({
  id: toGid("SavedReply", r.id),
  name: r.name,
  content: r.content,
  scope: r.projectId === null ? "personal" : "project",
  canManage,
});

/** May the viewer manage this saved reply? Its owner, or Maintainer+ of its project. */
const canManage = async (ctx: ApiContext, r: SavedReply): Promise<boolean> => {
  if (!ctx.viewer) return false;
  if (r.userId !== null) return r.userId === ctx.viewer.id;
  const found = r.projectId === null ? null : await readableProject(ctx, { id: r.projectId });
  return found?.abilities.adminSavedReplies ?? false;
};

@Resolver(() => IssueType)
export class IssueDraftResolver {
  @FieldResolver(() => NoteDraftType, { nullable: true, description: "The viewer's own draft; null for anyone else." })
  async noteDraft(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<NoteDraftType | null> {
    if (!ctx.viewer) return null;
    return presentDraft(await readDraft(ctx.dataSource.manager, ctx.viewer.id, issue.dbId));
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "A saved reply's text with its placeholders filled for this issue (%{ISSUE_ID}, %{ISSUE_PATH}, %{REQUESTER_NAME}); null unless it is the viewer's own or this project's (Reporter+). The requester's name only for viewers who may see customers' addresses.",
  })
  async renderedSavedReply(
    @Root() issue: IssueType,
    @Ctx() ctx: ApiContext,
    @Arg("savedReplyId", () => ID) savedReplyId: string,
  ): Promise<string | null> {
    if (!ctx.viewer) return null;
    const id = fromGid("SavedReply", savedReplyId);
    const reply = id === null ? null : await findSavedReply(ctx.dataSource.manager, id);
    const abilities = await loadersOf(ctx).abilities.load(issue.projectId);
    if (!reply || !abilities) return null;
    const readable =
      reply.userId !== null
        ? reply.userId === ctx.viewer.id
        : reply.projectId === issue.projectId && abilities.readSavedReplies;
    if (!readable) return null;
    const project = await loadersOf(ctx).projectById.load(issue.projectId);
    // The same rule as Issue.emailParticipants and Issue.requesterName: customerAddressVisibility.
    const customer = customerAddressVisibility.allows(abilities);
    const requesterName =
      customer && issue.externalAuthorRaw ? await loadersOf(ctx).requesterNameByIssueId.load(issue.dbId) : null;
    return renderSavedReply(reply.content, {
      projectPath: project?.fullPath ?? "",
      issueIid: issue.iidNumber,
      requesterName,
      requesterAddress: customer ? issue.externalAuthorRaw : null,
    });
  }
}

@Resolver(() => ProjectType)
export class ProjectSavedRepliesResolver {
  @FieldResolver(() => [SavedReplyType], {
    description: "The viewer's personal saved replies, and the project's (Reporter+).",
  })
  async savedReplies(@Root() project: ProjectType, @Ctx() ctx: ApiContext): Promise<SavedReplyType[]> {
    if (!ctx.viewer) return [];
    const abilities = await loadersOf(ctx).abilities.load(project.dbId);
    const rows = await listSavedReplies(ctx.dataSource.manager, {
      userId: ctx.viewer.id,
      projectId: abilities?.readSavedReplies ? project.dbId : null,
    });
    return rows.map((r) => present(r, r.userId !== null || (abilities?.adminSavedReplies ?? false)));
  }
}

@Resolver()
export class DraftsSavedRepliesResolver {
  @Mutation(() => SaveNoteDraftPayload, {
    description: "Saves (or, when empty, removes) the viewer's draft on an issue.",
  })
  async saveNoteDraft(
    @Arg("input", () => SaveNoteDraftInput) input: SaveNoteDraftInput,
    @Ctx() ctx: ApiContext,
  ): Promise<SaveNoteDraftPayload> {
    const viewer = ctx.viewer;
    const found = await readableIssue(ctx, fromGid("Issue", input.noteableId));
    if (!viewer || !found?.abilities.createNote) return { draft: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    if (input.internal && !found.abilities.createInternalNote)
      return { draft: null, errors: [QUICK_ACTION_DENIED.internal] };
    const lastSeen = input.lastSeenNoteId == null ? null : fromGid("Note", input.lastSeenNoteId);
    if (input.lastSeenNoteId != null && lastSeen === null)
      return { draft: null, errors: [NOT_A_NOTE_ID("lastSeenNoteId")] };
    const result = await runMutation(ctx, (db) =>
      saveDraft(db, {
        userId: viewer.id,
        issueId: found.issue.id,
        body: input.body,
        internal: input.internal ?? false,
        lastSeenNoteId: lastSeen,
      }),
    );
    return result.ok ? { draft: presentDraft(result.value), errors: [] } : { draft: null, errors: result.errors };
  }

  @Mutation(() => DiscardNoteDraftPayload, {
    description: "Removes the viewer's draft on an issue (the composer's Discard); nothing else's.",
  })
  async discardNoteDraft(
    @Arg("input", () => DiscardNoteDraftInput) input: DiscardNoteDraftInput,
    @Ctx() ctx: ApiContext,
  ): Promise<DiscardNoteDraftPayload> {
    const viewer = ctx.viewer;
    const found = await readableIssue(ctx, fromGid("Issue", input.noteableId));
    if (!viewer || !found?.abilities.createNote) return { errors: [NOT_FOUND_OR_FORBIDDEN] };
    const result = await runMutation(ctx, (db) => discardDraft(db, viewer.id, found.issue.id));
    return { errors: result.ok ? [] : result.errors };
  }

  @Mutation(() => SavedReplyPayload, { description: "A personal saved reply, or a project's (Maintainer+)." })
  async savedReplyCreate(
    @Arg("input", () => SavedReplyCreateInput) input: SavedReplyCreateInput,
    @Ctx() ctx: ApiContext,
  ): Promise<SavedReplyPayload> {
    const viewer = ctx.viewer;
    if (!viewer) return { savedReply: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    let owner: { userId: number } | { projectId: number } = { userId: viewer.id };
    if (input.projectPath) {
      const found = await readableProject(ctx, { fullPath: input.projectPath });
      if (!found?.abilities.adminSavedReplies) return { savedReply: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
      owner = { projectId: found.project.id };
    }
    const result = await runMutation(ctx, (db) =>
      createSavedReply(db, { owner, name: input.name, content: input.content }),
    );
    return result.ok
      ? { savedReply: present(result.value, true), errors: [] }
      : { savedReply: null, errors: result.errors };
  }

  @Mutation(() => SavedReplyPayload)
  async savedReplyUpdate(
    @Arg("input", () => SavedReplyUpdateInput) input: SavedReplyUpdateInput,
    @Ctx() ctx: ApiContext,
  ): Promise<SavedReplyPayload> {
    const id = fromGid("SavedReply", input.id);
    const existing = id === null ? null : await findSavedReply(ctx.dataSource.manager, id);
    if (!existing || !(await canManage(ctx, existing))) return { savedReply: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const result = await runMutation(ctx, (db) =>
      updateSavedReply(db, { id: existing.id, name: input.name, content: input.content }),
    );
    return result.ok
      ? { savedReply: present(result.value, true), errors: [] }
      : { savedReply: null, errors: result.errors };
  }

  @Mutation(() => SavedReplyPayload)
  async savedReplyDestroy(
    @Arg("input", () => SavedReplyDestroyInput) input: SavedReplyDestroyInput,
    @Ctx() ctx: ApiContext,
  ): Promise<SavedReplyPayload> {
    const id = fromGid("SavedReply", input.id);
    const existing = id === null ? null : await findSavedReply(ctx.dataSource.manager, id);
    if (!existing || !(await canManage(ctx, existing))) return { savedReply: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const result = await runMutation(ctx, (db) => deleteSavedReply(db, existing.id));
    return result.ok
      ? { savedReply: present(existing, true), errors: [] }
      : { savedReply: null, errors: result.errors };
  }
}
