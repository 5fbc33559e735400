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
import { ProjectEntity } from "./project.entity.ts";
import { UserEntity } from "./user.entity.ts";

// Migration 1765001301100's table: its inline REFERENCES are named by PostgreSQL (`<table>_<column>_fkey`),
// and the names below are those, so the drift test sees one schema.

/**
 * Issue 10.3: a saved view of a project's issue list — a name and the list's filters (core's
 * SavedViewFilters, validated there). Personal (userId set) or shared in the project (userId null). A name is
 * unique per owner, case-insensitively: two partial indexes on lower(name), the migration's.
 */
@Entity({ name: "saved_views" })
@Index("uq_saved_views_personal_name", { synchronize: false })
@Index("uq_saved_views_shared_name", { synchronize: false })
export class SavedViewEntity {
  @PrimaryGeneratedColumn({ type: "int", primaryKeyConstraintName: "PK_saved_views" }) id!: number;
  @Column({ type: "int" }) projectId!: number;
  @ManyToOne(() => ProjectEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "project_id", foreignKeyConstraintName: "saved_views_project_id_fkey" })
  project!: Relation<ProjectEntity>;
  @Column({ type: "int", nullable: true }) userId!: number | null;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE", nullable: true })
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "saved_views_user_id_fkey" })
  user!: Relation<UserEntity> | null;
  /** At most 80 characters (core's MAX_SAVED_VIEW_NAME), stored trimmed. */
  @Column({ type: "text" }) name!: string;
  @Column({ type: "jsonb" }) filters!: Record<string, unknown>;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt!: Date;
}
