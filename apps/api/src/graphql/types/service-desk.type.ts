import { effectiveTicketsConfidential } from "@tidings/core";
import type { ProjectEntity, ServiceDeskSettingEntity } from "@tidings/db";
import { Field, Float } from "type-graphql";
import { ObjectType } from "../object-type.ts";

@ObjectType("ServiceDeskSettings", { description: "B1–B7; Maintainer+ only." })
export class ServiceDeskSettingsType {
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => String, { nullable: true, description: "The email address suffix." }) projectKey!: string | null;
  @Field(() => String, { nullable: true, description: "The email display name; null means Support Bot." })
  outgoingName!: string | null;
  @Field(() => String, { nullable: true }) thankYouTemplate!: string | null;
  @Field(() => String, { nullable: true }) newNoteTemplate!: string | null;
  @Field(() => String, { nullable: true }) newParticipantTemplate!: string | null;
  @Field(() => String, { nullable: true }) issueTemplate!: string | null;
  @Field(() => Boolean, { description: "Always true in a public project." }) ticketsConfidentialByDefault!: boolean;
  @Field(() => Boolean) reopenIssueOnExternalParticipantNote!: boolean;
  @Field(() => Boolean) addExternalParticipantsFromCc!: boolean;
  @Field(() => Float, {
    nullable: true,
    description: "Issue 13.3: a spam score at or above it is quarantined; null uses the spam checker's own (spamd: 5).",
  })
  spamThreshold!: number | null;
  @Field(() => Boolean, {
    description:
      "Whether the instance has a Service Desk alias mailbox (SERVICE_DESK_EMAIL_ADDRESS); the suffix only changes that address.",
  })
  aliasMailboxConfigured!: boolean;
}

export const presentServiceDeskSettings = (
  project: ProjectEntity,
  s: ServiceDeskSettingEntity | null,
  aliasMailboxConfigured: boolean,
): ServiceDeskSettingsType => ({
  enabled: project.serviceDeskEnabled,
  projectKey: s?.projectKey ?? null,
  outgoingName: s?.outgoingName ?? null,
  thankYouTemplate: s?.thankYouTemplate ?? null,
  newNoteTemplate: s?.newNoteTemplate ?? null,
  newParticipantTemplate: s?.newParticipantTemplate ?? null,
  issueTemplate: s?.issueTemplate ?? null,
  ticketsConfidentialByDefault: effectiveTicketsConfidential(project, s),
  reopenIssueOnExternalParticipantNote: s?.reopenIssueOnExternalParticipantNote ?? false,
  addExternalParticipantsFromCc: s?.addExternalParticipantsFromCc ?? false,
  spamThreshold: s?.spamThreshold ?? null,
  aliasMailboxConfigured,
});

@ObjectType("ServiceDeskTemplatePreview", { description: "B5: a template rendered with sample values." })
export class ServiceDeskTemplatePreviewType {
  @Field(() => String) subject!: string;
  @Field(() => String) html!: string;
  @Field(() => String) text!: string;
  @Field(() => [String]) unknownPlaceholders!: string[];
}
