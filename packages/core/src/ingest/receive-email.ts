import { createHash } from "node:crypto";
import { type EntityManager, InboundEmailEntity, type InboundStatus, type InboundTransport } from "@tidings/db";
import { headerValue, normaliseMessageId, readHeaders } from "./headers.ts";
import { findMailKey, type RouteSettings } from "./route.ts";

export type ReceiveEmailInput = {
  raw: Buffer;
  transport: InboundTransport;
  /** e.g. "smtp", "webhook", "imap:incoming:agent@127.0.0.1:1143/INBOX". */
  source?: string | null;
  envelopeFrom?: string | null;
  envelopeTo?: string[];
  /** Messages above this are stored as their header block only and rejected as too large (C10). */
  maxEmailBytes: number;
  route: RouteSettings;
  /** The real size when the transport kept only the head of an oversize message. */
  originalSize?: number;
};

export type ReceiveEmailResult = { id: number; duplicate: boolean; status: InboundStatus };

const HEADER_ONLY_LIMIT = 64 * 1024;

/**
 * C8: the idempotency key. Message-ID + destination (the address the message was routed to, so the same
 * message sent to two projects makes two issues), or the SHA-256 of the raw bytes when there is no
 * Message-ID. The same message delivered again — by SMTP retry, IMAP rescan, webhook retry — maps to the
 * same key and never makes a second issue.
 */
export const idempotencyKeyFor = (
  raw: Buffer,
  route: RouteSettings,
  envelopeTo: string[] = [],
): { key: string; messageId: string | null; sha256: string } => {
  const headers = readHeaders(raw);
  const sha256 = createHash("sha256").update(raw).digest("hex");
  const messageId = normaliseMessageId(headerValue(headers, "message-id"));
  if (!messageId) return { key: `sha256:${sha256}`, messageId: null, sha256 };
  const match = findMailKey(headers, route, envelopeTo);
  const destination = (match?.address ?? envelopeTo[0] ?? "").toLowerCase().replace(/^<|>$/g, "");
  return { key: `mid:${messageId}|to:${destination}`, messageId, sha256 };
};

/**
 * Stores the raw message durably, before anything else happens (C1). A message already stored returns
 * the existing row with duplicate=true. The caller commits, then acknowledges the transport.
 */
export const receiveEmail = async (db: EntityManager, input: ReceiveEmailInput): Promise<ReceiveEmailResult> => {
  const { key, messageId, sha256 } = idempotencyKeyFor(input.raw, input.route, input.envelopeTo);
  const headers = readHeaders(input.raw);
  const size = Math.max(input.originalSize ?? 0, input.raw.length);
  const oversize = size > input.maxEmailBytes;
  const stored = oversize ? input.raw.subarray(0, Math.min(input.raw.length, HEADER_ONLY_LIMIT)) : input.raw;
  const result = await db
    .createQueryBuilder()
    .insert()
    .into(InboundEmailEntity)
    .values({
      idempotencyKey: key,
      transport: input.transport,
      source: input.source ?? null,
      envelopeFrom: input.envelopeFrom ?? null,
      envelopeTo: input.envelopeTo ?? [],
      messageId,
      subject: headerValue(headers, "subject")?.slice(0, 500) ?? null,
      fromAddress: headerValue(headers, "from")?.slice(0, 500) ?? null,
      raw: stored,
      sizeBytes: size,
      sha256,
      status: "received",
    })
    .orIgnore()
    .returning(["id"])
    .execute();
  const id = (result.raw as { id: number }[])[0]?.id;
  if (id !== undefined) return { id, duplicate: false, status: "received" };
  const existing = await db.findOneOrFail(InboundEmailEntity, {
    where: { idempotencyKey: key },
    select: { id: true, status: true },
  });
  return { id: existing.id, duplicate: true, status: existing.status };
};
