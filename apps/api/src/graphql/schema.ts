import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { CurrentUserResolver } from "./resolvers/current-user.resolver.ts";
import { ProjectResolver } from "./resolvers/project.resolver.ts";

export const RESOLVERS = [CurrentUserResolver, ProjectResolver] as const;

/** Builds the schema; pubSub is required only for subscriptions (omit it to emit schema.graphql). */
export const buildApiSchema = (pubSub?: Parameters<typeof buildSchema>[0]["pubSub"]): Promise<GraphQLSchema> =>
  buildSchema({ resolvers: [...RESOLVERS], pubSub, validate: false, emitSchemaFile: false });
