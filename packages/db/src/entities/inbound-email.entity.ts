import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { type InboundStatus, type InboundTransport, QUARANTINE_STATUSES } from "./constants.ts";

/**
 * The ingestion ledger: every accepted message is stored raw here before anything else happens,
 * and ends with an outcome (issue, note, ignored/rejected/failed with a reason).
 */
@Entity({ name: "inbound_emails" })
// C8: Message-ID + destination (or a content hash when there is no Message-ID) is stored once.
@Index("uq_inbound_emails_idempotency_key", ["idempotencyKey"], { unique: true })
@Index("idx_inbound_emails_status_received", ["status", "receivedAt"])
@Index("idx_inbound_emails_received_at", ["receivedAt"])
// Issue 14.3: the processor's sweep reads only `received` rows, in its own order, whatever the statistics.
@Index("idx_inbound_emails_pending", ["id"], { where: `"status" = 'received'` })
// A reused Message-ID (issue 15.4) is found by Message-ID, whatever the size of the ledger; with the id,
// its earliest or latest email is one descent (issue 14.3).
@Index("idx_inbound_emails_message_id", ["messageId", "id"], { where: `"message_id" IS NOT NULL` })
// Issue 10.3: the email that opened each issue of a list page (the requester's display name).
@Index("idx_inbound_emails_issue_opening", ["issueId", "id"], { where: `"note_id" IS NULL` })
// Issue 14.3: the newest message the SMTP listener or the webhook stored (the mail health), in one descent.
@Index("idx_inbound_emails_push_transport", ["transport", "id"], { where: `"transport" IN ('smtp', 'webhook')` })
// Issue 14.3: a project's quarantine, newest first per status, without reading the rest of the ledger.
@Index("idx_inbound_emails_quarantine_project", ["projectId", "status", "id"], {
  where: `"status" IN (${QUARANTINE_STATUSES.map((s) => `'${s}'`).join(", ")})`,
})
export class InboundEmailEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "text" }) idempotencyKey!: string;
  @Column({ type: "text" }) transport!: InboundTransport;
  /** e.g. "imap:INBOX@127.0.0.1:1143" or "smtp". */
  @Column({ type: "text", nullable: true }) source!: string | null;
  @Column({ type: "text", nullable: true }) envelopeFrom!: string | null;
  @Column({ type: "text", array: true, default: () => "'{}'" }) envelopeTo!: string[];
  @Column({ type: "text", nullable: true }) messageId!: string | null;
  @Column({ type: "text", nullable: true }) subject!: string | null;
  @Column({ type: "text", nullable: true }) fromAddress!: string | null;
  @Column({ type: "bytea" }) raw!: Buffer;
  @Column({ type: "int" }) sizeBytes!: number;
  @Column({ type: "text" }) sha256!: string;
  @Column({ type: "text", default: "received" }) status!: InboundStatus;
  /** A sentence an admin can act on, for ignored/rejected/failed messages. */
  @Column({ type: "text", nullable: true }) reason!: string | null;
  /** Issue 12.6: why it landed where it did (routing-reason.ts), and the detail (a header, a Message-ID, an issue). */
  @Column({ type: "text", nullable: true }) routeReason!: string | null;
  @Column({ type: "text", nullable: true }) routeDetail!: string | null;
  /** Issue 13.3: sender authentication and spam score (packages/core/src/ingest/screen.ts). */
  @Column({ type: "jsonb", nullable: true }) screening!: Record<string, unknown> | null;
  @Column({ type: "int", nullable: true }) projectId!: number | null;
  @Column({ type: "int", nullable: true }) issueId!: number | null;
  @Column({ type: "int", nullable: true }) noteId!: number | null;
  @Column({ type: "int", default: 0 }) attempts!: number;
  @CreateDateColumn({ type: "timestamptz" }) receivedAt!: Date;
  @Column({ type: "timestamptz", nullable: true }) processedAt!: Date | null;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt!: Date;
}
