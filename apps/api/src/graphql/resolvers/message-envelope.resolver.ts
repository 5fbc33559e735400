// Issue 11.7: each message a customer sent shows its sender (display name and address), its To and Cc,
// and a link to the raw email — customers' addresses, so for Reporter+ only (customerAddressVisibility).
import { customerAddressVisibility, messageEnvelope } from "@tidings/core";
import { Ctx, Field, FieldResolver, Resolver, Root } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { loadersOf } from "../loaders.ts";
import { IssueType } from "../types/issue.type.ts";
import { NoteType } from "../types/note.type.ts";

@ObjectType("MessageEnvelope", { description: "Who sent an inbound email, to whom, and where its original is." })
export class MessageEnvelopeType {
  @Field(() => String, { nullable: true }) from!: string | null;
  @Field(() => String, { nullable: true, description: "The sender's display name, cleaned." }) fromName!: string | null;
  @Field(() => [String]) to!: string[];
  @Field(() => [String]) cc!: string[];
  @Field(() => Date) receivedAt!: Date;
  @Field(() => String, { description: "The stored original, as plain text (add ?download=1 for .eml)." })
  rawUrl!: string;
}

const envelopeFor = async (ctx: ApiContext, projectId: number, ref: { issueId: number; noteId: number | null }) => {
  const abilities = await loadersOf(ctx).abilities.load(projectId);
  if (!abilities || !customerAddressVisibility.allows(abilities)) return null;
  const e = await messageEnvelope(ctx.dataSource.manager, ref);
  return e
    ? {
        from: e.from,
        fromName: e.fromName,
        to: e.to,
        cc: e.cc,
        receivedAt: e.receivedAt,
        rawUrl: `/-/emails/${e.inboundEmailId}/raw`,
      }
    : null;
};

@Resolver(() => NoteType)
export class NoteEnvelopeResolver {
  @FieldResolver(() => MessageEnvelopeType, {
    nullable: true,
    description: "For a note made by an email: its sender, recipients and original (Reporter+).",
  })
  email(@Root() note: NoteType, @Ctx() ctx: ApiContext): Promise<MessageEnvelopeType | null> {
    if (!note.externalAuthorRaw) return Promise.resolve(null);
    return envelopeFor(ctx, note.projectId, { issueId: note.issueId, noteId: note.dbId });
  }
}

@Resolver(() => IssueType)
export class IssueEnvelopeResolver {
  @FieldResolver(() => MessageEnvelopeType, {
    nullable: true,
    description: "For an issue opened by an email: its sender, recipients and original (Reporter+).",
  })
  email(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<MessageEnvelopeType | null> {
    if (!issue.externalAuthorRaw) return Promise.resolve(null);
    return envelopeFor(ctx, issue.projectId, { issueId: issue.dbId, noteId: null });
  }
}
