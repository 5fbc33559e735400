// Issue 11.7: for each message a customer sent, the thread shows who sent it (display name and address),
// whom it was addressed to and Cc'd, and links to the raw email. Read from the stored message's header
// block only (the rest may be megabytes of attachments). The caller shows it to Reporter+ only
// (customerAddressVisibility: these are customers' addresses).
import type { EntityManager } from "@tidings/db";
import { type AddressObject, simpleParser } from "mailparser";
import { bodyStart } from "../ingest/headers.ts";
import { cleanDisplayName } from "../notifications/participant-name.ts";

const HEAD_BYTES = 64 * 1024;

export type MessageEnvelope = {
  inboundEmailId: number;
  from: string | null;
  fromName: string | null;
  to: string[];
  cc: string[];
  receivedAt: Date;
};

const addresses = (o: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] =>
  (Array.isArray(o) ? o : o ? [o] : []).flatMap((x) =>
    x.value.flatMap((v) => (v.address ? [{ address: v.address, name: v.name }] : [])),
  );

const show = (a: { address: string; name: string }) => {
  const name = cleanDisplayName(a.name);
  return name ? `${name} <${a.address}>` : a.address;
};

/** The envelope of the email that made this note (noteId) or opened this issue (issueId, noteId null). */
export const messageEnvelope = async (
  db: EntityManager,
  ref: { issueId: number; noteId: number | null },
): Promise<MessageEnvelope | null> => {
  const rows: { id: number; head: Buffer; from_address: string | null; received_at: Date }[] = await db.query(
    `SELECT id, substring(raw from 1 for ${HEAD_BYTES}) AS head, from_address, received_at FROM inbound_emails
      WHERE ${ref.noteId === null ? "issue_id = $1 AND note_id IS NULL" : "note_id = $1"}
        AND status IN ('issue', 'note') ORDER BY id LIMIT 1`,
    [ref.noteId ?? ref.issueId],
  );
  const row = rows[0];
  if (!row) return null;
  const head = row.head.subarray(0, bodyStart(row.head));
  const parsed = await simpleParser(Buffer.concat([head, Buffer.from("\r\n\r\n")]), {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  }).catch(() => null);
  const from = addresses(parsed?.from)[0];
  return {
    inboundEmailId: row.id,
    from: from?.address ?? row.from_address,
    fromName: from ? cleanDisplayName(from.name) : null,
    to: addresses(parsed?.to).map(show),
    cc: addresses(parsed?.cc).map(show),
    receivedAt: row.received_at,
  };
};
