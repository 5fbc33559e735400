import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import type { UserType } from "./constants.ts";

@Entity({ name: "users" })
@Index("uq_users_username_lower", { synchronize: false })
@Index("uq_users_email_lower", { synchronize: false })
export class UserEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "text" }) username!: string;
  @Column({ type: "text" }) name!: string;
  @Column({ type: "text" }) email!: string;
  /** argon2id hash; null for users that cannot sign in (the Support Bot). */
  @Column({ type: "text", nullable: true }) passwordHash!: string | null;
  @Column({ type: "text", default: "human" }) userType!: UserType;
  @Column({ type: "boolean", default: false }) admin!: boolean;
  @Column({ type: "boolean", default: false }) blocked!: boolean;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt!: Date;
}
