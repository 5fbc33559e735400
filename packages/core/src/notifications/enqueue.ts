import { type EntityManager, insertRows, OutboundEmailEntity, type OutboundRender } from "@tidings/db";

export const OUTBOX_CHANNEL = "tidings_outbox";

/** An email to queue: with its bodies, or with what the outbox runner renders them from (issue 14.3). */
export type EnqueueEmailInput = Omit<
  Partial<OutboundEmailEntity>,
  | "id"
  | "status"
  | "attempts"
  | "createdAt"
  | "updatedAt"
  | "sentAt"
  | "lockedUntil"
  | "lastError"
  | "textBody"
  | "render"
> &
  Pick<OutboundEmailEntity, "kind" | "toAddress" | "subject" | "messageId"> &
  ({ textBody: string; render?: undefined } | { textBody?: undefined; render: OutboundRender });

/**
 * Writes an email into the outbox inside the caller's transaction (D5) and wakes the runner on commit.
 * A repeated dedupeKey is ignored, so retried use cases never queue the same email twice.
 */
export const enqueueEmail = async (db: EntityManager, input: EnqueueEmailInput): Promise<number | null> => {
  const [id] = await insertRows(db, OutboundEmailEntity, [{ ...input, status: "queued" }], { ignoreConflicts: true });
  await db.query("SELECT pg_notify($1, '')", [OUTBOX_CHANNEL]);
  return id;
};

/** Writes many emails into the outbox with one INSERT and one wake-up (same guarantees as enqueueEmail). */
export const enqueueEmails = async (db: EntityManager, inputs: EnqueueEmailInput[]): Promise<void> => {
  if (inputs.length === 0) return;
  await insertRows(
    db,
    OutboundEmailEntity,
    inputs.map((input) => ({ ...input, status: "queued" as const })),
    { ignoreConflicts: true },
  );
  await db.query("SELECT pg_notify($1, '')", [OUTBOX_CHANNEL]);
};
