import { type EntityManager, InboundEmailEntity, QUARANTINE_STATUSES } from "@tidings/db";
import { DomainError } from "../errors.ts";

/**
 * C12 "delete": drops a quarantined message's raw bytes and marks the row `deleted`. The row itself stays
 * (with its idempotency key), so a re-delivery of the same message is still recognised and not re-applied.
 */
export const deleteInboundEmail = async (db: EntityManager, input: { id: number }): Promise<void> => {
  const row = await db.findOne(InboundEmailEntity, {
    where: { id: input.id },
    lock: { mode: "pessimistic_write" },
    select: { id: true, status: true },
  });
  if (!row) throw new DomainError("NOT_FOUND", "The email does not exist.");
  if (!QUARANTINE_STATUSES.includes(row.status)) {
    throw new DomainError(
      "CONFLICT",
      `Only ignored, rejected or failed emails can be deleted (this one is ${row.status}).`,
    );
  }
  await db.update(
    InboundEmailEntity,
    { id: row.id },
    { status: "deleted", raw: Buffer.alloc(0), processedAt: new Date() },
  );
};
