import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/** A file stored content-addressed under DATA_DIR/uploads, linked from a description or note. */
@Entity({ name: "attachments" })
@Index("uq_attachments_secret", ["secret"], { unique: true })
@Index("idx_attachments_issue", ["issueId"])
export class AttachmentEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int" }) projectId!: number;
  @Column({ type: "int", nullable: true }) issueId!: number | null;
  @Column({ type: "int", nullable: true }) noteId!: number | null;
  @Column({ type: "int", nullable: true }) inboundEmailId!: number | null;
  /** Random, unguessable part of the download URL. */
  @Column({ type: "text" }) secret!: string;
  @Column({ type: "text" }) filename!: string;
  @Column({ type: "text" }) contentType!: string;
  @Column({ type: "int" }) sizeBytes!: number;
  @Column({ type: "text" }) sha256!: string;
  /** Issue 11.2: who uploaded it from the composer (null for files that came by email). */
  @Column({ type: "int", nullable: true }) uploadedById!: number | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}
