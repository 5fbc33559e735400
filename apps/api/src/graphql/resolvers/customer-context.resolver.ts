// Issue 10.4 through GraphQL: the requester's history in this project, and managing a ticket's email
// participants from the sidebar (GitLab's /add_email and /remove_email: Reporter+, the same core rules and
// texts as the quick actions). Customers' addresses: Reporter+ (customerAddressVisibility).
import {
  addEmailParticipants,
  customerAddressVisibility,
  removeEmailParticipants,
  requesterHistory,
} from "@tidings/core";
import { IssueEntity } from "@tidings/db";
import { Arg, Ctx, Field, FieldResolver, InputType, Int, Mutation, Resolver, Root } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN } from "../access.ts";
import { addressesVisible } from "../issue-fields.ts";
import { loadersOf } from "../loaders.ts";
import { loadNow, type MaybePromise, withValue } from "../settled.ts";
import { runMutation } from "../mutation.ts";
import { IssueType, presentIssue } from "../types/issue.type.ts";
import { issueByPath } from "./issue-mutations.resolver.ts";

@ObjectType("RequesterTicket")
export class RequesterTicketType {
  @Field(() => String) iid!: string;
  @Field(() => String) title!: string;
  @Field(() => String) state!: string;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType("RequesterHistory", { description: "Issue 10.4: the requester's tickets in this project." })
export class RequesterHistoryType {
  @Field(() => Int, { description: "Every ticket of theirs in the project, this one included." }) total!: number;
  @Field(() => Int) open!: number;
  @Field(() => [RequesterTicketType], { description: "Up to 5 others, open first, then newest." })
  others!: RequesterTicketType[];
}

@InputType("IssueEmailParticipantsInput")
export class IssueEmailParticipantsInput {
  @Field(() => String) projectPath!: string;
  @Field(() => String) iid!: string;
  @Field(() => [String], { description: "At most 6 addresses." }) emails!: string[];
}

@ObjectType("IssueEmailParticipantsPayload")
export class IssueEmailParticipantsPayload {
  @Field(() => IssueType, { nullable: true }) issue!: IssueType | null;
  @Field(() => [String]) errors!: string[];
}

const changeParticipants = async (
  ctx: ApiContext,
  input: IssueEmailParticipantsInput,
  action: "add" | "remove",
): Promise<IssueEmailParticipantsPayload> => {
  const found = await issueByPath(ctx, input.projectPath, input.iid);
  const viewer = ctx.viewer;
  if (!viewer || !found?.abilities.updateIssue) return { issue: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
  const result = await runMutation(ctx, async (db) => {
    const ref = { issueId: found.issue.id, actorId: viewer.id, emails: input.emails.map((e) => e.trim()) };
    if (action === "add") await addEmailParticipants(db, ctx.mail, ref);
    else await removeEmailParticipants(db, ref);
    return db.findOneByOrFail(IssueEntity, { id: found.issue.id });
  });
  return result.ok ? { issue: presentIssue(result.value), errors: [] } : { issue: null, errors: result.errors };
};

@Resolver(() => IssueType)
export class CustomerContextResolver {
  @FieldResolver(() => RequesterHistoryType, {
    nullable: true,
    description: "The requester's tickets in this project; null below Reporter or without a requester.",
  })
  async requesterHistory(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<RequesterHistoryType | null> {
    if (!issue.externalAuthorRaw) return null;
    const abilities = await loadersOf(ctx).abilities.load(issue.projectId);
    if (!abilities || !customerAddressVisibility.allows(abilities)) return null;
    const h = await requesterHistory(ctx.dataSource.manager, {
      projectId: issue.projectId,
      issueId: issue.dbId,
      requester: issue.externalAuthorRaw,
    });
    return { ...h, others: h.others.map((t) => ({ ...t, iid: String(t.iid) })) };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The requester's display name from the email that opened the issue (10.3, 10.4); null below Reporter or without one. Batched for a list page.",
  })
  requesterName(@Root() issue: IssueType, @Ctx() ctx: ApiContext): MaybePromise<string | null> {
    if (!issue.externalAuthorRaw) return null;
    return withValue(addressesVisible(ctx, issue.projectId), (visible) =>
      visible ? loadNow(loadersOf(ctx).requesterNameByIssueId, issue.dbId) : null,
    );
  }

  @Mutation(() => IssueEmailParticipantsPayload, {
    description: "Adds email participants (GitLab /add_email: Reporter+); each is told they were added.",
  })
  issueEmailParticipantsAdd(
    @Arg("input", () => IssueEmailParticipantsInput) input: IssueEmailParticipantsInput,
    @Ctx() ctx: ApiContext,
  ): Promise<IssueEmailParticipantsPayload> {
    return changeParticipants(ctx, input, "add");
  }

  @Mutation(() => IssueEmailParticipantsPayload, {
    description: "Removes email participants (GitLab /remove_email: Reporter+).",
  })
  issueEmailParticipantsRemove(
    @Arg("input", () => IssueEmailParticipantsInput) input: IssueEmailParticipantsInput,
    @Ctx() ctx: ApiContext,
  ): Promise<IssueEmailParticipantsPayload> {
    return changeParticipants(ctx, input, "remove");
  }
}
