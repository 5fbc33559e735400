import type { InboundEmailEntity } from "@tidings/db";
import { Field, ID, InputType, Int } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import { toGid } from "../ids.ts";
import { PageInfoType } from "./common.type.ts";

/** Raw sources above this size are cut in the API (the full message stays stored). */
export const MAX_RAW_SOURCE_CHARS = 1_000_000;

@ObjectType("InboundEmail", { description: "A received message in quarantine (C12): ignored, rejected or failed." })
export class InboundEmailType {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "ignored, rejected, failed (or the outcome after a retry/release)." })
  status!: string;
  @Field(() => String, { nullable: true, description: "Why it was quarantined, as a sentence." })
  reason!: string | null;
  @Field(() => String, { nullable: true }) from!: string | null;
  @Field(() => [String]) to!: string[];
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => String, { nullable: true }) messageId!: string | null;
  @Field(() => String, { description: "smtp, imap, graph, webhook or retry." }) transport!: string;
  @Field(() => Int) sizeBytes!: number;
  @Field(() => Int) attempts!: number;
  @Field(() => Date) receivedAt!: Date;
  @Field(() => Date, { nullable: true }) processedAt!: Date | null;
  /** Not exposed. */
  dbId!: number;
  projectId!: number | null;
  issueId!: number | null;
}

export const presentInboundEmail = (e: InboundEmailEntity): InboundEmailType => ({
  id: toGid("InboundEmail", e.id),
  status: e.status,
  reason: e.reason,
  from: e.fromAddress ?? e.envelopeFrom,
  to: e.envelopeTo,
  subject: e.subject,
  messageId: e.messageId,
  transport: e.transport,
  sizeBytes: e.sizeBytes,
  attempts: e.attempts,
  receivedAt: e.receivedAt,
  processedAt: e.processedAt,
  dbId: e.id,
  projectId: e.projectId,
  issueId: e.issueId,
});

@ObjectType("InboundEmailConnection")
export class InboundEmailConnectionType {
  @Field(() => [InboundEmailType]) nodes!: InboundEmailType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
  @Field(() => Int) count!: number;
}

@InputType("InboundEmailRetryInput")
export class InboundEmailRetryInput {
  @Field(() => ID) id!: string;
}

@InputType("InboundEmailReleaseInput")
export class InboundEmailReleaseInput {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: "The project to open the issue (or add the note) in." }) projectPath!: string;
}

@InputType("InboundEmailDeleteInput")
export class InboundEmailDeleteInput {
  @Field(() => ID) id!: string;
}

@ObjectType("InboundEmailPayload")
export class InboundEmailPayload {
  @Field(() => InboundEmailType, { nullable: true }) inboundEmail!: InboundEmailType | null;
  @Field(() => [String]) errors!: string[];
}

/** At most this many messages per bulk action. */
export const MAX_BULK_INBOUND = 100;

@InputType("InboundEmailsBulkInput", { description: "Issue 12.7: quarantined messages to act on at once (1–100)." })
export class InboundEmailsBulkInput {
  @Field(() => [ID]) ids!: string[];
}

@ObjectType("InboundEmailsBulkPayload")
export class InboundEmailsBulkPayload {
  @Field(() => [InboundEmailType], { description: "Each message as it is after the action (in the order asked)." })
  inboundEmails!: InboundEmailType[];
  @Field(() => [String]) errors!: string[];
}
