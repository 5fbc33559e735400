import { filter, map, pipe } from "@graphql-yoga/subscription";
import type { IssueEntity, NoteEntity } from "@tidings/db";
import type { SubscribeResolverData } from "type-graphql";
import { Arg, Ctx, ID, Resolver, Root, Subscription } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { canViewNote, readableIssue } from "../access.ts";
import { fromGid } from "../ids.ts";
import { adoptLoaders, eventScope, useEventLoaders } from "../event-scope.ts";
import { type Loaders, loadersOf } from "../loaders.ts";
import { type IssueEventPayload, type NoteEventPayload, Topic } from "../pubsub.ts";
import { IssueType, presentIssue } from "../types/issue.type.ts";
import { NoteType, presentNote } from "../types/note.type.ts";

type IssueTopic = typeof Topic.IssueCreated | typeof Topic.IssueUpdated;
/** What a subscriber's stream hands to its field resolvers: the row and the loaders that authorised it. */
type IssueEvent = { issue: IssueEntity; loaders: Loaders };
type NoteEvent = { note: NoteEntity; projectId: number; loaders: Loaders };

/**
 * Each event is re-authorised for each subscriber with data read after the event was published (a
 * derived context with loaders of this event), through the same checks as a query (access.ts). The
 * reads behind them are shared by all subscribers of the event (event-scope.ts): a few queries per
 * event, not several per subscriber.
 */
const eventContext = (ctx: ApiContext, event: object): { evCtx: ApiContext; loaders: Loaders } => {
  const evCtx: ApiContext = { ...ctx };
  return { evCtx, loaders: useEventLoaders(evCtx, eventScope(event, ctx.dataSource)) };
};

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
        const { evCtx, loaders } = eventContext(ctx, event);
        const project = await loaders.projectById.load(event.projectId);
        if (!project || project.fullPath !== projectPath || !(await viewerActive(evCtx))) return null;
        const found = await readableIssue(evCtx, event.issueId);
        return found ? { issue: found.issue, loaders } : null;
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
      const { evCtx, loaders } = eventContext(ctx, event);
      if (!(await viewerActive(evCtx))) return null;
      const found = await readableIssue(evCtx, event.issueId);
      if (!found) return null;
      const note = await eventScope(event, ctx.dataSource).notes.load(event.noteId);
      return note && note.issueId === found.issue.id && canViewNote(found.abilities, note)
        ? { note, projectId: found.issue.projectId, loaders }
        : null;
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
    adoptLoaders(ctx, event.loaders);
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
    adoptLoaders(ctx, event.loaders);
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
    adoptLoaders(ctx, event.loaders);
    return presentNote(event.note, event.projectId);
  }
}
