// Issue 10.2 through GraphQL: the viewer's own notifications (the bell and the inbox), their level per
// project, and a live stream of new ones. Each notification is shown only while its issue is readable
// by the viewer (the one policy, access.ts), so a lost membership takes the bell's entries with it.
import {
  findNotification,
  type InboxEntry,
  levelOf,
  listNotifications,
  markNotificationsRead,
  notificationLevels,
  setNotificationLevel,
  unreadNotificationCounts,
  unreadNotificationIssueIds,
} from "@tidings/core";
import type { SubscribeResolverData } from "type-graphql";
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableIssue, readableProject } from "../access.ts";
import { eventLoaders, eventScope, useLoaders } from "../event-scope.ts";
import { fromGid, toGid } from "../ids.ts";
import type { Loaders } from "../loaders.ts";
import { authorisedEvents } from "../local-pubsub.ts";
import { runMutation } from "../mutation.ts";
import { type NotificationEventPayload, Topic } from "../pubsub.ts";
import { NotificationLevelEnum } from "../types/enums.ts";
import { IssueType, presentIssue } from "../types/issue.type.ts";
import { ProjectType } from "../types/project.type.ts";

@ObjectType("Notification", { description: "Something a customer did that the viewer is told of (issue 10.2)." })
export class NotificationType {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "NEW_TICKET or CUSTOMER_REPLY" }) kind!: string;
  @Field(() => String, { description: "ASSIGNED (the ticket is yours) or WATCHING (you watch the project)" })
  reason!: string;
  @Field(() => IssueType) issue!: IssueType;
  @Field(() => ID, { description: "The full path of the issue's project (for links)." }) projectPath!: string;
  @Field(() => ID, { nullable: true, description: "The customer's reply (null for a new ticket)." })
  noteId!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) readAt!: Date | null;
}

@ObjectType("NotificationConnection")
export class NotificationConnectionType {
  @Field(() => [NotificationType]) nodes!: NotificationType[];
  @Field(() => Int, { description: "Unread notifications about issues the viewer may read (the bell's count)." })
  unreadCount!: number;
}

@InputType("NotificationsMarkReadInput")
export class NotificationsMarkReadInput {
  @Field(() => [ID], { nullable: true, description: "These notifications; omitted with `all`." })
  ids?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: "Every notification of the viewer." }) all?: boolean | null;
}

@ObjectType("NotificationsMarkReadPayload")
export class NotificationsMarkReadPayload {
  @Field(() => Int) unreadCount!: number;
  @Field(() => [String]) errors!: string[];
}

@InputType("NotificationSettingUpdateInput")
export class NotificationSettingUpdateInput {
  @Field(() => ID) projectPath!: string;
  @Field(() => NotificationLevelEnum) level!: string;
}

@ObjectType("NotificationSettingUpdatePayload")
export class NotificationSettingUpdatePayload {
  @Field(() => NotificationLevelEnum, { nullable: true }) level!: string | null;
  @Field(() => [String]) errors!: string[];
}

/** The entry as GraphQL shows it, or null when the viewer may no longer read its issue. */
const present = async (ctx: ApiContext, n: InboxEntry): Promise<NotificationType | null> => {
  const found = await readableIssue(ctx, n.issueId);
  const project = found && (await readableProject(ctx, { id: found.issue.projectId }));
  if (!found || !project) return null;
  return {
    projectPath: project.project.fullPath,
    id: toGid("Notification", n.id),
    kind: n.kind.toUpperCase(),
    reason: n.reason.toUpperCase(),
    issue: presentIssue(found.issue),
    noteId: n.noteId === null ? null : toGid("Note", n.noteId),
    createdAt: n.createdAt,
    readAt: n.readAt,
  };
};

/**
 * The bell's count: the unread entries the inbox would show. Where the viewer reads every ticket of a
 * project (Reporter+) its count stands; elsewhere (an assigned Guest) each entry's issue is checked.
 */
const unreadCount = async (ctx: ApiContext): Promise<number> => {
  const viewer = ctx.viewer;
  if (!viewer) return 0;
  let total = 0;
  for (const [projectId, n] of await unreadNotificationCounts(ctx.dataSource.manager, viewer.id)) {
    const found = await readableProject(ctx, { id: projectId });
    if (!found) continue;
    if (found.abilities.readConfidential) total += n;
    else
      for (const issueId of await unreadNotificationIssueIds(ctx.dataSource.manager, viewer.id, projectId))
        if (await readableIssue(ctx, issueId)) total++;
  }
  return total;
};

type NotificationEvent = { entry: InboxEntry; loaders: Loaders };

const notificationStream = (data: SubscribeResolverData<unknown, object, ApiContext>) => {
  const ctx = data.context;
  const authCtx: ApiContext = { ...ctx };
  return authorisedEvents(
    ctx.pubSub.subscribe(Topic.Notification),
    async (event: NotificationEventPayload): Promise<NotificationEvent | null> => {
      if (!ctx.viewer || event.userId !== ctx.viewer.id) return null;
      const scope = eventScope(event, ctx.dataSource);
      const loaders = useLoaders(authCtx, eventLoaders(scope, ctx.viewer));
      if (await scope.blocked.load(ctx.viewer.id)) return null;
      if (!(await readableIssue(authCtx, event.issueId))) return null;
      const entry = await findNotification(ctx.dataSource.manager, ctx.viewer.id, event.notificationId);
      return entry ? { entry, loaders } : null;
    },
  );
};

@Resolver()
export class NotificationsResolver {
  @Query(() => NotificationConnectionType, { description: "The viewer's notifications, newest first (the inbox)." })
  async notifications(
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("unreadOnly", () => Boolean, { nullable: true }) unreadOnly: boolean | null,
    @Ctx() ctx: ApiContext,
  ): Promise<NotificationConnectionType> {
    if (!ctx.viewer) return { nodes: [], unreadCount: 0 };
    const entries = await listNotifications(ctx.dataSource.manager, ctx.viewer.id, {
      first: first ?? 20,
      unreadOnly: unreadOnly ?? false,
    });
    const nodes = (await Promise.all(entries.map((e) => present(ctx, e)))).filter((n) => n !== null);
    return { nodes, unreadCount: await unreadCount(ctx) };
  }

  @Mutation(() => NotificationsMarkReadPayload, { description: "Marks the viewer's notifications read." })
  async notificationsMarkRead(
    @Arg("input", () => NotificationsMarkReadInput) input: NotificationsMarkReadInput,
    @Ctx() ctx: ApiContext,
  ): Promise<NotificationsMarkReadPayload> {
    const viewer = ctx.viewer;
    if (!viewer) return { unreadCount: 0, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const ids = (input.ids ?? []).map((id) => fromGid("Notification", id));
    if (ids.some((id) => id === null)) return { unreadCount: 0, errors: ["An id is not a notification id."] };
    if (!input.all && ids.length === 0) return { unreadCount: 0, errors: ["Name the notifications, or all."] };
    const scope = input.all ? { all: true as const } : { ids: ids as number[] };
    await runMutation(ctx, (db) => markNotificationsRead(db, viewer.id, scope));
    return { unreadCount: await unreadCount(ctx), errors: [] };
  }

  @Mutation(() => NotificationSettingUpdatePayload, {
    description: "Sets the viewer's notification level on a project they may read tickets of (Reporter+).",
  })
  async notificationSettingUpdate(
    @Arg("input", () => NotificationSettingUpdateInput) input: NotificationSettingUpdateInput,
    @Ctx() ctx: ApiContext,
  ): Promise<NotificationSettingUpdatePayload> {
    const viewer = ctx.viewer;
    const found = await readableProject(ctx, { fullPath: input.projectPath });
    if (!viewer || !found?.abilities.readConfidential) return { level: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const r = await runMutation(ctx, (db) => setNotificationLevel(db, viewer.id, found.project.id, input.level));
    return r.ok ? { level: r.value, errors: [] } : { level: null, errors: r.errors };
  }

  @Subscription(() => NotificationType, {
    nullable: true,
    description: "The viewer's new notifications, live (each re-checked against the issue's visibility).",
    subscribe: notificationStream,
  })
  async notificationReceived(
    @Root() event: NotificationEvent,
    @Ctx() ctx: ApiContext,
  ): Promise<NotificationType | null> {
    useLoaders(ctx, event.loaders);
    return present(ctx, event.entry);
  }
}

@Resolver(() => ProjectType)
export class ProjectNotificationLevelResolver {
  @FieldResolver(() => NotificationLevelEnum, {
    nullable: true,
    description: "The viewer's notification level here (null unless they may read its tickets).",
  })
  async notificationLevel(@Root() project: ProjectType, @Ctx() ctx: ApiContext): Promise<string | null> {
    const found = await readableProject(ctx, { id: project.dbId });
    if (!ctx.viewer || !found?.abilities.readConfidential) return null;
    return levelOf(await notificationLevels(ctx.dataSource.manager, ctx.viewer.id), project.dbId);
  }
}
