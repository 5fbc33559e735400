import { createHash } from "node:crypto";
import type { EntityManager, InboundStatus, InboundTransport } from "@tidings/db";
import { headerValue, headerValues, normaliseMessageId, type RawHeaders, readHeaders } from "./headers.ts";
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
  headers: RawHeaders = readHeaders(raw),
): { key: string; messageId: string | null; sha256: string } => {
  const sha256 = createHash("sha256").update(raw).digest("hex");
  const messageId = normaliseMessageId(headerValue(headers, "message-id"));
  if (!messageId) return { key: `sha256:${sha256}`, messageId: null, sha256 };
  const match = findMailKey(headers, route, envelopeTo);
  const destination = (match?.address ?? envelopeTo[0] ?? "").toLowerCase().replace(/^<|>$/g, "");
  const digest = contentDigestOf(raw, headers);
  return { key: `mid:${messageId}|to:${destination}|c:${digest}`, messageId, sha256 };
};

type LedgerRow = {
  key: string;
  transport: InboundTransport;
  source: string | null;
  envelopeFrom: string | null;
  envelopeTo: string[];
  messageId: string | null;
  subject: string | null;
  fromAddress: string | null;
  raw: Buffer;
  sizeBytes: number;
  sha256: string;
};

const ledgerRowOf = (input: ReceiveEmailInput): LedgerRow => {
  const headers = readHeaders(input.raw);
  const { key, messageId, sha256 } = idempotencyKeyFor(input.raw, input.route, input.envelopeTo, headers);
  const size = Math.max(input.originalSize ?? 0, input.raw.length);
  const oversize = size > input.maxEmailBytes;
  return {
    key,
    transport: input.transport,
    source: input.source ?? null,
    envelopeFrom: input.envelopeFrom ?? null,
    envelopeTo: input.envelopeTo ?? [],
    messageId,
    subject: headerValue(headers, "subject")?.slice(0, 500) ?? null,
    fromAddress: headerValue(headers, "from")?.slice(0, 500) ?? null,
    raw: oversize ? input.raw.subarray(0, Math.min(input.raw.length, HEADER_ONLY_LIMIT)) : input.raw,
    sizeBytes: size,
    sha256,
  };
};

/**
 * Stores raw messages durably, before anything else happens (C1), with one INSERT for all of them: the
 * SMTP listener's group commit (issue 14.2) hands it every message that arrived while the previous commit
 * was under way. A message already stored (or twice in the same call) returns the existing row with
 * duplicate=true. The caller commits, then acknowledges each transport.
 */
export const receiveEmails = async (db: EntityManager, inputs: ReceiveEmailInput[]): Promise<ReceiveEmailResult[]> => {
  if (inputs.length === 0) return [];
  const rows = inputs.map(ledgerRowOf);
  // The raw bytes go as one parameter each: a Buffer parameter travels in binary, where an array of them
  // would be sent as hex text (twice the size, and a copy in memory).
  const raws = rows.map((_, i) => `(${i + 1}, $${11 + i}::bytea)`).join(", ");
  const inserted: { id: number; idempotency_key: string }[] = await db.query(
    `INSERT INTO inbound_emails (idempotency_key, transport, source, envelope_from, envelope_to, message_id, subject,
                                 from_address, raw, size_bytes, sha256, status)
     SELECT u.key, u.transport, u.source, u.envelope_from, array(SELECT jsonb_array_elements_text(u.envelope_to)),
            u.message_id, u.subject, u.from_address, r.raw, u.size_bytes, u.sha256, 'received'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[],
                   $9::int[], $10::text[])
            WITH ORDINALITY AS u(key, transport, source, envelope_from, envelope_to, message_id, subject,
                                 from_address, size_bytes, sha256, n)
       JOIN (VALUES ${raws}) AS r(n, raw) ON r.n = u.n
      ORDER BY u.n
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING id, idempotency_key`,
    [
      rows.map((r) => r.key),
      rows.map((r) => r.transport),
      rows.map((r) => r.source),
      rows.map((r) => r.envelopeFrom),
      rows.map((r) => JSON.stringify(r.envelopeTo)),
      rows.map((r) => r.messageId),
      rows.map((r) => r.subject),
      rows.map((r) => r.fromAddress),
      rows.map((r) => r.sizeBytes),
      rows.map((r) => r.sha256),
      ...rows.map((r) => r.raw),
    ],
  );
  const fresh = new Map(inserted.map((r) => [r.idempotency_key, r.id]));
  const missing = rows.filter((r) => !fresh.has(r.key)).map((r) => r.key);
  const existing = new Map<string, { id: number; status: InboundStatus }>();
  if (missing.length) {
    const found: { id: number; status: InboundStatus; idempotency_key: string }[] = await db.query(
      `SELECT id, status, idempotency_key FROM inbound_emails WHERE idempotency_key = ANY($1::text[])`,
      [missing],
    );
    for (const r of found) existing.set(r.idempotency_key, { id: r.id, status: r.status });
  }
  const claimed = new Set<string>();
  return rows.map((r) => {
    const id = fresh.get(r.key);
    // The first of several copies in one call is the new row; the others are its duplicates.
    if (id !== undefined && !claimed.has(r.key)) {
      claimed.add(r.key);
      return { id, duplicate: false, status: "received" as const };
    }
    if (id !== undefined) return { id, duplicate: true, status: "received" as const };
    const e = existing.get(r.key);
    if (!e) throw new Error(`The message with key ${r.key} was neither stored nor found.`);
    return { id: e.id, duplicate: true, status: e.status };
  });
};

/** Stores one raw message (see receiveEmails). */
export const receiveEmail = async (db: EntityManager, input: ReceiveEmailInput): Promise<ReceiveEmailResult> =>
  (await receiveEmails(db, [input]))[0];
