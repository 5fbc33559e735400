import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * One row per running process (worker, …), refreshed every few seconds: the api's readiness and metrics
 * tell from it which kind of process is down. A crashed process leaves its row to go stale; a clean stop
 * removes it.
 */
@Entity({ name: "process_heartbeats" })
@Index("idx_process_heartbeats_kind_beat", ["kind", "beatAt"])
export class ProcessHeartbeatEntity {
  /** Random per process start. */
  @PrimaryColumn({ type: "text" }) instance!: string;
  /** "worker", … */
  @Column({ type: "text" }) kind!: string;
  @Column({ type: "int" }) pid!: number;
  @Column({ type: "text" }) hostname!: string;
  @Column({ type: "timestamptz" }) startedAt!: Date;
  @Column({ type: "timestamptz" }) beatAt!: Date;
}
