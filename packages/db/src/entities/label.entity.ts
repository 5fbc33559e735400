import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from "typeorm";
import { IssueEntity } from "./issue.entity.ts";
import { ProjectEntity } from "./project.entity.ts";
import { UserEntity } from "./user.entity.ts";

@Entity({ name: "labels" })
@Index("uq_labels_project_title_lower", { synchronize: false })
export class LabelEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int" }) projectId!: number;
  @ManyToOne(() => ProjectEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "project_id" })
  project!: Relation<ProjectEntity>;
  @Column({ type: "text" }) title!: string;
  @Column({ type: "text", default: "#6699cc" }) color!: string;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}

@Entity({ name: "issue_labels" })
@Index("idx_issue_labels_label", ["labelId", "issueId"])
export class IssueLabelEntity {
  @PrimaryColumn({ type: "int" }) issueId!: number;
  @PrimaryColumn({ type: "int" }) labelId!: number;
  @ManyToOne(() => IssueEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "issue_id" })
  issue!: Relation<IssueEntity>;
  @ManyToOne(() => LabelEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "label_id" })
  label!: Relation<LabelEntity>;
}

@Entity({ name: "issue_assignees" })
@Index("idx_issue_assignees_user", ["userId", "issueId"])
export class IssueAssigneeEntity {
  @PrimaryColumn({ type: "int" }) issueId!: number;
  @PrimaryColumn({ type: "int" }) userId!: number;
  @ManyToOne(() => IssueEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "issue_id" })
  issue!: Relation<IssueEntity>;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user!: Relation<UserEntity>;
}
