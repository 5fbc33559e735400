// Issue 10.1 through GraphQL: whether the viewer has read an issue's latest activity, and marking it read
// (opening the thread does). Read marks are per user; nobody sees another's.
import { isUnread, markIssueRead } from "@tidings/core";
import { Arg, Ctx, Field, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableIssue } from "../access.ts";
import { fromGid } from "../ids.ts";
import { loadersOf } from "../loaders.ts";
import { loadNow, type MaybePromise, withValue } from "../settled.ts";
import { IssueType } from "../types/issue.type.ts";

@ObjectType("MarkIssueReadPayload")
export class MarkIssueReadPayload {
  @Field(() => [String]) errors!: string[];
}

@Resolver(() => IssueType)
export class IssueReadResolver {
  @FieldResolver(() => Boolean, {
    description: "Something happened on the issue since the viewer last read it (false for anonymous).",
  })
  unread(@Root() issue: IssueType, @Ctx() ctx: ApiContext): MaybePromise<boolean> {
    if (!ctx.viewer) return false;
    return withValue(loadNow(loadersOf(ctx).readAtByIssueId, issue.dbId), (readAt) =>
      isUnread(issue.updatedAt, readAt),
    );
  }

  @Mutation(() => MarkIssueReadPayload, { description: "The viewer has read the issue's latest activity." })
  async markIssueRead(
    @Arg("noteableId", () => ID) noteableId: string,
    @Ctx() ctx: ApiContext,
  ): Promise<MarkIssueReadPayload> {
    const found = await readableIssue(ctx, fromGid("Issue", noteableId));
    if (!ctx.viewer || !found) return { errors: [NOT_FOUND_OR_FORBIDDEN] };
    await markIssueRead(ctx.dataSource.manager, ctx.viewer.id, found.issue.id);
    return { errors: [] };
  }
}
