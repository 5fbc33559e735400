import { Field, Float, ID, InputType, ObjectType } from "type-graphql";
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
}

@ObjectType("CreateNotePayload")
export class CreateNotePayload {
  @Field(() => NoteType, { nullable: true }) note!: NoteType | null;
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
