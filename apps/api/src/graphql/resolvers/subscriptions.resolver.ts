import type { IssueEntity, NoteEntity } from "@tidings/db";
import type { SubscribeResolverData } from "type-graphql";
import { Arg, Ctx, ID, Resolver, Root, Subscription } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { canViewNote, readableIssue } from "../access.ts";
import { fromGid } from "../ids.ts";
import { type EventScope, eventLoaders, eventScope, useLoaders } from "../event-scope.ts";
import type { Loaders } from "../loaders.ts";
import { authorisedEvents } from "../local-pubsub.ts";
import { type IssueEventPayload, type NoteEventPayload, type PresenceEventPayload, Topic } from "../pubsub.ts";
import { IssuePresenceType } from "../types/presence.type.ts";
import { presentUser } from "./issue.resolver.ts";
import { IssueType, presentIssue } from "../types/issue.type.ts";
import { NoteType, presentNote } from "../types/note.type.ts";

type IssueTopic = typeof Topic.IssueCreated | typeof Topic.IssueUpdated;
/** What a subscriber's stream hands to its field resolvers: the row and the loaders that authorised it. */
type IssueEvent = { issue: IssueEntity; loaders: Loaders };
type NoteEvent = { note: NoteEntity; projectId: number; loaders: Loaders };

/**
 * Each event is re-authorised for each subscriber with data read after the event was published, through
 * the same checks as a query (access.ts): the subscription's authorising context (its own object, so
 * authorising the next event never changes the loaders the previous one's fields resolve with) gets the
 * loaders of this event. The reads behind them are shared by all subscribers of the event
 * (event-scope.ts): a few queries per event, not several per subscriber.
 */
const authorising = (ctx: ApiContext) => {
  const authCtx: ApiContext = { ...ctx };
  return (event: object) => {
    const scope = eventScope(event, ctx.dataSource);
    const loaders = useLoaders(authCtx, eventLoaders(scope, ctx.viewer));
    return { authCtx, loaders, scope };
  };
};

/** A subscriber blocked (or deleted) since it connected gets nothing more (the socket keeps its viewer). */
const viewerActive = async (ctx: ApiContext, scope: EventScope) =>
  ctx.viewer === null || !(await scope.blocked.load(ctx.viewer.id));

const issueStream =
  (topic: IssueTopic) => (data: SubscribeResolverData<unknown, { projectPath: string }, ApiContext>) => {
    const ctx = data.context;
    const projectPath = data.args.projectPath;
    const forEvent = authorising(ctx);
    return authorisedEvents(
      ctx.pubSub.subscribe(topic),
      async (event: IssueEventPayload): Promise<IssueEvent | null> => {
        const { authCtx, loaders, scope } = forEvent(event);
        const project = await loaders.projectById.load(event.projectId);
        if (!project || project.fullPath !== projectPath) return null;
        scope.warmIssue(event.issueId);
        if (!(await viewerActive(authCtx, scope))) return null;
        const found = await readableIssue(authCtx, event.issueId);
        if (!found) return null;
        await scope.turn();
        return { issue: found.issue, loaders };
      },
    );
  };

const noteStream =
  (topic: typeof Topic.NoteCreated | typeof Topic.NoteUpdated) =>
  (data: SubscribeResolverData<unknown, { noteableId: string }, ApiContext>) => {
    const ctx = data.context;
    const issueId = fromGid("Issue", data.args.noteableId);
    const forEvent = authorising(ctx);
    return authorisedEvents(ctx.pubSub.subscribe(topic), async (event: NoteEventPayload): Promise<NoteEvent | null> => {
      if (issueId === null || event.issueId !== issueId) return null;
      const { authCtx, loaders, scope } = forEvent(event);
      scope.warmNote(event.noteId);
      if (!(await viewerActive(authCtx, scope))) return null;
      const found = await readableIssue(authCtx, event.issueId);
      if (!found) return null;
      const note = await scope.notes.load(event.noteId);
      if (!note || note.issueId !== found.issue.id || !canViewNote(found.abilities, note)) return null;
      await scope.turn();
      return { note, projectId: found.issue.projectId, loaders };
    });
  };

const presenceStream = (data: SubscribeResolverData<unknown, { noteableId: string }, ApiContext>) => {
  const ctx = data.context;
  const issueId = fromGid("Issue", data.args.noteableId);
  const forEvent = authorising(ctx);
  return authorisedEvents(
    ctx.pubSub.subscribe(Topic.Presence),
    async (event: PresenceEventPayload): Promise<IssuePresenceType | null> => {
      if (issueId === null || event.issueId !== issueId || event.userId === ctx.viewer?.id) return null;
      const { authCtx, loaders, scope } = forEvent(event);
      if (!(await viewerActive(authCtx, scope))) return null;
      const found = await readableIssue(authCtx, event.issueId);
      if (!found?.abilities.readPresence) return null;
      const user = await loaders.userById.load(event.userId);
      if (!user) return null;
      return { user: presentUser(user), state: event.state, at: new Date() };
    },
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
    useLoaders(ctx, event.loaders);
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
    useLoaders(ctx, event.loaders);
    return presentIssue(event.issue);
  }

  @Subscription(() => NoteType, {
    nullable: true,
    description: "Notes added to the issue that the subscriber may see (internal notes: Reporter+).",
    subscribe: noteStream(Topic.NoteCreated),
  })
  noteCreated(
    @Root() event: NoteEvent,
    @Arg("noteableId", () => ID) _noteableId: string,
    @Ctx() ctx: ApiContext,
  ): NoteType {
    useLoaders(ctx, event.loaders);
    return presentNote(event.note, event.projectId);
  }

  @Subscription(() => NoteType, {
    nullable: true,
    description: "Notes of the issue edited or deleted (issue 11.6), for subscribers who may see them.",
    subscribe: noteStream(Topic.NoteUpdated),
  })
  noteUpdated(
    @Root() event: NoteEvent,
    @Arg("noteableId", () => ID) _noteableId: string,
    @Ctx() ctx: ApiContext,
  ): NoteType {
    useLoaders(ctx, event.loaders);
    return presentNote(event.note, event.projectId);
  }

  @Subscription(() => IssuePresenceType, {
    nullable: true,
    description:
      "Issue 11.5: who else is viewing or replying to the issue (Reporter+; the subscriber's own presence is left out).",
    subscribe: presenceStream,
  })
  issuePresence(@Root() event: IssuePresenceType, @Arg("noteableId", () => ID) _noteableId: string): IssuePresenceType {
    return event;
  }
}
