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
import { NOTE_SEARCH_EXPRESSION } from "../migrations/1765001301500-search-head-1k.ts";
import { IssueEntity } from "./issue.entity.ts";
import { UserEntity } from "./user.entity.ts";

@Entity({ name: "notes" })
@Index("idx_notes_issue_created", ["issueId", "createdAt"])
export class NoteEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int" }) issueId!: number;
  @ManyToOne(() => IssueEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "issue_id" })
  issue!: Relation<IssueEntity>;
  @Column({ type: "int" }) authorId!: number;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "author_id" })
  author!: Relation<UserEntity>;
  @Column({ type: "text" }) body!: string;
  /** Internal notes are visible to Reporter+ only and are never emailed. */
  @Column({ type: "boolean", default: false }) internal!: boolean;
  /** System notes record events (closed, unsubscribed, ...) and are never emailed. */
  @Column({ type: "boolean", default: false }) system!: boolean;
  /** The sender's address for notes that came from email. */
  @Column({ type: "text", nullable: true }) externalAuthor!: string | null;
  /** The inbound Message-ID (without <>) for notes that came from email. */
  @Column({ type: "text", nullable: true }) messageId!: string | null;
  /** Issue 11.6: the last edit (the earlier bodies are in note_versions). */
  @Column({ type: "timestamptz", nullable: true }) lastEditedAt!: Date | null;
  @Column({ type: "int", nullable: true }) lastEditedById!: number | null;
  /** Issue 11.6: a deleted note keeps its place in the thread; its text is in note_versions. */
  @Column({ type: "timestamptz", nullable: true }) deletedAt!: Date | null;
  @Column({ type: "int", nullable: true }) deletedById!: number | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt!: Date;
  /**
   * Issue 10.5: the head of the body, stemmed and accent-insensitive; maintained by PostgreSQL. A trigger
   * joins the vectors of an issue's notes into the issue's comment vectors (migration 1765001301000).
   */
  @Column({
    type: "tsvector",
    generatedType: "STORED",
    asExpression: NOTE_SEARCH_EXPRESSION,
    select: false,
    insert: false,
    update: false,
  })
  searchVector!: string;
}
