import type { CappedCount, SearchSnippet } from "@tidings/core";
import type { IssueEntity } from "@tidings/db";
import { Field, ID, Int } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import { toGid } from "../ids.ts";
import { PageInfoType } from "./common.type.ts";
import { IssueStateEnum, SearchSnippetSourceEnum } from "./enums.ts";

@ObjectType("Issue")
export class IssueType {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "Per-project number, as GitLab (a string)." }) iid!: string;
  @Field(() => String) title!: string;
  @Field(() => IssueStateEnum) state!: IssueStateEnum;
  @Field(() => Boolean) confidential!: boolean;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
  @Field(() => Boolean, { description: "Issue 10.1: a customer message waits for a public answer (any state)." })
  needsReply!: boolean;
  @Field(() => Date, { nullable: true, description: "Since when the oldest unanswered customer message waits." })
  waitingSince!: Date | null;
  @Field(() => Date, { description: "When the customer last wrote (the creation when nobody did)." })
  lastCustomerActivityAt!: Date;
  @Field(() => Date, { nullable: true, description: "The team's first public reply." }) firstTeamReplyAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "The team's last public reply." }) lastTeamReplyAt!: Date | null;
  /** Not exposed: used by field resolvers and authorisation. */
  dbId!: number;
  /** The description when loaded with the row; list rows leave it out (the `description` field loads it). */
  descriptionRaw!: string | undefined;
  projectId!: number;
  authorId!: number;
  externalAuthorRaw!: string | null;
  movedToId!: number | null;
  iidNumber!: number;
  /**
   * Not exposed: its page's snippets by issue id (issue 10.5), read with the page when a node asks, or the
   * error that read failed with. Data, not a closure per row: a closure over its own row made V8 keep every
   * page's rows through the next scavenge (issue 14.4).
   */
  pageSnippets?: ReadonlyMap<number, SearchSnippet> | Error;
}

@ObjectType("SearchSnippetPart", {
  description: "Plain text of a snippet; `highlight` marks a match (render as text).",
})
export class SearchSnippetPartType {
  @Field(() => String) text!: string;
  @Field(() => Boolean) highlight!: boolean;
}

@ObjectType("SearchSnippet", { description: "A short excerpt of a search hit with the matches marked (issue 10.5)." })
export class SearchSnippetType {
  @Field(() => SearchSnippetSourceEnum) source!: SearchSnippetSourceEnum;
  @Field(() => [SearchSnippetPartType]) parts!: SearchSnippetPartType[];
}

/** An issue row as loaded: the entity, or a list row (no description). */
export type IssueFields = Pick<
  IssueEntity,
  | "id"
  | "projectId"
  | "iid"
  | "title"
  | "state"
  | "confidential"
  | "authorId"
  | "externalAuthor"
  | "movedToId"
  | "closedAt"
  | "createdAt"
  | "updatedAt"
  | "lastCustomerActivityAt"
  | "awaitingReplySince"
  | "firstTeamReplyAt"
  | "lastTeamReplyAt"
> & { description?: string };

export const presentIssue = (e: IssueFields): IssueType => ({
  id: toGid("Issue", e.id),
  iid: String(e.iid),
  title: e.title,
  descriptionRaw: e.description,
  state: e.state,
  confidential: e.confidential,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
  closedAt: e.closedAt,
  needsReply: e.awaitingReplySince !== null,
  waitingSince: e.awaitingReplySince,
  lastCustomerActivityAt: e.lastCustomerActivityAt,
  firstTeamReplyAt: e.firstTeamReplyAt,
  lastTeamReplyAt: e.lastTeamReplyAt,
  dbId: e.id,
  projectId: e.projectId,
  authorId: e.authorId,
  externalAuthorRaw: e.externalAuthor,
  movedToId: e.movedToId,
  iidNumber: e.iid,
});

@ObjectType("IssueConnection")
export class IssueConnectionType {
  @Field(() => [IssueType]) nodes!: IssueType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
  /** Not exposed: the total is counted only when asked for. */
  countFn!: () => Promise<number>;
  /** Not exposed: the count up to the cap (`countCapped`, `countIsExact`), one query for both fields. */
  cappedCountFn!: () => Promise<CappedCount>;
}

@ObjectType("IssuePermissions", { description: "What the viewer may do on this issue." })
export class IssuePermissionsType {
  @Field(() => Boolean) readIssue!: boolean;
  @Field(() => Boolean) updateIssue!: boolean;
  @Field(() => Boolean) createNote!: boolean;
  @Field(() => Boolean) createInternalNote!: boolean;
  @Field(() => Boolean, { description: "Read full external addresses, participants and the email log." })
  readExternalEmails!: boolean;
  @Field(() => Boolean, { description: "Move an email of this issue to another issue, or split it (12.6)." })
  moveInboundMessage!: boolean;
}

@ObjectType("IssueEmailParticipant")
export class EmailParticipantType {
  @Field(() => String) email!: string;
  @Field(() => Boolean) unsubscribed!: boolean;
}

@ObjectType("IssueEmail", { description: "One entry of the issue's email log (D5)." })
export class IssueEmailType {
  @Field(() => ID) id!: string;
  @Field(() => String) to!: string;
  @Field(() => String) subject!: string;
  @Field(() => String) kind!: string;
  @Field(() => String, { description: "queued, sending, sent or failed." }) status!: string;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) attempts!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
}
