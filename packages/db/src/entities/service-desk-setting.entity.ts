import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, type Relation, UpdateDateColumn } from "typeorm";
import { ProjectEntity } from "./project.entity.ts";

/** Per-project Service Desk settings (B1–B7). `enabled` lives on projects.service_desk_enabled. */
@Entity({ name: "service_desk_settings" })
// B3: (full_path_slug, project_key) is unique; the denormalised address slug enforces it.
@Index("uq_service_desk_settings_key_address_slug", ["projectKeyAddressSlug"], {
  unique: true,
  where: `"project_key_address_slug" IS NOT NULL`,
})
@Index("idx_service_desk_settings_project_key", ["projectKey"])
export class ServiceDeskSettingEntity {
  @PrimaryColumn({ type: "int" }) projectId!: number;
  @OneToOne(() => ProjectEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "project_id" })
  project!: Relation<ProjectEntity>;
  /** The email address suffix; only a-z 0-9 _, at most 255 chars; null when blank. */
  @Column({ type: "text", nullable: true }) projectKey!: string | null;
  /** "<full_path_slug>-<project_key>", kept in step with projectKey. */
  @Column({ type: "text", nullable: true }) projectKeyAddressSlug!: string | null;
  /** The From display name of thank-you and participant emails; null means "Support Bot". */
  @Column({ type: "text", nullable: true }) outgoingName!: string | null;
  /** Markdown templates; null means the built-in default. */
  @Column({ type: "text", nullable: true }) thankYouTemplate!: string | null;
  @Column({ type: "text", nullable: true }) newNoteTemplate!: string | null;
  @Column({ type: "text", nullable: true }) newParticipantTemplate!: string | null;
  /** Appended to the description of every new Service Desk issue (B6). */
  @Column({ type: "text", nullable: true }) issueTemplate!: string | null;
  @Column({ type: "boolean", default: true }) ticketsConfidentialByDefault!: boolean;
  /** Issue 10.1: on by default for new projects (GitLab's default is off; existing settings are kept). */
  @Column({ type: "boolean", default: true }) reopenIssueOnExternalParticipantNote!: boolean;
  /** Issue 13.3: a spam score at or above it is quarantined (null: the spam checker's own threshold). */
  @Column({ type: "real", nullable: true }) spamThreshold!: number | null;
  @Column({ type: "boolean", default: false }) addExternalParticipantsFromCc!: boolean;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt!: Date;
}
