import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from "typeorm";
import { EmailParticipantEntity } from "./email-participant.entity.ts";
import { IssueEntity } from "./issue.entity.ts";

/** One reply key per outbound notification; replies and unsubscribes resolve through its digest. */
@Entity({ name: "sent_notifications" })
@Index("uq_sent_notifications_reply_key_digest", ["replyKeyDigest"], { unique: true })
@Index("idx_sent_notifications_issue", ["issueId"])
export class SentNotificationEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  /**
   * SHA-256 (hex) of the reply key: the key itself (128 random bits, never derived from ids) is a bearer
   * credential and exists only in the email that carries it (and its outbox row until it is sent).
   */
  @Column({ type: "text" }) replyKeyDigest!: string;
  @Column({ type: "int" }) projectId!: number;
  @Column({ type: "int" }) issueId!: number;
  @ManyToOne(() => IssueEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "issue_id" })
  issue!: Relation<IssueEntity>;
  @Column({ type: "int", nullable: true }) participantId!: number | null;
  @ManyToOne(() => EmailParticipantEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "participant_id" })
  participant!: Relation<EmailParticipantEntity> | null;
  @Column({ type: "text" }) recipientEmail!: string;
  /**
   * Issue 10.2: set on a team notification (no participant): the member it was sent to. A reply through
   * it becomes that member's comment, if it comes from their address.
   */
  @Column({ type: "int", nullable: true }) recipientUserId!: number | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}
