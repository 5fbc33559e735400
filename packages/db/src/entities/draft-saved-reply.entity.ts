import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from "typeorm";
import { IssueEntity } from "./issue.entity.ts";
import { ProjectEntity } from "./project.entity.ts";
import { UserEntity } from "./user.entity.ts";

// Both tables are migration 1765001300700's: its inline REFERENCES are named by PostgreSQL
// (`<table>_<column>_fkey`), and the names below are those, so the drift test sees one schema.

/** Issue 11.3: a user's unsent reply on an issue, one per (user, issue); gone with either. */
@Entity({ name: "note_drafts" })
export class NoteDraftEntity {
  @PrimaryColumn({ type: "int", primaryKeyConstraintName: "PK_note_drafts" }) userId!: number;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "note_drafts_user_id_fkey" })
  user!: Relation<UserEntity>;
  @PrimaryColumn({ type: "int", primaryKeyConstraintName: "PK_note_drafts" }) issueId!: number;
  @ManyToOne(() => IssueEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "issue_id", foreignKeyConstraintName: "note_drafts_issue_id_fkey" })
  issue!: Relation<IssueEntity>;
  /** As typed (not trimmed): the composer restores it exactly. */
  @Column({ type: "text" }) body!: string;
  @Column({ type: "boolean", default: false }) internal!: boolean;
  /** The newest note the author had seen when they began writing (issue 11.5's stale-reply check). */
  @Column({ type: "int", nullable: true }) lastSeenNoteId!: number | null;
  @Column({ type: "timestamptz", default: () => "now()" }) updatedAt!: Date;
}

/**
 * Issue 11.4 (GitLab: comment templates): personal (userId) or shared in a project (projectId), never
 * both. A name is unique per owner, case-insensitively: two partial indexes on lower(name), the migration's.
 */
@Entity({ name: "saved_replies" })
@Check("CHK_saved_replies_owner", `("user_id" IS NULL) <> ("project_id" IS NULL)`)
@Index("uq_saved_replies_user_name", { synchronize: false })
@Index("uq_saved_replies_project_name", { synchronize: false })
export class SavedReplyEntity {
  @PrimaryGeneratedColumn({ type: "int", primaryKeyConstraintName: "PK_saved_replies" }) id!: number;
  @Column({ type: "int", nullable: true }) userId!: number | null;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE", nullable: true })
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "saved_replies_user_id_fkey" })
  user!: Relation<UserEntity> | null;
  @Column({ type: "int", nullable: true }) projectId!: number | null;
  @ManyToOne(() => ProjectEntity, { onDelete: "CASCADE", nullable: true })
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "saved_replies_project_id_fkey" })
  project!: Relation<ProjectEntity> | null;
  /** At most 255 characters (core's MAX_SAVED_REPLY_NAME), stored trimmed. */
  @Column({ type: "text" }) name!: string;
  /** At most 10,000 characters (core's MAX_SAVED_REPLY_CONTENT); placeholders filled on insertion. */
  @Column({ type: "text" }) content!: string;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt!: Date;
}
