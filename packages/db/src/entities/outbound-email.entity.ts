import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import type { OutboundKind, OutboundStatus } from "./constants.ts";

export type OutboundAttachment = { filename: string; contentType: string; storagePath: string; sizeBytes: number };

/**
 * Issue 14.3: what a customer email is rendered from when the outbox runner sends it (the transaction that
 * queues it stores these, not the rendered bodies): the template and its values as they were when queued.
 */
export type OutboundRender = {
  template: string;
  values: Record<string, string>;
  subject: string;
  /** Who wrote %{NOTE_TEXT} when it is not the email's sender (render-email.ts). */
  noteAuthor?: string;
};

/** The transactional outbox (D5): written in the transaction that causes the email, then delivered. */
@Entity({ name: "outbound_emails" })
/** Its bodies, or what the runner renders them from (migration 1765001301700). */
@Check("chk_outbound_emails_body_or_render", `"text_body" IS NOT NULL OR "render" IS NOT NULL`)
@Index("uq_outbound_emails_message_id", ["messageId"], { unique: true })
@Index("uq_outbound_emails_dedupe_key", ["dedupeKey"], { unique: true, where: `"dedupe_key" IS NOT NULL` })
// Issue 14.3: the claim reads only the rows it can take, in its own order, whatever the statistics.
@Index("idx_outbound_emails_pending", ["nextAttemptAt", "id"], { where: `"status" IN ('queued', 'sending')` })
@Index("idx_outbound_emails_status_updated", ["status", "updatedAt"])
@Index("idx_outbound_emails_issue", ["issueId", "createdAt"])
@Index("idx_outbound_emails_note", ["noteId"], { where: `"note_id" IS NOT NULL` })
/** (lower(to_address), created_at) WHERE kind = 'rejection': the per-recipient rejection limit (migration). */
@Index("idx_outbound_emails_rejection_recipient", { synchronize: false })
@Index("idx_outbound_emails_interrupted", ["interruptedSends"], { where: `"interrupted_sends" > 0` })
export class OutboundEmailEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "text" }) kind!: OutboundKind;
  /** Guards against queuing the same email twice (e.g. "thank_you:issue:12"). */
  @Column({ type: "text", nullable: true }) dedupeKey!: string | null;
  @Column({ type: "int", nullable: true }) projectId!: number | null;
  @Column({ type: "int", nullable: true }) issueId!: number | null;
  @Column({ type: "int", nullable: true }) noteId!: number | null;
  @Column({ type: "int", nullable: true }) inboundEmailId!: number | null;
  @Column({ type: "text", nullable: true }) replyKey!: string | null;
  @Column({ type: "text" }) toAddress!: string;
  @Column({ type: "text", nullable: true }) fromName!: string | null;
  @Column({ type: "text" }) subject!: string;
  /** Stable Message-ID (without <>), fixed when queued so a retried send is recognisable. */
  @Column({ type: "text" }) messageId!: string;
  @Column({ type: "text", nullable: true }) inReplyTo!: string | null;
  @Column({ type: "text", array: true, default: () => "'{}'" }) references!: string[];
  @Column({ type: "jsonb", default: () => "'{}'" }) headers!: Record<string, string>;
  /** The bodies as queued, or null while `render` holds what the runner renders them from. */
  @Column({ type: "text", nullable: true }) textBody!: string | null;
  @Column({ type: "text", nullable: true }) htmlBody!: string | null;
  @Column({ type: "jsonb", nullable: true }) render!: OutboundRender | null;
  @Column({ type: "jsonb", default: () => "'[]'" }) attachments!: OutboundAttachment[];
  @Column({ type: "text", default: "queued" }) status!: OutboundStatus;
  @Column({ type: "int", default: 0 }) attempts!: number;
  @Column({ type: "timestamptz", default: () => "now()" }) nextAttemptAt!: Date;
  /** A sending lease: while in the future, another worker must not send this email. */
  @Column({ type: "timestamptz", nullable: true }) lockedUntil!: Date | null;
  @Column({ type: "text", nullable: true }) lastError!: string | null;
  /** The runner session holding the claim (its advisory-lock key): the claim ends with that session. */
  @Column({ type: "int", nullable: true }) claimedBy!: number | null;
  /** When this attempt's SMTP conversation began (null while the claim waits in the runner's queue). */
  @Column({ type: "timestamptz", nullable: true }) sendStartedAt!: Date | null;
  /** Attempts taken over after their send had begun: each may have reached the recipient twice. */
  @Column({ type: "int", default: 0 }) interruptedSends!: number;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
  @Column({ type: "timestamptz", nullable: true }) sentAt!: Date | null;
  /** What the receiving server answered when it accepted the email (issue 11.7). */
  @Column({ type: "text", nullable: true }) serverResponse!: string | null;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt!: Date;
}
