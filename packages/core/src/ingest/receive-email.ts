import { createHash } from "node:crypto";
import { type EntityManager, InboundEmailEntity, type InboundStatus, type InboundTransport } from "@tidings/db";
import { headerValue, headerValues, normaliseMessageId, readHeaders } from "./headers.ts";
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

/** Where the body starts: after the first empty line (CRLF CRLF or LF LF), leading blank lines skipped. */
const bodyStart = (raw: Buffer): number => {
  let start = 0;
  while (start < raw.length && (raw[start] === 0x0d || raw[start] === 0x0a)) start++;
  const crlf = raw.indexOf("\r\n\r\n", start);
  const lf = raw.indexOf("\n\n", start);
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : raw.length;
};

/** The headers that say what the message is (not how it travelled): part of the content digest. */
const CONTENT_HEADERS = ["from", "subject", "date", "content-type"];

/**
 * Issue 15.4: a digest of what identifies the content — From, Subject, Date, Content-Type and the body
 * bytes — and not of the transport headers (Received, Delivered-To, X-Envelope-To, Return-Path…) that
 * differ between two deliveries of the same message. A different message reusing a Message-ID gets a
 * different digest, so it is stored rather than dropped as a duplicate.
 */
export const contentDigestOf = (raw: Buffer, headers = readHeaders(raw)): string => {
  const hash = createHash("sha256");
  for (const name of CONTENT_HEADERS) hash.update(`${name}:${headerValues(headers, name).join("\n")}\n`);
  hash.update(raw.subarray(bodyStart(raw)));
  return hash.digest("hex").slice(0, 32);
};

/** The content digest inside an idempotency key (null for keys written before it was part of them). */
export const contentDigestInKey = (key: string): string | null => /\|c:([0-9a-f]+)$/.exec(key)?.[1] ?? null;

/**
 * C8: the idempotency key. Message-ID + destination (the address the message was routed to, so the same
 * message sent to two projects makes two issues) + the content digest, or the SHA-256 of the raw bytes
 * when there is no Message-ID. The same message delivered again — by SMTP retry, IMAP rescan, webhook
 * retry — maps to the same key and never makes a second issue; a different message with a reused
 * Message-ID does not (issue 15.4).
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
  const digest = contentDigestOf(raw, headers);
  return { key: `mid:${messageId}|to:${destination}|c:${digest}`, messageId, sha256 };
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
