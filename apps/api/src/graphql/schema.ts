import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { callFieldResolversDirectly, resolverContainer } from "./direct-resolvers.ts";
import { BulkResolver } from "./resolvers/bulk.resolver.ts";
import { CurrentUserResolver } from "./resolvers/current-user.resolver.ts";
import { CustomerContextResolver } from "./resolvers/customer-context.resolver.ts";
import { CustomEmailResolver } from "./resolvers/custom-email.resolver.ts";
import { IssueConnectionResolver, IssueResolver, NoteResolver } from "./resolvers/issue.resolver.ts";
import { IssueMutationsResolver } from "./resolvers/issue-mutations.resolver.ts";
import {
  DraftsSavedRepliesResolver,
  IssueDraftResolver,
  ProjectSavedRepliesResolver,
} from "./resolvers/drafts-saved-replies.resolver.ts";
import { MailHealthResolver } from "./resolvers/mail-health.resolver.ts";
import { IssueEnvelopeResolver, NoteEnvelopeResolver } from "./resolvers/message-envelope.resolver.ts";
import { NoteEditsResolver } from "./resolvers/note-edits.resolver.ts";
import { PresenceResolver } from "./resolvers/presence.resolver.ts";
import { ProjectResolver } from "./resolvers/project.resolver.ts";
import { ProjectQuarantineResolver, QuarantineResolver } from "./resolvers/quarantine.resolver.ts";
import { InboundMoveResolver, IssueRoutingResolver, NoteRoutingResolver } from "./resolvers/routing.resolver.ts";
import { ProjectSavedViewsResolver, SavedViewsResolver } from "./resolvers/saved-views.resolver.ts";
import { ServiceDeskResolver } from "./resolvers/service-desk.resolver.ts";
import { SubscriptionsResolver } from "./resolvers/subscriptions.resolver.ts";
import { NotificationsResolver, ProjectNotificationLevelResolver } from "./resolvers/notifications.resolver.ts";
import { TeamResolver } from "./resolvers/team.resolver.ts";
import { IssueReadResolver } from "./resolvers/waiting.resolver.ts";

export const RESOLVERS = [
  CurrentUserResolver,
  ProjectResolver,
  IssueResolver,
  IssueConnectionResolver,
  NoteResolver,
  IssueMutationsResolver,
  ServiceDeskResolver,
  CustomEmailResolver,
  QuarantineResolver,
  ProjectQuarantineResolver,
  MailHealthResolver,
  NoteRoutingResolver,
  IssueRoutingResolver,
  InboundMoveResolver,
  SubscriptionsResolver,
  NotificationsResolver,
  ProjectNotificationLevelResolver,
  NoteEditsResolver,
  NoteEnvelopeResolver,
  IssueEnvelopeResolver,
  PresenceResolver,
  IssueDraftResolver,
  ProjectSavedRepliesResolver,
  DraftsSavedRepliesResolver,
  IssueReadResolver,
  CustomerContextResolver,
  TeamResolver,
  BulkResolver,
  ProjectSavedViewsResolver,
  SavedViewsResolver,
] as const;

type PubSubOption = NonNullable<Parameters<typeof buildSchema>[0]["pubSub"]>;

/** Subscriptions subscribe through `ctx.pubSub` themselves; type-graphql only insists that one exists. */
const UNUSED_PUBSUB: PubSubOption = {
  publish: () => undefined,
  subscribe: () => {
    throw new Error("Subscriptions use ctx.pubSub.");
  },
};

/** Builds the schema; the PubSub argument is optional (schema.graphql is emitted without one). */
export const buildApiSchema = async (pubSub?: PubSubOption): Promise<GraphQLSchema> => {
  const container = resolverContainer();
  const schema = await buildSchema({
    resolvers: [...RESOLVERS],
    pubSub: pubSub ?? UNUSED_PUBSUB,
    validate: false,
    emitSchemaFile: false,
    container,
  });
  callFieldResolversDirectly(schema, RESOLVERS, container);
  return schema;
};

/** The committed SDL: sorted, so the file only changes when the schema does. */
export const printApiSchema = async () => `${printSchema(lexicographicSortSchema(await buildApiSchema()))}\n`;
