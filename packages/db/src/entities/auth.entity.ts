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
import { UserEntity } from "./user.entity.ts";

/** A browser session; only the SHA-256 of the cookie value is stored. */
@Entity({ name: "sessions" })
@Index("uq_sessions_token_digest", ["tokenDigest"], { unique: true })
@Index("idx_sessions_user", ["userId"])
export class SessionEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "text" }) tokenDigest!: string;
  @Column({ type: "int" }) userId!: number;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user!: Relation<UserEntity>;
  @Column({ type: "timestamptz" }) expiresAt!: Date;
  @Column({ type: "text", nullable: true }) ip!: string | null;
  @Column({ type: "text", nullable: true }) userAgent!: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}

/** An API token; only the SHA-256 of the token is stored. */
@Entity({ name: "personal_access_tokens" })
@Index("uq_personal_access_tokens_digest", ["tokenDigest"], { unique: true })
export class PersonalAccessTokenEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  @Column({ type: "int" }) userId!: number;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user!: Relation<UserEntity>;
  @Column({ type: "text" }) name!: string;
  @Column({ type: "text" }) tokenDigest!: string;
  @Column({ type: "timestamptz", nullable: true }) expiresAt!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) revokedAt!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) lastUsedAt!: Date | null;
  /** `api` or `read_api` (issue 10.6): a read_api token may not change anything. */
  @Column({ type: "text", array: true, default: () => "'{api}'" }) scopes!: string[];
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}

/** Failed sign-ins, counted per login and per address to limit guessing (A1). */
@Entity({ name: "failed_sign_ins" })
@Index("idx_failed_sign_ins_login_created", ["login", "createdAt"])
@Index("idx_failed_sign_ins_ip_created", ["ip", "createdAt"])
export class FailedSignInEntity {
  @PrimaryGeneratedColumn({ type: "int" }) id!: number;
  /** What the attempt counts against: `user:<id>`, or `unknown:<sha256 of the login>` (never the login as typed). */
  @Column({ type: "text" }) login!: string;
  @Column({ type: "text" }) ip!: string;
  @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}
