import { Field, Float, ID, InputType } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import { IssueStateEvent } from "./enums.ts";
import { IssueType } from "./issue.type.ts";
import { NoteType } from "./note.type.ts";
import { ServiceDeskSettingsType } from "./service-desk.type.ts";

@InputType("CreateNoteInput")
export class CreateNoteInput {
  @Field(() => ID, { description: "Global id of the issue, e.g. gid://tidings/Issue/12." }) noteableId!: string;
  @Field(() => String) body!: string;
  @Field(() => Boolean, { nullable: true, description: "Visible to Reporter+ only and never emailed." })
  internal?: boolean | null;
  @Field(() => IssueStateEvent, { nullable: true, description: "Comment & close / Comment & reopen (issue 11.6)." })
  stateEvent?: IssueStateEvent | null;
  @Field(() => ID, {
    nullable: true,
    description:
      "The newest note the author had seen (issue 11.5). A public reply is refused, with staleNoteIds, when a newer " +
      "public message from someone else arrived since; send again with the newest id to confirm.",
  })
  lastSeenNoteId?: string | null;
  @Field(() => [ID], { nullable: true, description: "Files uploaded with POST /uploads (gid://tidings/Upload/N)." })
  uploadIds?: string[] | null;
}

@ObjectType("QuickActionsStatus", { description: "What the comment's quick actions did (GitLab's name)." })
export class QuickActionsStatusType {
  @Field(() => [String]) messages!: string[];
  @Field(() => Boolean, { description: "True when the comment was only quick actions: no note was stored." })
  commandsOnly!: boolean;
}

@ObjectType("CreateNotePayload")
export class CreateNotePayload {
  @Field(() => NoteType, { nullable: true }) note!: NoteType | null;
  @Field(() => QuickActionsStatusType, { nullable: true }) quickActionsStatus?: QuickActionsStatusType | null;
  @Field(() => Boolean, { description: "The note was sent to the ticket's email participants." })
  emailed!: boolean;
  @Field(() => [ID], { description: "Newer public messages the reply was written without (issue 11.5)." })
  staleNoteIds!: string[];
  @Field(() => [String]) errors!: string[];
}

@InputType("UpdateIssueInput")
export class UpdateIssueInput {
  @Field(() => ID) projectPath!: string;
  @Field(() => String) iid!: string;
  @Field(() => IssueStateEvent, { nullable: true }) stateEvent?: IssueStateEvent | null;
  @Field(() => String, { nullable: true }) title?: string | null;
  @Field(() => Boolean, { nullable: true }) confidential?: boolean | null;
  @Field(() => [String], { nullable: true, description: "Replaces the labels; missing labels are created." })
  labels?: string[] | null;
  @Field(() => [String], { nullable: true, description: "Replaces the assignees." })
  assigneeUsernames?: string[] | null;
}

@ObjectType("UpdateIssuePayload")
export class UpdateIssuePayload {
  @Field(() => IssueType, { nullable: true }) issue!: IssueType | null;
  @Field(() => [String]) errors!: string[];
}

@InputType("IssueMoveInput")
export class IssueMoveInput {
  @Field(() => ID) projectPath!: string;
  @Field(() => String) iid!: string;
  @Field(() => ID) targetProjectPath!: string;
}

@ObjectType("IssueMovePayload")
export class IssueMovePayload {
  @Field(() => IssueType, { nullable: true, description: "The new issue in the target project." })
  issue!: IssueType | null;
  @Field(() => [String]) errors!: string[];
}

@InputType("UpdateServiceDeskSettingsInput")
export class UpdateServiceDeskSettingsInput {
  @Field(() => ID) projectPath!: string;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => String, { nullable: true, description: "Blank clears it." }) projectKey?: string | null;
  @Field(() => String, { nullable: true }) outgoingName?: string | null;
  @Field(() => String, { nullable: true }) thankYouTemplate?: string | null;
  @Field(() => String, { nullable: true }) newNoteTemplate?: string | null;
  @Field(() => String, { nullable: true }) newParticipantTemplate?: string | null;
  @Field(() => String, { nullable: true }) issueTemplate?: string | null;
  @Field(() => Boolean, { nullable: true }) ticketsConfidentialByDefault?: boolean | null;
  @Field(() => Boolean, { nullable: true }) reopenIssueOnExternalParticipantNote?: boolean | null;
  @Field(() => Boolean, { nullable: true }) addExternalParticipantsFromCc?: boolean | null;
  @Field(() => Float, {
    nullable: true,
    description: "Issue 13.3: spam threshold; null clears it (the checker's own).",
  })
  spamThreshold?: number | null;
}

@ObjectType("UpdateServiceDeskSettingsPayload")
export class UpdateServiceDeskSettingsPayload {
  @Field(() => ServiceDeskSettingsType, { nullable: true }) serviceDeskSettings!: ServiceDeskSettingsType | null;
  @Field(() => [String]) errors!: string[];
}
