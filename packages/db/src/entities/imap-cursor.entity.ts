import { Column, Entity, PrimaryColumn, UpdateDateColumn } from "typeorm";

/** Where a mailbox consumer resumes: UIDVALIDITY (bigint as text) and the last committed UID. */
@Entity({ name: "imap_cursors" })
export class ImapCursorEntity {
  /** e.g. "incoming:agent@127.0.0.1:1143/INBOX" (never contains the password). */
  @PrimaryColumn({ type: "text" }) mailboxKey!: string;
  @Column({ type: "text" }) uidValidity!: string;
  @Column({ type: "bigint", default: 0 }) lastUid!: string;
  @Column({ type: "timestamptz", nullable: true }) lastSyncAt!: Date | null;
  @Column({ type: "text", nullable: true }) lastError!: string | null;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt!: Date;
}
