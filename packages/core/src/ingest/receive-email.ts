import { createHash, type Hash } from "node:crypto";
import fs from "node:fs";
import {
  type DataSource,
  type EntityManager,
  type InboundStatus,
  type InboundTransport,
  preparedQuery,
} from "@tidings/db";
import { headerValue, headerValues, normaliseMessageId, type RawHeaders, readHeaders } from "./headers.ts";
import { findMailKey, type RouteSettings } from "./route.ts";
import { RAW_PIECE_BYTES } from "./stored-raw.ts";

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
 * Where the digested body starts: after the first empty line (CRLF CRLF or LF LF), leading blank lines
 * skipped; null when there is none. Part of the stored idempotency key's definition, so it stays as it was
 * written (headers.ts's bodyStart, for reading, also takes LF CRLF). Found in a prefix of a message, it is
 * where the whole message's body starts too (spool.ts relies on it).
 */
export const digestBodyStart = (raw: Buffer): number | null => {
  let start = 0;
  while (start < raw.length && (raw[start] === 0x0d || raw[start] === 0x0a)) start++;
  const crlf = raw.indexOf("\r\n\r\n", start);
  const lf = raw.indexOf("\n\n", start);
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : null;
};

/** The headers that say what the message is (not how it travelled): part of the content digest. */
const CONTENT_HEADERS = ["from", "subject", "date", "content-type"];

/**
 * Issue 15.4: a digest of what identifies the content — From, Subject, Date, Content-Type and the body
 * bytes — and not of the transport headers (Received, Delivered-To, X-Envelope-To, Return-Path…) that
 * differ between two deliveries of the same message. A different message reusing a Message-ID gets a
 * different digest, so it is stored rather than dropped as a duplicate.
 */
export const contentDigestOf = (raw: Buffer, headers = readHeaders(raw)): string =>
  contentDigestOfHash(startContentDigest(headers).update(raw.subarray(digestBodyStart(raw) ?? raw.length)));

/** The content digest's hash with the headers in; the body bytes follow (all at once, or a piece at a time). */
export const startContentDigest = (headers: RawHeaders): Hash => {
  const hash = createHash("sha256");
  for (const name of CONTENT_HEADERS) hash.update(`${name}:${headerValues(headers, name).join("\n")}\n`);
  return hash;
};

export const contentDigestOfHash = (hash: Hash) => hash.digest("hex").slice(0, 32);

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
): { key: string; messageId: string | null; sha256: string } =>
  idempotencyKeyOf(digestsOf(raw, headers), route, envelopeTo);

/** The digests of a message held in memory. */
const digestsOf = (raw: Buffer, headers: RawHeaders): MessageDigests => ({
  headers,
  sha256: createHash("sha256").update(raw).digest("hex"),
  contentDigest: () => contentDigestOf(raw, headers),
});

/** What the key is made of, however the bytes were read (at once, or a piece at a time by spool.ts). */
export type MessageDigests = { headers: RawHeaders; sha256: string; contentDigest: () => string };

/** The idempotency key (see idempotencyKeyFor) from a message's header block and digests. */
export const idempotencyKeyOf = (
  { headers, sha256, contentDigest }: MessageDigests,
  route: RouteSettings,
  envelopeTo: string[] = [],
): { key: string; messageId: string | null; sha256: string } => {
  const messageId = normaliseMessageId(headerValue(headers, "message-id"));
  if (!messageId) return { key: `sha256:${sha256}`, messageId: null, sha256 };
  const match = findMailKey(headers, route, envelopeTo);
  const destination = (match?.address ?? envelopeTo[0] ?? "").toLowerCase().replace(/^<|>$/g, "");
  return { key: `mid:${messageId}|to:${destination}|c:${contentDigest()}`, messageId, sha256 };
};

/** A message too large to hold in memory (spool.ts): its bytes in a file, its digests read on the way there. */
export type SpooledMessage = { file: string; size: number; digests: MessageDigests };

export type ReceiveSpooledInput = Omit<ReceiveEmailInput, "raw" | "originalSize"> & { spooled: SpooledMessage };

/** The raw bytes of a row, or: in the transaction's spooled_pieces table (receiveSpooledEmail). */
const IN_PIECES = Symbol("in pieces");

type LedgerRow = {
  key: string;
  transport: InboundTransport;
  source: string | null;
  envelopeFrom: string | null;
  envelopeTo: string[];
  messageId: string | null;
  subject: string | null;
  fromAddress: string | null;
  raw: Buffer | typeof IN_PIECES;
  sizeBytes: number;
  sha256: string;
};

const rowOf = (
  input: Omit<ReceiveEmailInput, "raw" | "originalSize">,
  digests: MessageDigests,
  raw: LedgerRow["raw"],
  sizeBytes: number,
): LedgerRow => {
  const { headers } = digests;
  const { key, messageId, sha256 } = idempotencyKeyOf(digests, input.route, input.envelopeTo);
  return {
    key,
    transport: input.transport,
    source: input.source ?? null,
    envelopeFrom: input.envelopeFrom ?? null,
    envelopeTo: input.envelopeTo ?? [],
    messageId,
    subject: headerValue(headers, "subject")?.slice(0, 500) ?? null,
    fromAddress: headerValue(headers, "from")?.slice(0, 500) ?? null,
    raw,
    sizeBytes,
    sha256,
  };
};

const ledgerRowOf = (input: ReceiveEmailInput): LedgerRow => {
  const { raw } = input;
  const digests = digestsOf(raw, readHeaders(raw));
  const size = Math.max(input.originalSize ?? 0, raw.length);
  const oversize = size > input.maxEmailBytes;
  return rowOf(input, digests, oversize ? raw.subarray(0, Math.min(raw.length, HEADER_ONLY_LIMIT)) : raw, size);
};

/**
 * Stores raw messages durably, before anything else happens (C1), with one INSERT for all of them: the
 * SMTP listener's group commit (issue 14.2) hands it every message that arrived while the previous commit
 * was under way. A message already stored (or twice in the same call) returns the existing row with
 * duplicate=true. The caller commits, then acknowledges each transport.
 */
export const receiveEmails = async (db: EntityManager, inputs: ReceiveEmailInput[]): Promise<ReceiveEmailResult[]> =>
  inputs.length === 0 ? [] : insertLedgerRows(db, inputs.map(ledgerRowOf));

/**
 * Stores a spooled message (see receiveEmails) without ever holding it: in one transaction, its file goes
 * to a temporary table a piece at a time, and the row's raw is those pieces joined by PostgreSQL. A
 * temporary table writes no WAL, so the bytes are logged once, with the row.
 */
export const receiveSpooledEmail = async (ds: DataSource, input: ReceiveSpooledInput): Promise<ReceiveEmailResult> => {
  const { spooled } = input;
  if (spooled.size > input.maxEmailBytes) throw new Error("An oversize message is never spooled for storing.");
  return ds.transaction(async (m) => {
    await m.query("CREATE TEMPORARY TABLE spooled_pieces (n int PRIMARY KEY, piece bytea NOT NULL) ON COMMIT DROP");
    let n = 0;
    let size = 0;
    for await (const piece of fs.createReadStream(spooled.file, { highWaterMark: RAW_PIECE_BYTES })) {
      await m.query("INSERT INTO spooled_pieces (n, piece) VALUES ($1, $2)", [n++, piece]);
      size += (piece as Buffer).length;
    }
    if (size !== spooled.size) throw new Error(`The spool file holds ${size} bytes, not the ${spooled.size} received.`);
    return (await insertLedgerRows(m, [rowOf(input, spooled.digests, IN_PIECES, spooled.size)]))[0];
  });
};

/** Groups of up to this many messages store with a prepared statement (one text per size, per connection). */
const PREPARED_GROUP_ROWS = 16;

const insertLedgerRows = async (db: EntityManager, rows: LedgerRow[]): Promise<ReceiveEmailResult[]> => {
  // The raw bytes go as one parameter each: a Buffer parameter travels in binary, where an array of them
  // would be sent as hex text (twice the size, and a copy in memory).
  const buffers = rows.flatMap((r) => (r.raw === IN_PIECES ? [] : [r.raw]));
  let next = 11;
  const raws = rows
    .map((r, i) =>
      r.raw === IN_PIECES
        ? `(${i + 1}, (SELECT string_agg(piece, ''::bytea ORDER BY n) FROM spooled_pieces))`
        : `(${i + 1}, $${next++}::bytea)`,
    )
    .join(", ");
  const sql = `INSERT INTO inbound_emails (idempotency_key, transport, source, envelope_from, envelope_to, message_id, subject,
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
     RETURNING id, idempotency_key`;
  const params = [
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
    ...buffers,
  ];
  // The group commit's few sizes (one text per number of rows) are prepared: PostgreSQL parsed and planned
  // this statement on every commit, about half of the backend's CPU for a commit of two messages (0.37 of
  // 0.8 ms), and with 4 SMTP sessions a commit holds ~2 messages (ledger.int.test.ts). A group holding a
  // spooled message (its bytes read from spooled_pieces, not a parameter) is rare and sent as it is.
  const inserted: { id: number; idempotency_key: string }[] =
    rows.length <= PREPARED_GROUP_ROWS && buffers.length === rows.length
      ? await preparedQuery(db, sql, params)
      : await db.query(sql, params);
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
