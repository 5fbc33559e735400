import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from "typeorm";
import { REQUESTER_SEARCH_EXPRESSION } from "../migrations/1765001301000-search-that-finds.ts";
import { ISSUE_SEARCH_EXPRESSION } from "../migrations/1765001301500-search-head-1k.ts";
import type { IssueState } from "./constants.ts";
import { ProjectEntity } from "./project.entity.ts";
import { UserEntity } from "./user.entity.ts";

@Entity({ name: "issues" })
@Index("uq_issues_project_iid", ["projectId", "iid"], { unique: true })
// The tracker's default views: a project's issues by state, newest first or recently updated first.
@Index("idx_issues_project_state_created", ["projectId", "state", "createdAt"])
@Index("idx_issues_project_state_updated", ["projectId", "state", "updatedAt"])
@Index("idx_issues_project_state_customer_activity", ["projectId", "state", "lastCustomerActivityAt"])
@Index("idx_issues_project_needs_reply", ["projectId", "lastCustomerActivityAt"], {
  where: `"awaiting_reply_since" IS NOT NULL`,
})
@Index("idx_issues_project_author_state_created", ["projectId", "authorId", "state", "createdAt"])
// Threading: a reply's In-Reply-To is looked up among the project's stored inbound Message-IDs (C6).
@Index("idx_issues_project_message_id", ["projectId", "messageId"])
@Index("idx_issues_search", { synchronize: false })
@Index("idx_issues_requester_search", { synchronize: false })
@Index("idx_issues_comments_search", { synchronize: false })
@Index("idx_issues_internal_notes_search", { synchronize: false })
// The per-sender limit of new issues (C10): (project_id, lower(external_author), created_at), migration 1765000900000.
@Index("idx_issues_project_sender_created", { synchronize: false })
// Capped filtered counts walk only this index, (project_id, state, author_id, id) INCLUDE (confidential,
// label_ids): migration 1765001301600 (it replaced 1765000700000's, which replaced 1763730000010's).
@Index("idx_issues_project_state_author_id_labels_cover", { synchronize: false })
// Lists filtered by labels: GIN over the labelled issues' label_ids, migration 1765001301600.
@Index("idx_issues_label_ids", { synchronize: false })
// Pages filtered by labels walk the labelled issues, index-only, in the list's order: migration 1765001302600.
@Index("idx_issues_labelled_created", { synchronize: false })
@Index("idx_issues_labelled_updated", { synchronize: false })
export class IssueEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int" }) projectId!: number;
  @ManyToOne(() => ProjectEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "project_id" })
  project!: Relation<ProjectEntity>;
  /** Per-project number shown as #iid. */
  @Column({ type: "int" }) iid!: number;
  @Column({ type: "text" }) title!: string;
  @Column({ type: "text", default: "" }) description!: string;
  @Column({ type: "text", default: "opened" }) state!: IssueState;
  @Column({ type: "boolean", default: false }) confidential!: boolean;
  @Column({ type: "int" }) authorId!: number;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "author_id" })
  author!: Relation<UserEntity>;
  /** The requester's address for Service Desk issues (Reply-To > From > Sender). */
  @Column({ type: "text", nullable: true }) externalAuthor!: string | null;
  /**
   * Issue 10.3: the requester's display name as their email gave it, stored when the issue opens ("" when
   * it gave none; null when unknown, e.g. issues opened before it was kept: read from the stored email).
   */
  @Column({ type: "text", nullable: true }) externalAuthorName!: string | null;
  /** The inbound Message-ID (without <>) of the email that opened the issue. */
  @Column({ type: "text", nullable: true }) messageId!: string | null;
  /** Set when the issue was moved; points at the new issue. */
  @Column({ type: "int", nullable: true }) movedToId!: number | null;
  @Column({ type: "timestamptz", nullable: true }) closedAt!: Date | null;
  /** Issue 10.1: when the customer last wrote (the creation for an issue nobody wrote to). */
  @Column({ type: "timestamptz", default: () => "now()" }) lastCustomerActivityAt!: Date;
  /** Since when a customer message has waited for a public answer; null when nothing waits. */
  @Column({ type: "timestamptz", nullable: true }) awaitingReplySince!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) firstTeamReplyAt!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) lastTeamReplyAt!: Date | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt!: Date;
  /**
   * Full-text search (stemmed, accent-insensitive) over the title and the head of the description (E2,
   * issue 10.5); maintained by PostgreSQL. The expression is the migration's (1765001301500), so they
   * cannot drift apart.
   */
  @Column({
    type: "tsvector",
    generatedType: "STORED",
    asExpression: ISSUE_SEARCH_EXPRESSION,
    select: false,
    insert: false,
    update: false,
  })
  searchVector!: string;
  /** The requester's address and domain, searchable by Reporter+ only (issue 10.5; migration 1765001301000). */
  @Column({
    type: "tsvector",
    generatedType: "STORED",
    asExpression: REQUESTER_SEARCH_EXPRESSION,
    select: false,
    insert: false,
    update: false,
  })
  requesterVector!: string;
  /**
   * Issue 10.5: the vectors of the issue's public comments, and of its internal notes (Reporter+), joined
   * by the notes' trigger (migration 1765001301000); never written by the application.
   */
  @Column({ type: "tsvector", default: () => "''", select: false, insert: false, update: false })
  commentsVector!: string;
  @Column({ type: "tsvector", default: () => "''", select: false, insert: false, update: false })
  internalNotesVector!: string;
  /**
   * Issue 14.4: the ids of the issue's labels, sorted; kept by the trigger on `issue_labels` (migration
   * 1765001301600) for list filters, never written by the application.
   */
  @Column({ type: "int", array: true, default: () => "'{}'", select: false, insert: false, update: false })
  labelIds!: number[];
}
