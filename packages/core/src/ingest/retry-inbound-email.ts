import { type EntityManager, InboundEmailEntity, QUARANTINE_STATUSES } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { signalInbound } from "./signal-inbound.ts";

/**
 * C12 "retry": puts a quarantined message back to `received` so the pipeline runs again (after the admin
 * fixed the cause, e.g. enabled Service Desk), and signals the worker, which processes it on commit.
 */
export const retryInboundEmail = async (db: EntityManager, input: { id: number }): Promise<InboundEmailEntity> => {
  const row = await db.findOne(InboundEmailEntity, { where: { id: input.id }, lock: { mode: "pessimistic_write" } });
  if (!row) throw new DomainError("NOT_FOUND", "The email does not exist.");
  if (!QUARANTINE_STATUSES.includes(row.status)) {
    throw new DomainError(
      "CONFLICT",
      `Only ignored, rejected or failed emails can be retried (this one is ${row.status}).`,
    );
  }
  if (row.sizeBytes > row.raw.length) {
    throw new DomainError("INVALID_INPUT", "This email was too large to be stored whole; it cannot be retried.");
  }
  await db
    .createQueryBuilder()
    .update(InboundEmailEntity)
    .set({ status: "received", reason: null, attempts: 0, processedAt: null })
    .where("id = :id AND status IN (:...statuses)", { id: row.id, statuses: QUARANTINE_STATUSES })
    .execute();
  await signalInbound(db, [row.id]);
  return db.findOneByOrFail(InboundEmailEntity, { id: row.id });
};
