import { filter, map, pipe } from "@graphql-yoga/subscription";
import { type IssueEntity, NoteEntity } from "@tidings/db";
import type { SubscribeResolverData } from "type-graphql";
import { Arg, Ctx, ID, Resolver, Root, Subscription } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { canViewNote, readableIssue } from "../access.ts";
import { fromGid } from "../ids.ts";
import { loadersOf, resetLoaders } from "../loaders.ts";
import { type IssueEventPayload, type NoteEventPayload, Topic } from "../pubsub.ts";
import { IssueType, presentIssue } from "../types/issue.type.ts";
import { NoteType, presentNote } from "../types/note.type.ts";

type IssueTopic = typeof Topic.IssueCreated | typeof Topic.IssueUpdated;
type IssueEvent = { issue: IssueEntity };
type NoteEvent = { note: NoteEntity; projectId: number };

/** Each event is re-authorised with fresh data (a derived context = fresh loaders), per subscriber. */
const eventContext = (ctx: ApiContext): ApiContext => ({ ...ctx });

/** A subscriber blocked since it connected gets nothing more (the socket keeps its viewer). */
const viewerActive = async (ctx: ApiContext) =>
  ctx.viewer === null || !((await loadersOf(ctx).userById.load(ctx.viewer.id))?.blocked ?? true);

const issueStream =
  (topic: IssueTopic) => (data: SubscribeResolverData<unknown, { projectPath: string }, ApiContext>) => {
    const ctx = data.context;
    const projectPath = data.args.projectPath;
    return pipe(
      ctx.pubSub.subscribe(topic),
      map(async (event: IssueEventPayload): Promise<IssueEvent | null> => {
        const evCtx = eventContext(ctx);
        const project = await loadersOf(evCtx).projectById.load(event.projectId);
        if (!project || project.fullPath !== projectPath || !(await viewerActive(evCtx))) return null;
        const found = await readableIssue(evCtx, event.issueId);
        return found ? { issue: found.issue } : null;
      }),
      filter((e: IssueEvent | null): e is IssueEvent => e !== null),
    );
  };

const noteStream = (data: SubscribeResolverData<unknown, { noteableId: string }, ApiContext>) => {
  const ctx = data.context;
  const issueId = fromGid("Issue", data.args.noteableId);
  return pipe(
    ctx.pubSub.subscribe(Topic.NoteCreated),
    map(async (event: NoteEventPayload): Promise<NoteEvent | null> => {
      if (issueId === null || event.issueId !== issueId) return null;
      const evCtx = eventContext(ctx);
      if (!(await viewerActive(evCtx))) return null;
      const found = await readableIssue(evCtx, event.issueId);
      if (!found) return null;
      const note = await ctx.dataSource.manager.findOneBy(NoteEntity, { id: event.noteId, issueId: found.issue.id });
      return note && canViewNote(found.abilities, note) ? { note, projectId: found.issue.projectId } : null;
    }),
    filter((e: NoteEvent | null): e is NoteEvent => e !== null),
  );
};

@Resolver()
export class SubscriptionsResolver {
  @Subscription(() => IssueType, {
    nullable: true,
    description: "Issues created in the project that the subscriber may see (events re-checked per subscriber).",
    subscribe: issueStream(Topic.IssueCreated),
  })
  issueCreated(
    @Root() event: IssueEvent,
    @Arg("projectPath", () => ID) _projectPath: string,
    @Ctx() ctx: ApiContext,
  ): IssueType {
    resetLoaders(ctx);
    return presentIssue(event.issue);
  }

  @Subscription(() => IssueType, {
    nullable: true,
    description: "Issues changed in the project that the subscriber may see.",
    subscribe: issueStream(Topic.IssueUpdated),
  })
  issueUpdated(
    @Root() event: IssueEvent,
    @Arg("projectPath", () => ID) _projectPath: string,
    @Ctx() ctx: ApiContext,
  ): IssueType {
    resetLoaders(ctx);
    return presentIssue(event.issue);
  }

  @Subscription(() => NoteType, {
    nullable: true,
    description: "Notes added to the issue that the subscriber may see (internal notes: Reporter+).",
    subscribe: noteStream,
  })
  noteCreated(
    @Root() event: NoteEvent,
    @Arg("noteableId", () => ID) _noteableId: string,
    @Ctx() ctx: ApiContext,
  ): NoteType {
    resetLoaders(ctx);
    return presentNote(event.note, event.projectId);
  }
}
