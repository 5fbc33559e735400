import { unwrapResolverError } from "@apollo/server/errors";
import { DomainError } from "@tidings/core";
import type { GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";

/** One mapping of errors at the GraphQL edge; anything unexpected is masked (never a stack trace). */
export const formatError = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return { message: original.message, path: formatted.path, extensions: { code: original.code } };
  }
  if (original instanceof ArgumentValidationError) {
    return { message: formatted.message, path: formatted.path, extensions: { code: "BAD_USER_INPUT" } };
  }
  const code = formatted.extensions?.code;
  if (code && code !== "INTERNAL_SERVER_ERROR") {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
};
