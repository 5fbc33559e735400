// Issue 12.6: explainable, reversible threading through GraphQL. Note.routing and Issue.routing say why an
// email landed where it did (for those who may see customers' addresses: Reporter+, the one rule), and
// inboundMessageMove moves an email-made note to another issue or splits it into a new one
// (moveInboundMessage ability: Reporter+).
import {
  customerAddressVisibility,
  describeScreening,
  decodeRoute,
  explainRoute,
  moveInboundMessage,
  type RouteReason,
  type Screening,
} from "@tidings/core";
import { IssueEntity, NoteEntity } from "@tidings/db";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableIssue } from "../access.ts";
import { fromGid } from "../ids.ts";
import { loadersOf } from "../loaders.ts";
import { runMutation } from "../mutation.ts";
import { IssueType, presentIssue } from "../types/issue.type.ts";
import { NoteType, presentNote } from "../types/note.type.ts";

@ObjectType("InboundRouting", { description: "Issue 12.6: why an email landed where it did." })
export class InboundRoutingType {
  @Field(() => String, { description: "reply_key, thread, new_issue, follows_move or moved." }) reason!: string;
  @Field(() => String, { description: "The sentence for a responder." }) explanation!: string;
  @Field(() => String, {
    nullable: true,
    description: "Issue 13.3: what sender authentication and the spam check said (SPF, DKIM, DMARC, ARC, score).",
  })
  senderChecks!: string | null;
}

@InputType("InboundMessageMoveInput")
export class InboundMessageMoveInput {
  @Field(() => ID, { description: "The note the email made." }) noteId!: string;
  @Field(() => String, { nullable: true, description: "The iid of the issue of the same project to move it to." })
  targetIid?: string | null;
  @Field(() => Boolean, { nullable: true, description: "Split it into a new issue instead." }) newIssue?:
    | boolean
    | null;
}

@ObjectType("InboundMessageMovePayload")
export class InboundMessageMovePayload {
  @Field(() => NoteType, { nullable: true }) note!: NoteType | null;
  @Field(() => IssueType, { nullable: true, description: "Where the message is now." }) issue!: IssueType | null;
  @Field(() => [String]) errors!: string[];
}

type RoutingRow = { route_reason: string | null; route_detail: string | null; screening: Screening | null };

const present = (row: RoutingRow | undefined): InboundRoutingType | null => {
  const r: RouteReason | null = row ? decodeRoute(row.route_reason, row.route_detail) : null;
  if (!r) return null;
  return {
    reason: r.reason,
    explanation: explainRoute(r),
    senderChecks: row?.screening ? describeScreening(row.screening) || null : null,
  };
};

/** The viewer may read how customers' mail was routed (Reporter+). */
const mayRead = async (ctx: ApiContext, projectId: number) => {
  const abilities = await loadersOf(ctx).abilities.load(projectId);
  return !!abilities && customerAddressVisibility.allows(abilities);
};

const routeOf = async (ctx: ApiContext, id: number): Promise<RoutingRow | undefined> => {
  const [row]: RoutingRow[] = await ctx.dataSource.query(
    "SELECT route_reason, route_detail, screening FROM inbound_emails WHERE note_id = $1 ORDER BY id DESC LIMIT 1",
    [id],
  );
  return row;
};

@Resolver(() => NoteType)
export class NoteRoutingResolver {
  @FieldResolver(() => InboundRoutingType, {
    nullable: true,
    description: "Why the email that made this note landed here (Reporter+; null for other notes).",
  })
  async routing(@Root() note: NoteType, @Ctx() ctx: ApiContext): Promise<InboundRoutingType | null> {
    if (!(await mayRead(ctx, note.projectId))) return null;
    return present(await routeOf(ctx, note.dbId));
  }
}

@Resolver(() => IssueType)
export class IssueRoutingResolver {
  @FieldResolver(() => InboundRoutingType, {
    nullable: true,
    description: "Why the email that opened this issue made a new issue (Reporter+; null otherwise).",
  })
  async routing(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<InboundRoutingType | null> {
    if (!(await mayRead(ctx, issue.projectId))) return null;
    const [row]: RoutingRow[] = await ctx.dataSource.query(
      `SELECT route_reason, route_detail, screening FROM inbound_emails WHERE issue_id = $1 AND status = 'issue'
        ORDER BY id LIMIT 1`,
      [issue.dbId],
    );
    return present(row);
  }
}

@Resolver()
export class InboundMoveResolver {
  @Mutation(() => InboundMessageMovePayload, {
    description: "Moves an email-made note to another issue of the project, or splits it into a new issue (Reporter+).",
  })
  async inboundMessageMove(
    @Arg("input", () => InboundMessageMoveInput) input: InboundMessageMoveInput,
    @Ctx() ctx: ApiContext,
  ): Promise<InboundMessageMovePayload> {
    const denied = { note: null, issue: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const viewer = ctx.viewer;
    const noteId = fromGid("Note", input.noteId);
    if (!viewer || noteId === null) return denied;
    const note = await ctx.dataSource.manager.findOne(NoteEntity, {
      where: { id: noteId },
      select: { id: true, issueId: true },
    });
    const found = note ? await readableIssue(ctx, note.issueId) : null;
    if (!found?.abilities.moveInboundMessage) return denied;
    const wantsNew = input.newIssue === true;
    const iid = input.targetIid?.trim().replace(/^#/, "") ?? "";
    if (wantsNew === (iid !== "")) {
      return {
        note: null,
        issue: null,
        errors: ["Give the number of the issue to move the message to, or choose a new issue — one of them."],
      };
    }
    let target: { issueId: number } | { newIssue: true } = { newIssue: true };
    if (!wantsNew) {
      if (!/^\d{1,9}$/.test(iid))
        return { note: null, issue: null, errors: [`“${input.targetIid}” is not an issue number.`] };
      const to = await ctx.dataSource.manager.findOne(IssueEntity, {
        where: { projectId: found.issue.projectId, iid: Number(iid) },
        select: { id: true, projectId: true, confidential: true },
      });
      // An issue the viewer may not see reads as one that does not exist.
      if (!to || !(await readableIssue(ctx, to.id))) {
        return { note: null, issue: null, errors: [`There is no issue #${iid} in this project that you can see.`] };
      }
      target = { issueId: to.id };
    }
    const result = await runMutation(ctx, (db) =>
      moveInboundMessage(db, { noteId: note!.id, actorId: viewer.id, target }),
    );
    if (!result.ok) return { note: null, issue: null, errors: result.errors };
    return {
      note: presentNote(result.value.note, result.value.to.projectId),
      issue: presentIssue(result.value.to),
      errors: [],
    };
  }
}
