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
import type { Visibility } from "./constants.ts";
import { GroupEntity } from "./group.entity.ts";

@Entity({ name: "projects" })
@Index("uq_projects_full_path", ["fullPath"], { unique: true })
@Index("idx_projects_full_path_slug", ["fullPathSlug"])
export class ProjectEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int" }) groupId!: number;
  @ManyToOne(() => GroupEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "group_id" })
  group!: Relation<GroupEntity>;
  @Column({ type: "text" }) path!: string;
  @Column({ type: "text" }) name!: string;
  /** "group/sub/project" */
  @Column({ type: "text" }) fullPath!: string;
  /** GitLab's full_path_slug (A2); used in Service Desk addresses. */
  @Column({ type: "text" }) fullPathSlug!: string;
  @Column({ type: "text", default: "private" }) visibility!: Visibility;
  @Column({ type: "boolean", default: true }) issuesEnabled!: boolean;
  @Column({ type: "boolean", default: false }) serviceDeskEnabled!: boolean;
  /** Last allocated issue iid; incremented under the row lock, so iids are gap-free and unique. */
  @Column({ type: "int", default: 0 }) lastIssueIid!: number;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}
