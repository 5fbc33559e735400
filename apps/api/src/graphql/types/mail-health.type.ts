import type { MailChannel, MailHealth } from "@tidings/core";
import { Field, Float, Int, registerEnumType } from "type-graphql";
import { ObjectType } from "../object-type.ts";

export const MailChannelKind = {
  IMAP: "imap",
  GRAPH: "graph",
  SMTP_LISTENER: "smtp_listener",
  WEBHOOK: "webhook",
  OUTBOUND: "outbound",
  CANARY: "canary",
} as const;
registerEnumType(MailChannelKind, { name: "MailChannelKind", description: "How mail comes in or goes out." });

export const MailChannelState = { OK: "ok", FAILING: "failing", STALE: "stale", OFF: "off" } as const;
registerEnumType(MailChannelState, {
  name: "MailChannelState",
  description: "ok; failing (its last attempt failed); stale (nothing reads it); off (not configured).",
});

@ObjectType("MailChannel", { description: "Issue 13.4: one way mail comes in or goes out, and how it is doing." })
export class MailChannelType {
  @Field(() => String) id!: string;
  @Field(() => MailChannelKind) kind!: MailChannel["kind"];
  @Field(() => String, { description: "in or out." }) direction!: string;
  @Field(() => String, { nullable: true, description: "incoming or service_desk for mailboxes." })
  role!: string | null;
  @Field(() => String, { description: "Admins: the mailbox (never a password); others: its role." })
  name!: string;
  @Field(() => MailChannelState) state!: MailChannel["state"];
  @Field(() => String, { nullable: true, description: "Why the state is what it is." }) detail!: string | null;
  @Field(() => Date, { nullable: true }) lastSuccessAt!: Date | null;
  @Field(() => String, { nullable: true, description: "The reason itself for admins only." })
  lastError!: string | null;
  @Field(() => Date, { nullable: true }) lastErrorAt!: Date | null;
}

@ObjectType("InboundMailHealth")
export class InboundMailHealthType {
  @Field(() => Int, { description: "Stored, not yet an issue, note or quarantined message." }) backlog!: number;
  @Field(() => Float) oldestWaitingSeconds!: number;
  @Field(() => Int) received24h!: number;
  @Field(() => Int) rejected24h!: number;
  @Field(() => Int) quarantined24h!: number;
  @Field(() => Int) bounces24h!: number;
  @Field(() => Float, { nullable: true }) rejectionRate!: number | null;
}

@ObjectType("OutboundMailHealth")
export class OutboundMailHealthType {
  @Field(() => Int) backlog!: number;
  @Field(() => Float) oldestQueuedSeconds!: number;
  @Field(() => Int) sent24h!: number;
  @Field(() => Int) failed24h!: number;
  @Field(() => Float, { nullable: true }) bounceRate!: number | null;
}

@ObjectType("MailHealth", {
  description: "Issue 13.4: the mail-health cockpit (admins: instance; maintainers: project).",
})
export class MailHealthType {
  @Field(() => Date) checkedAt!: Date;
  @Field(() => [MailChannelType]) channels!: MailChannelType[];
  @Field(() => InboundMailHealthType) inbound!: InboundMailHealthType;
  @Field(() => OutboundMailHealthType) outbound!: OutboundMailHealthType;
  /** The scope it was read for (not exposed): its history is of the same scope. */
  projectId!: number | null;
}

@ObjectType("MailHealthPoint", { description: "One bucket of the history (5 minutes over a day, a day over a month)." })
export class MailHealthPointType {
  @Field(() => Date) at!: Date;
  @Field(() => Int) received!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => Int) quarantined!: number;
  @Field(() => Int) bounces!: number;
  @Field(() => Int) sent!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int, { description: "The largest unprocessed backlog sampled (instance only)." }) backlog!: number;
  @Field(() => Int, { description: "The most mailboxes failing at once (instance only)." }) failingMailboxes!: number;
}

export const MailHealthRangeEnum = { DAY: "day", MONTH: "month" } as const;
registerEnumType(MailHealthRangeEnum, {
  name: "MailHealthRange",
  description: "DAY: the last 24 hours in 5-minute buckets; MONTH: the last 30 days by day.",
});

export const presentMailHealth = (h: MailHealth, projectId: number | null): MailHealthType =>
  Object.assign(new MailHealthType(), h, { projectId });
