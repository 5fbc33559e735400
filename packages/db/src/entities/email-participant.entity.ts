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
import { IssueEntity } from "./issue.entity.ts";

/** An external (email-only) participant of an issue; receives new-note emails until unsubscribed. */
@Entity({ name: "issue_email_participants" })
@Index("uq_issue_email_participants_issue_email_lower", { synchronize: false })
export class EmailParticipantEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int" }) issueId!: number;
  @ManyToOne(() => IssueEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "issue_id" })
  issue!: Relation<IssueEntity>;
  @Column({ type: "text" }) email!: string;
  @Column({ type: "timestamptz", nullable: true }) unsubscribedAt!: Date | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}
