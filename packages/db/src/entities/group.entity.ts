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

/** A namespace; groups nest through parentId. fullPath is "parent/child". */
@Entity({ name: "groups" })
@Index("uq_groups_full_path", ["fullPath"], { unique: true })
export class GroupEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int", nullable: true }) parentId!: number | null;
  @ManyToOne(() => GroupEntity, { onDelete: "CASCADE", nullable: true })
  @JoinColumn({ name: "parent_id" })
  parent!: Relation<GroupEntity> | null;
  @Column({ type: "text" }) path!: string;
  @Column({ type: "text" }) name!: string;
  @Column({ type: "text" }) fullPath!: string;
  @Column({ type: "text", default: "private" }) visibility!: Visibility;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}
