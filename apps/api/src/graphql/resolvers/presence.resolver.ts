// Issue 11.5: a responder tells the others on the same issue that they are viewing it, typing a reply, or
// have left. Nothing is stored: the event goes out through NOTIFY at once (every api node), to
// subscribers who may see presence (readPresence: Reporter+), re-checked per event.
import { publishPresence } from "@tidings/core";
import { Arg, Ctx, Field, ID, Mutation, Resolver } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableIssue } from "../access.ts";
import { fromGid } from "../ids.ts";

@ObjectType("SetIssuePresencePayload")
export class SetIssuePresencePayload {
  @Field(() => [String]) errors!: string[];
}

const STATES = ["viewing", "typing", "left"] as const;

@Resolver()
export class PresenceResolver {
  @Mutation(() => SetIssuePresencePayload, {
    description: "Tells the other responders on the issue: viewing, typing or left (Reporter+).",
  })
  async setIssuePresence(
    @Arg("noteableId", () => ID) noteableId: string,
    @Arg("state", () => String, { description: "viewing, typing or left" }) state: string,
    @Ctx() ctx: ApiContext,
  ): Promise<SetIssuePresencePayload> {
    if (!STATES.includes(state as (typeof STATES)[number]))
      return { errors: ["state must be one of: viewing, typing, left."] };
    const found = await readableIssue(ctx, fromGid("Issue", noteableId));
    if (!ctx.viewer || !found?.abilities.readPresence) return { errors: [NOT_FOUND_OR_FORBIDDEN] };
    await publishPresence(ctx.dataSource.manager, {
      projectId: found.issue.projectId,
      issueId: found.issue.id,
      userId: ctx.viewer.id,
      state: state as (typeof STATES)[number],
    });
    return { errors: [] };
  }
}
