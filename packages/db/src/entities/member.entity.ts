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
import type { AccessLevel } from "./constants.ts";
import { GroupEntity } from "./group.entity.ts";
import { ProjectEntity } from "./project.entity.ts";
import { UserEntity } from "./user.entity.ts";

@Entity({ name: "group_members" })
@Index("uq_group_members_group_user", ["groupId", "userId"], { unique: true })
@Index("idx_group_members_user", ["userId"])
export class GroupMemberEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int" }) groupId!: number;
  @ManyToOne(() => GroupEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "group_id" })
  group!: Relation<GroupEntity>;
  @Column({ type: "int" }) userId!: number;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user!: Relation<UserEntity>;
  @Column({ type: "int" }) accessLevel!: AccessLevel;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}

@Entity({ name: "project_members" })
@Index("uq_project_members_project_user", ["projectId", "userId"], { unique: true })
@Index("idx_project_members_user", ["userId"])
export class ProjectMemberEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int" }) projectId!: number;
  @ManyToOne(() => ProjectEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "project_id" })
  project!: Relation<ProjectEntity>;
  @Column({ type: "int" }) userId!: number;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user!: Relation<UserEntity>;
  @Column({ type: "int" }) accessLevel!: AccessLevel;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}
